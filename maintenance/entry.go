package maintenance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Switch is an operator's decision about a maintenance, made through the
// API. A cleared switch hands the decision back to the configuration.
type Switch struct {
	Cleared bool
	On      bool
	// Until ends an "on" by itself; zero for none.
	Until time.Time
	// RetryAfter is the Retry-After of an "on" with no Until; zero for
	// each handler's configured one.
	RetryAfter time.Duration
	// Version orders the switches kept in a Store: the highest wins. It
	// is zero for a switch that was never stored.
	Version uint64
	// Updated is when the switch was made, on the clock of the instance
	// that made it: for people to read, never to order switches.
	Updated time.Time

	state *State // an "on" with its own Retry-After, formatted once
}

// NewSwitch checks a switch made at now and prepares it. An "on" takes
// an Until in the future or a RetryAfter, not both; an "off" or a clear
// takes neither.
func NewSwitch(sw Switch, now time.Time) (*Switch, error) {
	switch {
	case sw.Cleared && sw.On:
		return nil, errors.New("a cleared switch cannot be on")
	case !sw.On && (!sw.Until.IsZero() || sw.RetryAfter != 0):
		return nil, errors.New("until and retry_after apply to a switch on only")
	case !sw.Until.IsZero() && sw.RetryAfter != 0:
		return nil, errors.New("until and retry_after exclude each other: with until, Retry-After is its date")
	case !sw.Until.IsZero() && !sw.Until.After(now):
		return nil, fmt.Errorf("until %s is not in the future", sw.Until.UTC().Format(time.RFC3339))
	}
	if err := CheckRetryAfter(sw.RetryAfter); err != nil {
		return nil, err
	}
	sw.Updated = now
	s := sw
	s.prepare()
	return &s, nil
}

func (sw *Switch) prepare() {
	sw.state = nil
	if sw.On && (!sw.Until.IsZero() || sw.RetryAfter != 0) {
		sw.state = onState(SourceAPI, sw.Until, sw.RetryAfter)
	}
}

// InForce reports whether the switch decides the state at now: it is not
// nil, not cleared, and not an "on" whose Until has come.
func (sw *Switch) InForce(now time.Time) bool {
	return sw != nil && !sw.Cleared && (!sw.On || sw.Until.IsZero() || now.Before(sw.Until))
}

// Store is a key-value store shared by a fleet, with a lock: the part of
// Caddy's storage (certmagic.Storage) that maintenance uses. Load returns
// an error wrapping fs.ErrNotExist for a key it does not hold.
type Store interface {
	Load(ctx context.Context, key string) ([]byte, error)
	Store(ctx context.Context, key string, value []byte) error
	Lock(ctx context.Context, name string) error
	Unlock(ctx context.Context, name string) error
}

// Key is where a Store keeps the switch of name.
func Key(name string) string { return "normalize/maintenance/" + name + ".json" }

// lockName is the Store's lock of name's switch.
func lockName(name string) string { return "normalize_maintenance_" + name }

// record is a switch as a Store keeps it.
type record struct {
	Version    uint64    `json:"version"`
	Cleared    bool      `json:"cleared,omitempty"`
	Enabled    bool      `json:"enabled"`
	RetryAfter string    `json:"retry_after,omitempty"` // seconds
	Until      time.Time `json:"until,omitzero"`
	Updated    time.Time `json:"updated"`
}

func (sw *Switch) record() record {
	r := record{Version: sw.Version, Cleared: sw.Cleared, Enabled: sw.On, Until: sw.Until, Updated: sw.Updated}
	if sw.RetryAfter != 0 {
		r.RetryAfter = strconv.FormatInt(int64(sw.RetryAfter/time.Second), 10)
	}
	return r
}

