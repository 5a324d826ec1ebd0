package caddynormalize

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/caddyserver/caddy/v2"

	"github.com/respnorm/caddy-normalize/responses"
)

// maintenanceSwitch is the body of POST /normalize/maintenance[/<name>].
type maintenanceSwitch struct {
	Enabled    *bool  `json:"enabled"`
	RetryAfter *int   `json:"retry_after,omitempty"`
	Until      string `json:"until,omitempty"`
}

// maintenanceStatus is one name's entry in GET /normalize/maintenance.
type maintenanceStatus struct {
	On         bool       `json:"on"`
	Source     string     `json:"source,omitempty"`
	Until      *time.Time `json:"until,omitempty"`
	RetryAfter string     `json:"retry_after,omitempty"`
	// SwitchedByAPI is true while an admin API switch, rather than the
	// configuration, decides the state.
	SwitchedByAPI bool `json:"switched_by_api"`
	Shared        bool `json:"shared"`
	Handlers      int  `json:"handlers"`
}

func (a *AdminAPI) handleMaintenance(w http.ResponseWriter, r *http.Request) error {
	name := strings.Trim(strings.TrimPrefix(r.URL.Path, "/normalize/maintenance"), "/")
	switch r.Method {
	case http.MethodGet:
		return writeJSON(w, maintenanceStatuses(name))
	case http.MethodPost:
		return a.switchMaintenance(w, r, name)
	case http.MethodDelete:
		entries, err := entriesNamed(name)
		if err != nil {
			return err
		}
		o := &maintOverride{maintState: offState, Cleared: true, Updated: time.Now()}
		if err := a.apply(r, entries, func(*maintEntry) *maintOverride { return o }); err != nil {
			return err
		}
		return writeJSON(w, maintenanceStatuses(name))
	}
	w.Header().Set("Allow", "GET, POST, DELETE")
	return caddy.APIError{HTTPStatus: http.StatusMethodNotAllowed, Err: fmt.Errorf("method %s not allowed", r.Method)}
}

func (a *AdminAPI) switchMaintenance(w http.ResponseWriter, r *http.Request, name string) error {
	var sw maintenanceSwitch
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sw); err != nil {
		return caddy.APIError{HTTPStatus: http.StatusBadRequest, Err: fmt.Errorf("decoding switch: %v", err)}
	}
	if sw.Enabled == nil {
		return caddy.APIError{HTTPStatus: http.StatusBadRequest, Err: fmt.Errorf(`"enabled" is required`)}
	}
	now := time.Now()
	st := &maintState{On: *sw.Enabled}
	if st.On {
		st.Source = "api"
		switch {
		case sw.Until != "":
			until, err := time.Parse(time.RFC3339, sw.Until)
			if err != nil {
				return caddy.APIError{HTTPStatus: http.StatusBadRequest, Err: fmt.Errorf("until: %v", err)}
			}
			if !until.After(now) {
				return caddy.APIError{HTTPStatus: http.StatusBadRequest, Err: fmt.Errorf("until %s is not in the future", sw.Until)}
			}
			st.Until = until
			st.RetryAfter = responses.RetryAfterDate(until)
		case sw.RetryAfter != nil:
			if err := checkRetryAfter(*sw.RetryAfter); err != nil {
				return caddy.APIError{HTTPStatus: http.StatusBadRequest, Err: err}
			}
			st.RetryAfter = responses.RetryAfterSeconds(time.Duration(*sw.RetryAfter) * time.Second)
		}
	}
	entries, err := entriesNamed(name)
	if err != nil {
		return err
	}
	err = a.apply(r, entries, func(e *maintEntry) *maintOverride {
		est := *st
		if est.On && est.RetryAfter == "" {
			est.RetryAfter = e.defaultRetryAfter()
		}
		return &maintOverride{maintState: &est, Updated: now}
	})
	if err != nil {
		return err
	}
	return writeJSON(w, maintenanceStatuses(name))
}

// apply switches each entry to the override mk makes for it, and keeps it
// in the shared storage of those that share.
func (a *AdminAPI) apply(r *http.Request, entries []*maintEntry, mk func(*maintEntry) *maintOverride) error {
	for _, e := range entries {
		o := mk(e)
		e.switchTo(o)
		logSwitch(a.logger, e.name, o, "admin API")
		if s := e.shared.Load(); s != nil {
			if err := s.save(r.Context(), e.name, o); err != nil {
				return caddy.APIError{HTTPStatus: http.StatusInternalServerError, Err: fmt.Errorf("saving shared state of %s: %v", e.name, err)}
			}
		}
	}
	return nil
}

// entriesNamed returns the entry called name, or every entry for "", of
// the handlers in the running config.
func entriesNamed(name string) ([]*maintEntry, error) {
	maintMu.Lock()
	defer maintMu.Unlock()
	if name != "" {
		e := maintEntries[name]
		if e == nil || !e.inUse() {
			return nil, caddy.APIError{HTTPStatus: http.StatusNotFound, Err: fmt.Errorf("no maintenance handler named %q", name)}
		}
		return []*maintEntry{e}, nil
	}
	out := make([]*maintEntry, 0, len(maintEntries))
	for _, e := range maintEntries {
		if e.inUse() {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out, nil
}

// defaultRetryAfter is the Retry-After of an API switch that names none:
// the configured one of a handler with this name.
func (e *maintEntry) defaultRetryAfter() string {
	secs := defaultMaintenanceRetryAfter
	e.mu.Lock()
	for m := range e.handlers {
		secs = m.RetryAfter
		break
	}
	e.mu.Unlock()
	return responses.RetryAfterSeconds(time.Duration(secs) * time.Second)
}

func maintenanceStatuses(name string) map[string]maintenanceStatus {
	entries, _ := entriesNamed(name)
	out := make(map[string]maintenanceStatus, len(entries))
	for _, e := range entries {
		var st maintenanceStatus
		st.SwitchedByAPI = e.override.Load().inForce(time.Now())
		st.Shared = e.shared.Load() != nil
		e.mu.Lock()
		st.Handlers = len(e.handlers)
		for m := range e.handlers {
			s := m.current()
			if s.On || st.Source == "" {
				st.On, st.Source, st.RetryAfter = s.On, s.Source, s.RetryAfter
				if !s.Until.IsZero() {
					u := s.Until
					st.Until = &u
				}
			}
		}
		e.mu.Unlock()
		if st.Handlers == 0 {
			continue // a name of an old config, no longer in use
		}
		out[e.name] = st
	}
	return out
}

func writeJSON(w http.ResponseWriter, v any) error {
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(v)
}
