package maintenance

import (
	"errors"
	"fmt"
	"io/fs"
	"sync"
	"sync/atomic"
	"time"

	"github.com/respnorm/caddy-normalize/responses"
)

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// SystemClock is the system's clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// StatFunc is os.Stat, or a stand-in for it.
type StatFunc func(name string) (fs.FileInfo, error)

// State is a decision about maintenance: whether it is on, why, and the
// Retry-After it sends. A State is never changed once made.
type State struct {
	On     bool
	Source Source    // empty when off
	Until  time.Time // a known end; zero when none
	// RetryAfter is the field value, formatted once: seconds, or the
	// HTTP-date of Until.
	RetryAfter string
}

// Off is the state of no maintenance.
var Off = &State{}

func onState(source Source, until time.Time, retryAfter time.Duration) *State {
	s := &State{On: true, Source: source, Until: until}
	if until.IsZero() {
		s.RetryAfter = responses.RetryAfterSeconds(retryAfter)
	} else {
		s.RetryAfter = responses.RetryAfterDate(until)
	}
	return s
}

// Machine is the maintenance of one handler: its configuration, and the
// Entry of its name, which holds the operator's switch.
type Machine struct {
	cfg   Config
	entry *Entry
	clock Clock
	stat  StatFunc

	configOn *State // "enabled"
	fileOn   *State
	apiOn    *State // an API switch on with no retry-after of its own

	mu      sync.Mutex // serialises Refresh
	fileHas bool       // last known presence of the file
	fileErr atomic.Pointer[error]
	local   atomic.Pointer[State] // from the configuration
}

// NewMachine checks cfg and returns its machine, evaluated once (the
// file looked at) so that Current answers at once.
func NewMachine(cfg Config, entry *Entry, clock Clock, stat StatFunc) (*Machine, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if entry == nil {
		return nil, errors.New("maintenance: no entry")
	}
	if clock == nil {
		clock = SystemClock{}
	}
	ra := cfg.retryAfter()
	m := &Machine{
		cfg: cfg, entry: entry, clock: clock, stat: stat,
		configOn: onState(SourceConfig, time.Time{}, ra),
		fileOn:   onState(SourceFile, time.Time{}, ra),
		apiOn:    onState(SourceAPI, time.Time{}, ra),
	}
	_, _, _ = m.Refresh()
	return m, nil
}

// Entry is the entry of the machine's name.
func (m *Machine) Entry() *Entry { return m.entry }

// Clock is the machine's clock.
func (m *Machine) Clock() Clock { return m.clock }

// RetryAfter is the configured retry-after, or the default.
func (m *Machine) RetryAfter() time.Duration { return m.cfg.retryAfter() }

// Evaluate decides maintenance from the configuration alone, at now, with
// the file's presence as given. The order: enabled, then the file, then
// the first window that holds now.
func (m *Machine) Evaluate(now time.Time, fileExists bool) *State {
	switch {
	case m.cfg.Enabled:
		return m.configOn
	case m.cfg.File != "" && fileExists:
		return m.fileOn
	}
	for _, w := range m.cfg.Windows {
		if !now.Before(w.Start) && now.Before(w.End) {
			return onState(SourceWindow, w.End, 0)
		}
	}
	return Off
}

// Refresh looks at the file and re-evaluates the configuration. It
// reports whether the configured state changed (on/off or its source).
// A stat error other than "does not exist" is returned and kept (see
// FileError); the file's last known presence then stands.
func (m *Machine) Refresh() (changed bool, cur *State, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cfg.File != "" && m.stat != nil {
		_, serr := m.stat(m.cfg.File)
		switch {
		case serr == nil:
			m.fileHas = true
			m.fileErr.Store(nil)
		case errors.Is(serr, fs.ErrNotExist):
			m.fileHas = false
			m.fileErr.Store(nil)
		default:
			err = fmt.Errorf("maintenance file: %w", serr)
			m.fileErr.Store(&err)
		}
	}
	cur = m.Evaluate(m.clock.Now(), m.fileHas)
	old := m.local.Swap(cur)
	changed = old == nil || old.On != cur.On || old.Source != cur.Source || !old.Until.Equal(cur.Until)
	return changed, cur, err
}

// FileError is the last stat error of the file other than "does not
// exist", or nil.
func (m *Machine) FileError() error {
	if p := m.fileErr.Load(); p != nil {
		return *p
	}
	return nil
}

// Current is the state that applies now: the operator's switch while it
// is in force, else the configuration's. It allocates nothing, except at
// the instant a window closes before the next Refresh.
func (m *Machine) Current() *State {
	now := m.clock.Now()
	if sw := m.entry.sw.Load(); sw.InForce(now) {
		switch {
		case !sw.On:
			return Off
		case sw.state != nil:
			return sw.state
		}
		return m.apiOn
	}
	s := m.local.Load()
	if s.On && !s.Until.IsZero() && !now.Before(s.Until) {
		// A window closed since the last Refresh. Windows come after the
		// file, so the file was absent.
		return m.Evaluate(now, false)
	}
	return s
}

// Switched reports whether an operator's switch, rather than the
// configuration, decides the state now.
func (m *Machine) Switched() bool {
	return m.entry.sw.Load().InForce(m.clock.Now())
}
