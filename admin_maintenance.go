package caddynormalize

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/caddyserver/caddy/v2"

	"github.com/respnorm/caddy-normalize/maintenance"
)

// maintenanceSwitch is the body of POST /normalize/maintenance[/<name>].
type maintenanceSwitch struct {
	Enabled    *bool  `json:"enabled"`
	RetryAfter *int   `json:"retry_after,omitempty"` // seconds
	Until      string `json:"until,omitempty"`       // RFC 3339
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
	// Version is the version of the last switch applied from or to the
	// shared storage; 0 when none.
	Version uint64 `json:"version,omitempty"`
	// FileError is why a handler's maintenance file cannot be read.
	FileError string `json:"file_error,omitempty"`
}

// handleMaintenance serves /normalize/maintenance[/<name>]: GET the
// state, POST a switch (a JSON body, Content-Type application/json),
// DELETE the switch. A name no running config has is 404 on every verb,
// and so is a switch of every name when there is none.
func (a *AdminAPI) handleMaintenance(w http.ResponseWriter, r *http.Request) error {
	name := strings.Trim(strings.TrimPrefix(r.URL.Path, "/normalize/maintenance"), "/")
	switch r.Method {
	case http.MethodGet, http.MethodPost, http.MethodDelete:
	default:
		w.Header().Set("Allow", "GET, POST, DELETE")
		return caddy.APIError{HTTPStatus: http.StatusMethodNotAllowed, Err: fmt.Errorf("method %s not allowed", r.Method)}
	}
	if name != "" {
		if err := maintenance.CheckName(name); err != nil {
			return caddy.APIError{HTTPStatus: http.StatusNotFound, Err: fmt.Errorf("no maintenance handler named %q", name)}
		}
	}
	entries := maintEntries(name)
	if name != "" && len(entries) == 0 {
		return caddy.APIError{HTTPStatus: http.StatusNotFound, Err: fmt.Errorf("no maintenance handler named %q", name)}
	}
	if r.Method == http.MethodGet {
		return writeJSON(w, maintenanceStatuses(entries))
	}
	if len(entries) == 0 {
		return caddy.APIError{HTTPStatus: http.StatusNotFound, Err: errors.New("no maintenance handler is configured")}
	}
	var sw *maintenance.Switch
	if r.Method == http.MethodPost {
		var err error
		if sw, err = decodeSwitch(r); err != nil {
			return caddy.APIError{HTTPStatus: http.StatusBadRequest, Err: err}
		}
	} else {
		sw, _ = maintenance.NewSwitch(maintenance.Switch{Cleared: true}, maintClock.Now())
	}
	var done []string
	for _, p := range entries {
		applied, err := p.apply(r.Context(), sw)
		if err != nil {
			status := http.StatusInternalServerError
			if errors.Is(err, maintenance.ErrLock) {
				status = http.StatusConflict
			}
			msg := fmt.Errorf("switch of %s not applied: %v", p.entry.Name(), err)
			if len(done) > 0 {
				msg = fmt.Errorf("%v (applied to %s)", msg, strings.Join(done, ", "))
			}
			return caddy.APIError{HTTPStatus: status, Err: msg}
		}
		logSwitch(a.logger, p.entry.Name(), applied, "admin API")
		done = append(done, p.entry.Name())
	}
	return writeJSON(w, maintenanceStatuses(entries))
}

// decodeSwitch reads and checks the switch of a POST.
func decodeSwitch(r *http.Request) (*maintenance.Switch, error) {
	ct := r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		return nil, fmt.Errorf("Content-Type %q: a switch is JSON, sent as application/json", ct)
	}
	var body maintenanceSwitch
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		return nil, fmt.Errorf("decoding switch: %v", err)
	}
	if dec.More() {
		return nil, errors.New("decoding switch: more than one JSON value")
	}
	if body.Enabled == nil {
		return nil, errors.New(`"enabled" is required`)
	}
	sw := maintenance.Switch{On: *body.Enabled}
	if body.Until != "" {
		until, err := time.Parse(time.RFC3339, body.Until)
		if err != nil {
			return nil, fmt.Errorf("until: %v", err)
		}
		sw.Until = until
	}
	if body.RetryAfter != nil {
		secs := *body.RetryAfter
		if secs < 0 || time.Duration(secs) > maintenance.MaxRetryAfter/time.Second {
			return nil, fmt.Errorf("retry_after: %d is not between 0 and %d seconds", secs, int64(maintenance.MaxRetryAfter/time.Second))
		}
		sw.RetryAfter = time.Duration(secs) * time.Second
	}
	return maintenance.NewSwitch(sw, maintClock.Now())
}

// maintEntries returns the pooled state called name, or all for "", of
// the handlers of the running configs, by name.
func maintEntries(name string) []*maintPooled {
	var out []*maintPooled
	maintPool.Range(func(key, value any) bool {
		if p := value.(*maintPooled); (name == "" || key == name) && len(p.list()) > 0 {
			out = append(out, p)
		}
		return true
	})
	sort.Slice(out, func(i, j int) bool { return out[i].entry.Name() < out[j].entry.Name() })
	return out
}

// maintenanceStatuses reports the state of each entry: on if any of its
// handlers is on, as the first of them (in config order) that is.
func maintenanceStatuses(entries []*maintPooled) map[string]maintenanceStatus {
	out := make(map[string]maintenanceStatus, len(entries))
	for _, p := range entries {
		hs := p.list()
		if len(hs) == 0 {
			continue // released since listed
		}
		st := maintenanceStatus{Handlers: len(hs), Shared: p.store() != nil, Version: p.entry.Version()}
		for i, m := range hs {
			if m.machine.Switched() {
				st.SwitchedByAPI = true
			}
			if err := m.machine.FileError(); err != nil && st.FileError == "" {
				st.FileError = err.Error()
			}
			s := m.current()
			if (s.On && !st.On) || i == 0 {
				st.On, st.Source, st.RetryAfter, st.Until = s.On, string(s.Source), s.RetryAfter, nil
				if !s.Until.IsZero() {
					u := s.Until
					st.Until = &u
				}
			}
		}
		out[p.entry.Name()] = st
	}
	return out
}

func writeJSON(w http.ResponseWriter, v any) error {
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(v)
}