func (r record) toSwitch() (*Switch, error) {
	sw := &Switch{Version: r.Version, Cleared: r.Cleared, On: r.Enabled && !r.Cleared, Until: r.Until, Updated: r.Updated}
	if r.RetryAfter != "" && r.Until.IsZero() {
		secs, err := strconv.ParseInt(r.RetryAfter, 10, 64)
		if err != nil || secs < 0 || time.Duration(secs) > MaxRetryAfter/time.Second {
			return nil, fmt.Errorf("retry_after %q is not a number of seconds", r.RetryAfter)
		}
		sw.RetryAfter = time.Duration(secs) * time.Second
	}
	sw.prepare()
	return sw, nil
}

// ErrLock wraps the error of a Store that did not give its lock, as when
// another instance holds it for longer than the caller waits.
var ErrLock = errors.New("cannot take the store's lock on the shared switch")

// ErrCorrupt wraps the error of a stored record that cannot be read, as
// a write torn halfway leaves.
var ErrCorrupt = errors.New("stored maintenance switch is unreadable")

// load reads name's record from st: nil when there is none.
func load(ctx context.Context, st Store, name string) (*Switch, error) {
	b, err := st.Load(ctx, Key(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var r record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, Key(name), err)
	}
	sw, err := r.toSwitch()
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, Key(name), err)
	}
	return sw, nil
}

// Entry is the state of one maintenance name that outlives a
// configuration: the operator's switch, and the highest Store version
// this instance has applied. Every Machine of that name shares it.
type Entry struct {
	name string
	sw   atomic.Pointer[Switch] // nil: follow the configuration
	mu   sync.Mutex             // serialises Apply and Sync
	seen uint64                 // highest version applied from or to a Store
}

// NewEntry returns the entry of name, with no switch.
func NewEntry(name string) *Entry { return &Entry{name: name} }

// Name is the entry's name.
func (e *Entry) Name() string { return e.name }

// Switch is the switch last applied, or nil.
func (e *Entry) Switch() *Switch { return e.sw.Load() }

// Version is the highest Store version applied.
func (e *Entry) Version() uint64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.seen
}

// Apply applies sw (made by NewSwitch) to the entry. With a Store, it is
// first kept there: under the Store's lock, it takes the version after
// the highest of the stored one and the entry's own, and it applies here
// only once stored. If the Store fails (to lock, to read, or to write),
// nothing applies and the error says so. A stored record that cannot be
// read (a write torn halfway) is replaced.
func (e *Entry) Apply(ctx context.Context, st Store, sw *Switch) (*Switch, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := *sw
	if st == nil {
		s.Version = 0
		e.sw.Store(&s)
		return &s, nil
	}
	if err := st.Lock(ctx, lockName(e.name)); err != nil {
		return nil, fmt.Errorf("%w of %s: %w", ErrLock, e.name, err)
	}
	defer st.Unlock(context.WithoutCancel(ctx), lockName(e.name))
	stored, err := load(ctx, st, e.name)
	if err != nil && !errors.Is(err, ErrCorrupt) {
		return nil, fmt.Errorf("reading the shared switch of %s: %w", e.name, err)
	}
	s.Version = e.seen + 1
	if stored != nil && stored.Version >= e.seen {
		s.Version = stored.Version + 1
	}
	b, err := json.Marshal(s.record())
	if err != nil {
		return nil, err
	}
	if err := st.Store(ctx, Key(e.name), b); err != nil {
		return nil, fmt.Errorf("saving the shared switch of %s: %w", e.name, err)
	}
	e.seen = s.Version
	e.sw.Store(&s)
	return &s, nil
}

// Sync reads the switch kept in st and applies it if its version is
// higher than any this entry has applied. It returns the switch it
// applied, or nil. It does not take the Store's lock: a record is written
// whole or not read (an unreadable one is an error, and changes nothing).
func (e *Entry) Sync(ctx context.Context, st Store) (*Switch, error) {
	stored, err := load(ctx, st, e.name)
	if err != nil || stored == nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if stored.Version <= e.seen {
		return nil, nil
	}
	e.seen = stored.Version
	e.sw.Store(stored)
	return stored, nil
}
