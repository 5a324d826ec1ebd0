package caddynormalize

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"sync"
	"sync/atomic"
	"time"

	"github.com/caddyserver/caddy/v2"
	"go.uber.org/zap"
)

// Maintenance state switched through the admin API lives at package level,
// keyed by handler name: handlers and admin modules are created afresh on
// every config load, and a switch must survive a reload.
var (
	maintMu      sync.Mutex
	maintEntries = map[string]*maintEntry{}
)

// maintEntry is the shared state of every handler with one name.
type maintEntry struct {
	name     string
	override atomic.Pointer[maintOverride] // nil: follow the configuration

	// The handlers of the current config with this name, for GET.
	mu       sync.Mutex
	handlers map[*Maintenance]struct{}
	shared   atomic.Pointer[sharedStore] // set by a handler with shared
}

// maintOverride is a switch made through the admin API. A cleared one
// hands the decision back to the configuration; it is kept, rather than
// dropped, so that it orders against switches from shared storage.
type maintOverride struct {
	*maintState
	Cleared bool
	Updated time.Time
}

// inForce reports whether the switch decides the state at now: it has not
// been cleared, and an "on" with an end has not reached it.
func (o *maintOverride) inForce(now time.Time) bool {
	return o != nil && !o.Cleared && (!o.On || o.Until.IsZero() || now.Before(o.Until))
}

func maintEntryFor(name string) *maintEntry {
	maintMu.Lock()
	defer maintMu.Unlock()
	e := maintEntries[name]
	if e == nil {
		e = &maintEntry{name: name, handlers: map[*Maintenance]struct{}{}}
		maintEntries[name] = e
	}
	return e
}

func (e *maintEntry) attach(m *Maintenance) {
	e.mu.Lock()
	e.handlers[m] = struct{}{}
	e.mu.Unlock()
}

// inUse reports whether a handler of the running config has this name.
func (e *maintEntry) inUse() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.handlers) > 0
}

func (e *maintEntry) detach(m *Maintenance) {
	e.mu.Lock()
	delete(e.handlers, m)
	e.mu.Unlock()
}

// publish updates the gauge of the entry from its handlers' states.
func (e *maintEntry) publish() {
	on := 0.0
	e.mu.Lock()
	for m := range e.handlers {
		if m.current().On {
			on = 1
		}
	}
	e.mu.Unlock()
	maintenanceActive.WithLabelValues(e.name).Set(on)
}

// switchTo applies an admin API switch made at `updated`. It reports
// whether it changed anything (an older switch does not replace a newer).
func (e *maintEntry) switchTo(o *maintOverride) bool {
	for {
		cur := e.override.Load()
		if cur != nil && !o.Updated.After(cur.Updated) {
			return false
		}
		if e.override.CompareAndSwap(cur, o) {
			e.publish()
			return true
		}
	}
}

// sharedRecord is what a shared switch keeps in Caddy's storage.
type sharedRecord struct {
	Cleared    bool      `json:"cleared,omitempty"`
	Enabled    bool      `json:"enabled"`
	RetryAfter string    `json:"retry_after,omitempty"`
	Until      time.Time `json:"until,omitempty"`
	Updated    time.Time `json:"updated"`
}

// kvStorage is the part of Caddy's storage (certmagic.Storage) used here.
type kvStorage interface {
	Store(ctx context.Context, key string, value []byte) error
	Load(ctx context.Context, key string) ([]byte, error)
}

// sharedStore is Caddy's configured storage, as a handler with shared
// sees it.
type sharedStore struct{ kv kvStorage }

func sharedKey(name string) string { return "normalize/maintenance/" + name + ".json" }

func (s *sharedStore) save(ctx context.Context, name string, o *maintOverride) error {
	b, err := json.Marshal(sharedRecord{Cleared: o.Cleared, Enabled: o.On, RetryAfter: o.RetryAfter, Until: o.Until, Updated: o.Updated})
	if err != nil {
		return err
	}
	return s.kv.Store(ctx, sharedKey(name), b)
}

func (s *sharedStore) load(ctx context.Context, name string) (*maintOverride, error) {
	b, err := s.kv.Load(ctx, sharedKey(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var rec sharedRecord
	if err := json.Unmarshal(b, &rec); err != nil {
		return nil, err
	}
	return overrideFromRecord(rec), nil
}

func overrideFromRecord(rec sharedRecord) *maintOverride {
	st := &maintState{On: rec.Enabled, Until: rec.Until, RetryAfter: rec.RetryAfter}
	if rec.Enabled {
		st.Source = "api"
	}
	return &maintOverride{maintState: st, Cleared: rec.Cleared, Updated: rec.Updated}
}

// follow polls the shared storage every two seconds until ctx is done,
// adopting any switch newer than the one in force.
func (e *maintEntry) follow(ctx caddy.Context, logger *zap.Logger) {
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		st := e.shared.Load()
		if st == nil {
			continue
		}
		o, err := st.load(ctx, e.name)
		if err != nil {
			logger.Warn("reading shared maintenance state", zap.String("name", e.name), zap.Error(err))
			continue
		}
		if o != nil && e.switchTo(o) {
			logSwitch(logger, e.name, o, "shared storage")
		}
	}
}

// logSwitch logs an admin API switch, made here or on another instance.
func logSwitch(logger *zap.Logger, name string, o *maintOverride, via string) {
	switch {
	case o.Cleared:
		logger.Info("maintenance switch cleared: back to the configuration", zap.String("name", name), zap.String("via", via))
	case o.On:
		logger.Info("maintenance on", zap.String("name", name), zap.String("source", "api"), zap.String("via", via), zap.String("retry_after", o.RetryAfter))
	default:
		logger.Info("maintenance off", zap.String("name", name), zap.String("source", "api"), zap.String("via", via))
	}
}
