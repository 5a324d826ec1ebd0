package maintenance

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock that tests set.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// memStore is a Store in memory, shared by the "instances" of a test. It
// can fail: to lock, or halfway through a write (half the bytes stored,
// then an error), as a disk that fills up or a network store cut off.
type memStore struct {
	mu         sync.Mutex
	kv         map[string][]byte
	locked     map[string]bool
	lockErr    error
	tearWrites bool
	writes     int
}

func newMemStore() *memStore {
	return &memStore{kv: map[string][]byte{}, locked: map[string]bool{}}
}

func (s *memStore) Load(_ context.Context, key string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.kv[key]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return append([]byte(nil), b...), nil
}

func (s *memStore) Store(_ context.Context, key string, value []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes++
	if s.tearWrites {
		s.kv[key] = append([]byte(nil), value[:len(value)/2]...)
		return errors.New("disk full")
	}
	s.kv[key] = append([]byte(nil), value...)
	return nil
}

func (s *memStore) Lock(_ context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lockErr != nil {
		return s.lockErr
	}
	if s.locked[name] {
		return errors.New("lock held: the test does not expect contention")
	}
	s.locked[name] = true
	return nil
}

func (s *memStore) Unlock(_ context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.locked[name] {
		return errors.New("unlock of a lock not held")
	}
	delete(s.locked, name)
	return nil
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func newMachine(t *testing.T, cfg Config, e *Entry, c Clock, stat StatFunc) *Machine {
	t.Helper()
	m, err := NewMachine(cfg, e, c, stat)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func mustSwitch(t *testing.T, sw Switch, now time.Time) *Switch {
	t.Helper()
	s, err := NewSwitch(sw, now)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestEvaluate checks each configured switch at fixed clocks, and their
// order: enabled, then the file, then windows.
func TestEvaluate(t *testing.T) {
	start := mustTime(t, "2026-12-01T02:00:00Z")
	end := mustTime(t, "2026-12-01T04:00:00Z")
	window := []Window{{Start: start, End: end}}
	tests := []struct {
		name       string
		cfg        Config
		now        time.Time
		file       bool
		on         bool
		source     Source
		retryAfter string
	}{
		{"off by default", Config{RetryAfter: time.Minute}, start, false, false, "", ""},
		{"enabled", Config{Enabled: true, RetryAfter: time.Minute}, start, false, true, SourceConfig, "60"},
		{"default retry-after", Config{Enabled: true}, start, false, true, SourceConfig, "300"},
		{"fraction of a second rounded up", Config{Enabled: true, RetryAfter: 1500 * time.Millisecond}, start, false, true, SourceConfig, "2"},
		{"file present", Config{File: "x", RetryAfter: 90 * time.Second}, start, true, true, SourceFile, "90"},
		{"file absent", Config{File: "x", RetryAfter: 90 * time.Second}, start, false, false, "", ""},
		{"file exists but not configured", Config{RetryAfter: 90 * time.Second}, start, true, false, "", ""},
		{"enabled before the file", Config{Enabled: true, File: "x"}, start, true, true, SourceConfig, "300"},
		{"file before a window", Config{File: "x", Windows: window}, start, true, true, SourceFile, "300"},
		{"before the window", Config{Windows: window}, start.Add(-time.Second), false, false, "", ""},
		{"window opens", Config{Windows: window}, start, false, true, SourceWindow, "Tue, 01 Dec 2026 04:00:00 GMT"},
		{"inside the window", Config{Windows: window}, end.Add(-time.Second), false, true, SourceWindow, "Tue, 01 Dec 2026 04:00:00 GMT"},
		{"window closed", Config{Windows: window}, end, false, false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMachine(t, tt.cfg, NewEntry("t"), &fakeClock{t: tt.now}, nil)
			s := m.Evaluate(tt.now, tt.file)
			if s.On != tt.on || s.Source != tt.source || s.RetryAfter != tt.retryAfter {
				t.Errorf("Evaluate = {on %v, source %q, retry-after %q}, want {on %v, source %q, retry-after %q}",
					s.On, s.Source, s.RetryAfter, tt.on, tt.source, tt.retryAfter)
			}
		})
	}
}

// TestConfigValidate: what the configuration must not say.
func TestConfigValidate(t *testing.T) {
	start := mustTime(t, "2026-12-01T02:00:00Z")
	for _, tt := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"negative retry-after", Config{RetryAfter: -time.Second}, "negative"},
		{"nanoseconds mistaken for seconds", Config{RetryAfter: 600}, "under a second"},
		{"over ten years", Config{RetryAfter: MaxRetryAfter + time.Second}, "over"},
		{"window backwards", Config{Windows: []Window{{Start: start, End: start.Add(-time.Hour)}}}, "before it starts"},
		{"empty window", Config{Windows: []Window{{Start: start, End: start}}}, "before it starts"},
	} {
		err := tt.cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Validate() = %v, want an error with %q", tt.name, err, tt.want)
		}
		if _, err := NewMachine(tt.cfg, NewEntry("x"), nil, nil); err == nil {
			t.Errorf("%s: NewMachine accepted it", tt.name)
		}
	}
	for _, ok := range []Config{{}, {RetryAfter: time.Second}, {RetryAfter: MaxRetryAfter}} {
		if err := ok.Validate(); err != nil {
			t.Errorf("Validate(%+v) = %v, want nil", ok, err)
		}
	}
}

