package caddynormalize

import (
	"context"
	"sync"
	"time"

	"github.com/caddyserver/caddy/v2"

	"github.com/respnorm/caddy-normalize/maintenance"
)

// maintPool holds, per maintenance name, the state that must outlive a
// config (the admin API's switch, the fleet version seen), as
// reverse_proxy keeps its hosts: every handler of that name holds a
// reference from Provision to Cleanup, so the state survives reloads that
// keep the name and is removed, with its gauge, by the first config that
// no longer has it.
var maintPool = caddy.NewUsagePool()

// maintPooled is the pooled state of one name, and the handlers of the
// running configs (usually one config; two while a reload overlaps them)
// that have it.
type maintPooled struct {
	entry *maintenance.Entry

	mu        sync.Mutex
	handlers  []*Maintenance // in the order they were provisioned
	published bool
	lastOn    bool
	gone      bool
}

// Destruct removes the name's gauge: no config has it any more.
func (p *maintPooled) Destruct() error {
	p.mu.Lock()
	p.gone = true
	p.mu.Unlock()
	maintenanceActive.DeleteLabelValues(p.entry.Name())
	return nil
}

func (p *maintPooled) attach(m *Maintenance) {
	p.mu.Lock()
	p.handlers = append(p.handlers, m)
	p.mu.Unlock()
	p.publish()
}

func (p *maintPooled) detach(m *Maintenance) {
	p.mu.Lock()
	for i, h := range p.handlers {
		if h == m {
			p.handlers = append(p.handlers[:i], p.handlers[i+1:]...)
			break
		}
	}
	empty := len(p.handlers) == 0
	p.mu.Unlock()
	if !empty {
		p.publish()
	}
}

// list returns the handlers of the name.
func (p *maintPooled) list() []*Maintenance {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*Maintenance(nil), p.handlers...)
}

// store is where the name's switches are kept: the storage of the
// handler provisioned last that shares, which is the newest config's; nil
// when none shares. A handler's storage is its own context's, so a
// config that fails or is replaced takes its storage with it.
func (p *maintPooled) store() maintenance.Store {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := len(p.handlers) - 1; i >= 0; i-- {
		if s := p.handlers[i].store; s != nil {
			return s
		}
	}
	return nil
}

// apply applies sw to the name, through its storage when shared, and
// publishes the new state.
func (p *maintPooled) apply(ctx context.Context, sw *maintenance.Switch) (*maintenance.Switch, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	applied, err := p.entry.Apply(ctx, p.store(), sw)
	if err != nil {
		return nil, err
	}
	p.publish()
	return applied, nil
}

// publish sets the name's gauge (on while any of its handlers is on) and,
// when that changes, emits the Caddy event maintenance_on or
// maintenance_off, through the newest handler's events app.
func (p *maintPooled) publish() {
	p.mu.Lock()
	if p.gone || len(p.handlers) == 0 {
		p.mu.Unlock()
		return
	}
	var on *maintState
	for _, m := range p.handlers {
		if s := m.current(); s.On {
			on = s
			break
		}
	}
	newest := p.handlers[len(p.handlers)-1]
	changed := !p.published || p.lastOn != (on != nil)
	first := !p.published
	p.published, p.lastOn = true, on != nil
	p.mu.Unlock()

	v := 0.0
	if on != nil {
		v = 1
	}
	maintenanceActive.WithLabelValues(p.entry.Name()).Set(v)
	if !changed || (first && on == nil) {
		return // no event for a name that starts off
	}
	data := map[string]any{"name": p.entry.Name()}
	event := "maintenance_off"
	if on != nil {
		event = "maintenance_on"
		data["source"] = string(on.Source)
		data["retry_after"] = on.RetryAfter
		if !on.Until.IsZero() {
			data["until"] = on.Until.UTC().Format(time.RFC3339)
		}
	}
	if newest.events != nil {
		newest.events.Emit(newest.ctx, event, data)
	}
}