// TestCheckName: names are tokens that can never be a path.
func TestCheckName(t *testing.T) {
	for _, ok := range []string{"app", "a-b_c.d", "8080", "example.com", "A1", strings.Repeat("x", 128)} {
		if err := CheckName(ok); err != nil {
			t.Errorf("CheckName(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{"", ".", "..", "../../x", "a/b", `a\b`, "a b", "a:b", "é", "a\x00", strings.Repeat("x", 129)} {
		if err := CheckName(bad); !errors.Is(err, ErrName) {
			t.Errorf("CheckName(%q) = %v, want ErrName", bad, err)
		}
	}
	for in, want := range map[string]string{
		":8080": "8080", "127.0.0.1:9080": "127.0.0.1_9080", "example.com": "example.com",
		"[::1]:443": "1__443", "": "default", "/": "default", "..": "default", "*.example.com": "example.com",
	} {
		got := NameFrom(in)
		if got != want {
			t.Errorf("NameFrom(%q) = %q, want %q", in, got, want)
		}
		if err := CheckName(got); err != nil {
			t.Errorf("NameFrom(%q) = %q, which CheckName refuses: %v", in, got, err)
		}
	}
}

// TestSwitchOverride: an API switch wins over the configuration, ends by
// itself at its until, and hands back when cleared.
func TestSwitchOverride(t *testing.T) {
	now := mustTime(t, "2026-12-01T02:00:00Z")
	clock := &fakeClock{t: now}
	e := NewEntry("t")
	m := newMachine(t, Config{Enabled: true, RetryAfter: time.Minute}, e, clock, nil)
	ctx := context.Background()

	if s := m.Current(); !s.On || s.Source != SourceConfig || m.Switched() {
		t.Fatalf("before any switch: %+v, switched %v", s, m.Switched())
	}
	if _, err := e.Apply(ctx, nil, mustSwitch(t, Switch{}, now)); err != nil {
		t.Fatal(err)
	}
	if s := m.Current(); s.On || !m.Switched() {
		t.Fatalf("switched off by the API, still on: %+v", s)
	}
	until := now.Add(time.Hour)
	if _, err := e.Apply(ctx, nil, mustSwitch(t, Switch{On: true, Until: until}, now)); err != nil {
		t.Fatal(err)
	}
	if s := m.Current(); !s.On || s.Source != SourceAPI || s.RetryAfter != "Tue, 01 Dec 2026 03:00:00 GMT" || !s.Until.Equal(until) {
		t.Fatalf("switched on by the API until %v: %+v", until, s)
	}
	clock.Set(until) // the switch ends by itself: back to the configuration
	if s := m.Current(); s.Source != SourceConfig || m.Switched() {
		t.Fatalf("after until: %+v, switched %v", s, m.Switched())
	}
	if _, err := e.Apply(ctx, nil, mustSwitch(t, Switch{On: true, RetryAfter: 42 * time.Second}, until)); err != nil {
		t.Fatal(err)
	}
	if s := m.Current(); s.RetryAfter != "42" || s.Source != SourceAPI {
		t.Fatalf("on with retry_after 42: %+v", s)
	}
	if _, err := e.Apply(ctx, nil, mustSwitch(t, Switch{Cleared: true}, until)); err != nil {
		t.Fatal(err)
	}
	if s := m.Current(); !s.On || s.Source != SourceConfig || m.Switched() {
		t.Fatalf("cleared: %+v", s)
	}
}

// TestSwitchUsesEachHandlersRetryAfter: an "on" without its own
// retry-after gives each handler of the name its configured one, not one
// picked among them.
func TestSwitchUsesEachHandlersRetryAfter(t *testing.T) {
	now := mustTime(t, "2026-12-01T02:00:00Z")
	clock := &fakeClock{t: now}
	e := NewEntry("shared-name")
	a := newMachine(t, Config{RetryAfter: 77 * time.Second}, e, clock, nil)
	b := newMachine(t, Config{}, e, clock, nil)
	if _, err := e.Apply(context.Background(), nil, mustSwitch(t, Switch{On: true}, now)); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ { // no map order to be lucky with
		if ra := a.Current().RetryAfter; ra != "77" {
			t.Fatalf("a: Retry-After %q, want its own 77", ra)
		}
		if ra := b.Current().RetryAfter; ra != "300" {
			t.Fatalf("b: Retry-After %q, want its own default 300", ra)
		}
	}
}

// TestNewSwitch: the switches that cannot apply.
func TestNewSwitch(t *testing.T) {
	now := mustTime(t, "2026-12-01T02:00:00Z")
	for _, tt := range []struct {
		name string
		sw   Switch
		want string
	}{
		{"until in the past", Switch{On: true, Until: now.Add(-time.Second)}, "not in the future"},
		{"until now", Switch{On: true, Until: now}, "not in the future"},
		{"until and retry_after", Switch{On: true, Until: now.Add(time.Hour), RetryAfter: time.Minute}, "exclude"},
		{"off with until", Switch{Until: now.Add(time.Hour)}, "on only"},
		{"off with retry_after", Switch{RetryAfter: time.Minute}, "on only"},
		{"negative retry_after", Switch{On: true, RetryAfter: -time.Second}, "negative"},
		{"cleared and on", Switch{Cleared: true, On: true}, "cleared"},
	} {
		if _, err := NewSwitch(tt.sw, now); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: NewSwitch = %v, want an error with %q", tt.name, err, tt.want)
		}
	}
}

// TestRefreshFile: the file switch follows the file; a stat error other
// than "does not exist" is returned and kept, and leaves the last known
// presence, rather than reading as "no file".
func TestRefreshFile(t *testing.T) {
	var statErr error
	stats := 0
	stat := func(name string) (fs.FileInfo, error) {
		stats++
		if name != "/run/app.maintenance" {
			t.Errorf("stat of %q", name)
		}
		return nil, statErr
	}
	now := mustTime(t, "2026-12-01T02:00:00Z")
	statErr = fs.ErrNotExist
	m := newMachine(t, Config{File: "/run/app.maintenance"}, NewEntry("f"), &fakeClock{t: now}, stat)
	if s := m.Current(); s.On || m.FileError() != nil {
		t.Fatalf("no file: %+v, %v", s, m.FileError())
	}

	statErr = nil // the file appears
	changed, s, err := m.Refresh()
	if !changed || !s.On || s.Source != SourceFile || err != nil || !m.Current().On {
		t.Fatalf("file present: changed %v, %+v, %v", changed, s, err)
	}

	statErr = &fs.PathError{Op: "stat", Path: "/run/app.maintenance", Err: os.ErrPermission}
	changed, s, err = m.Refresh()
	if !errors.Is(err, fs.ErrPermission) || m.FileError() == nil {
		t.Fatalf("EACCES: error %v, FileError %v; want it returned and kept", err, m.FileError())
	}
	if changed || !s.On {
		t.Fatalf("EACCES turned the file switch off (changed %v, %+v): the last known presence must stand", changed, s)
	}

	statErr = fs.ErrNotExist // removed, readable again
	changed, s, err = m.Refresh()
	if !changed || s.On || err != nil || m.FileError() != nil {
		t.Fatalf("file removed: changed %v, %+v, %v, FileError %v", changed, s, err, m.FileError())
	}
	if stats != 4 {
		t.Errorf("%d stats, want 4: one per Refresh (NewMachine included), none per Current", stats)
	}

	// A machine that starts with EACCES reports it and is off.
	statErr = os.ErrPermission
	m2 := newMachine(t, Config{File: "/run/app.maintenance"}, NewEntry("g"), &fakeClock{t: now}, stat)
	if m2.Current().On || !errors.Is(m2.FileError(), fs.ErrPermission) {
		t.Errorf("start with EACCES: %+v, FileError %v", m2.Current(), m2.FileError())
	}
}

// TestWindowEndsBetweenRefreshes: a window's end takes effect at once,
// not at the next Refresh.
func TestWindowEndsBetweenRefreshes(t *testing.T) {
	start := mustTime(t, "2026-12-01T02:00:00Z")
	clock := &fakeClock{t: start}
	m := newMachine(t, Config{Windows: []Window{{Start: start, End: start.Add(time.Hour)}}}, NewEntry("w"), clock, nil)
	if s := m.Current(); !s.On || s.Source != SourceWindow {
		t.Fatalf("inside the window: %+v", s)
	}
	clock.Set(start.Add(time.Hour))
	if s := m.Current(); s.On {
		t.Fatalf("at the window's end, with no Refresh: %+v", s)
	}
	if testing.AllocsPerRun(100, func() { clock.Set(start.Add(time.Minute)); m.Current() }) != 0 {
		t.Error("Current allocates inside a window")
	}
}

// node is one instance of a fleet: its entry and machine for one name,
// with a clock of its own.
type node struct {
	clock *fakeClock
	entry *Entry
	m     *Machine
}

func newNode(t *testing.T, name string, now time.Time, cfg Config) *node {
	c := &fakeClock{t: now}
	e := NewEntry(name)
	return &node{clock: c, entry: e, m: newMachine(t, cfg, e, c, nil)}
}

func (n *node) switchTo(t *testing.T, st Store, sw Switch) (*Switch, error) {
	t.Helper()
	s, err := NewSwitch(sw, n.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return n.entry.Apply(context.Background(), st, s)
}

func (n *node) sync(t *testing.T, st Store) {
	t.Helper()
	if _, err := n.entry.Sync(context.Background(), st); err != nil {
		t.Fatalf("Sync: %v", err)
	}
}

// TestFleetClockSkew: two instances whose clocks are ten minutes apart
// agree on the latest switch, whichever made it: the order is the
// Store's version, not the clocks (ordered by clocks, the switch of the
// instance behind would lose everywhere, its own state included).
func TestFleetClockSkew(t *testing.T) {
	real := mustTime(t, "2026-12-01T02:00:00Z")
	st := newMemStore()
	behind := newNode(t, "fleet", real.Add(-5*time.Minute), Config{RetryAfter: 30 * time.Second})
	ahead := newNode(t, "fleet", real.Add(5*time.Minute), Config{RetryAfter: 30 * time.Second})
	fleet := []*node{behind, ahead}
	agree := func(step string, on bool) {
		t.Helper()
		for _, n := range fleet {
			n.sync(t, st)
		}
		for i, n := range fleet {
			if s := n.m.Current(); s.On != on {
				t.Errorf("%s: node %d is on=%v, want %v (%+v)", step, i, s.On, on, s)
			}
		}
		if behind.entry.Version() != ahead.entry.Version() {
			t.Errorf("%s: versions %d and %d differ", step, behind.entry.Version(), ahead.entry.Version())
		}
	}

	if _, err := ahead.switchTo(t, st, Switch{On: true}); err != nil {
		t.Fatal(err)
	}
	agree("on by the node ahead", true)
	// Later in real time, earlier by its clock.
	sw, err := behind.switchTo(t, st, Switch{})
	if err != nil {
		t.Fatal(err)
	}
	if !sw.Updated.Before(ahead.entry.Switch().Updated) && sw.Version != 2 {
		t.Fatalf("the test needs the later switch to carry the earlier clock: %+v", sw)
	}
	agree("off by the node behind", false)
	if _, err := ahead.switchTo(t, st, Switch{On: true, RetryAfter: 15 * time.Second}); err != nil {
		t.Fatal(err)
	}
	agree("on again by the node ahead", true)
	if ra := behind.m.Current().RetryAfter; ra != "15" {
		t.Errorf("the node behind sends Retry-After %q, want 15", ra)
	}
	if _, err := behind.switchTo(t, st, Switch{Cleared: true}); err != nil {
		t.Fatal(err)
	}
	agree("cleared by the node behind", false)
	if v := behind.entry.Version(); v != 4 {
		t.Errorf("version %d after four switches, want 4", v)
	}

	// A switch this node missed (it polled before it) does not make it
	// write under an old version: the stored one is read under the lock.
	third := newNode(t, "fleet", real, Config{})
	if _, err := third.switchTo(t, st, Switch{On: true}); err != nil {
		t.Fatal(err)
	}
	if v := third.entry.Version(); v != 5 {
		t.Errorf("a new node's first switch has version %d, want 5", v)
	}
	agree("on by a third node that never synced", true)
}

// TestSyncOrder: Sync applies only a version higher than any applied; an
// absent record changes nothing; a record of an old release (no version)
// never overrides.
func TestSyncOrder(t *testing.T) {
	now := mustTime(t, "2026-12-01T02:00:00Z")
	st := newMemStore()
	n := newNode(t, "s", now, Config{})
	if sw, err := n.entry.Sync(context.Background(), st); sw != nil || err != nil {
		t.Fatalf("empty store: %v %v", sw, err)
	}
	st.kv[Key("s")] = []byte(`{"enabled": true, "updated": "2030-01-01T00:00:00Z"}`)
	if sw, _ := n.entry.Sync(context.Background(), st); sw != nil || n.m.Current().On {
		t.Fatalf("a record without version was applied: %+v", sw)
	}
	st.kv[Key("s")] = []byte(`{"version": 3, "enabled": true, "retry_after": "20", "updated": "2000-01-01T00:00:00Z"}`)
	sw, err := n.entry.Sync(context.Background(), st)
	if err != nil || sw == nil || n.m.Current().RetryAfter != "20" {
		t.Fatalf("version 3: %+v %v; state %+v", sw, err, n.m.Current())
	}
	st.kv[Key("s")] = []byte(`{"version": 2, "enabled": false, "updated": "2040-01-01T00:00:00Z"}`)
	if sw, _ := n.entry.Sync(context.Background(), st); sw != nil || !n.m.Current().On {
		t.Fatalf("an older version (with a later clock) was applied: %+v", sw)
	}
	if sw, _ := n.entry.Sync(context.Background(), st); sw != nil {
		t.Fatal("the same version applied twice")
	}
	st.kv[Key("s")] = []byte(`{"version": 4, "enabled": true, "retry_after": "x"}`)
	if _, err := n.entry.Sync(context.Background(), st); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("bad retry_after: %v, want ErrCorrupt", err)
	}
}

// TestStoreFailsHalfway: a write that fails halfway leaves a torn record.
// The switch is refused and applies nowhere; the other instance keeps the
// last whole switch and reports the torn one; the next switch replaces
// it, with a version above, and every instance takes it.
func TestStoreFailsHalfway(t *testing.T) {
	now := mustTime(t, "2026-12-01T02:00:00Z")
	st := newMemStore()
	a := newNode(t, "torn", now, Config{})
	b := newNode(t, "torn", now.Add(time.Minute), Config{})
	if _, err := a.switchTo(t, st, Switch{On: true}); err != nil {
		t.Fatal(err)
	}
	b.sync(t, st)

	st.tearWrites = true
	sw, err := a.switchTo(t, st, Switch{})
	if err == nil || sw != nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("torn write: %+v, %v; want the store's error", sw, err)
	}
	if !a.m.Current().On || a.entry.Version() != 1 {
		t.Fatalf("a refused switch applied on the node that made it: %+v v%d", a.m.Current(), a.entry.Version())
	}
	if got := st.kv[Key("torn")]; len(got) == 0 || json.Valid(got) {
		t.Fatalf("the fake did not tear the record: %q", got)
	}
	if _, err := b.entry.Sync(context.Background(), st); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Sync of a torn record: %v, want ErrCorrupt", err)
	}
	if !b.m.Current().On {
		t.Fatal("a torn record changed the other node")
	}

	st.tearWrites = false
	if _, err := b.switchTo(t, st, Switch{}); err != nil {
		t.Fatalf("the switch after a torn write: %v", err)
	}
	a.sync(t, st)
	for i, n := range []*node{a, b} {
		if n.m.Current().On || n.entry.Version() != 2 {
			t.Errorf("node %d after the switch that replaced the torn record: %+v v%d", i, n.m.Current(), n.entry.Version())
		}
	}
	if len(st.locked) != 0 {
		t.Errorf("locks left held: %v", st.locked)
	}
}

// TestStoreLockFails: without the Store's lock nothing is written and
// nothing applies.
func TestStoreLockFails(t *testing.T) {
	now := mustTime(t, "2026-12-01T02:00:00Z")
	st := newMemStore()
	st.lockErr = errors.New("lock service down")
	n := newNode(t, "l", now, Config{})
	if _, err := n.switchTo(t, st, Switch{On: true}); err == nil || !strings.Contains(err.Error(), "lock service down") {
		t.Fatalf("Apply without the lock: %v", err)
	}
	if n.m.Current().On || st.writes != 0 {
		t.Fatalf("applied (%+v) or written (%d) without the lock", n.m.Current(), st.writes)
	}
}

// TestCurrentAllocs: the request path allocates nothing, switched or not.
func TestCurrentAllocs(t *testing.T) {
	now := mustTime(t, "2026-12-01T02:00:00Z")
	n := newNode(t, "a", now, Config{Enabled: true})
	if a := testing.AllocsPerRun(100, func() { n.m.Current() }); a != 0 {
		t.Errorf("config: %v allocations", a)
	}
	n.switchTo(t, nil, Switch{On: true})
	if a := testing.AllocsPerRun(100, func() { n.m.Current() }); a != 0 {
		t.Errorf("API switch: %v allocations", a)
	}
}
