package caddynormalize

import (
	"fmt"
	"net/http"
	"net/netip"
	"os"
	"sync/atomic"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
	"go.uber.org/zap"

	"github.com/respnorm/caddy-normalize/responses"
)

// Maintenance configures maintenance mode: while it is on, every request
// is answered 503 Service Unavailable with Retry-After, without reaching
// the rest of the route, except those that pass a bypass.
type Maintenance struct {
	// Enabled turns maintenance on from the start.
	Enabled bool `json:"enabled,omitempty"`

	// File turns maintenance on while a file exists at this path. It is
	// looked at about once a second, never per request.
	File string `json:"file,omitempty"`

	// Windows turn maintenance on between their start and end.
	Windows []Window `json:"windows,omitempty"`

	// RetryAfter, in seconds, is the Retry-After sent while maintenance
	// is on and has no known end; with a known end (a window, or an
	// admin API switch with "until"), Retry-After is that end's date.
	// Default: 300.
	RetryAfter int `json:"retry_after,omitempty"`

	// AllowIP lists client addresses or CIDR ranges that pass through.
	// The client address is Caddy's, which honours the server's
	// trusted_proxies.
	AllowIP []string `json:"allow_ip,omitempty"`

	// Except lists path patterns (as the path matcher takes them) that
	// pass through, such as health checks.
	Except []string `json:"except,omitempty"`

	// Message is shown to the client in the generated body.
	Message string `json:"message,omitempty"`

	// Name addresses this handler from the admin API
	// (POST /normalize/maintenance/<name>). Default: "default".
	Name string `json:"name,omitempty"`

	// Page is an HTML template file (Go's html/template) that replaces
	// the generated maintenance page, with the data error_page gets.
	Page string `json:"page,omitempty"`

	// Shared keeps switches made through the admin API in Caddy's
	// configured storage, so that every instance sharing that storage
	// follows them within a few seconds.
	Shared bool `json:"shared,omitempty"`

	allow  []netip.Prefix
	except caddyhttp.MatchPath
	entry  *maintEntry
	local  atomic.Pointer[maintState] // from enabled, file and windows
	now    func() time.Time
}

// Window is a span of time, in RFC 3339 in JSON.
type Window struct {
	// Start is when the window opens.
	Start time.Time `json:"start"`
	// End is when it closes.
	End time.Time `json:"end"`
}

// maintState is a decision about maintenance: whether it is on, why, and
// the Retry-After it sends.
type maintState struct {
	On         bool
	Source     string    // "config", "file", "window", "api"; "" when off
	Until      time.Time // a known end; zero when none
	RetryAfter string    // the field value, formatted once
}

const defaultMaintenanceRetryAfter = 300

// statFile is os.Stat; tests count its calls.
var statFile = os.Stat

// provision checks the configuration and sets up the state.
func (m *Maintenance) provision(ctx caddy.Context) error {
	if err := checkRetryAfter(m.RetryAfter); err != nil {
		return fmt.Errorf("maintenance: %v", err)
	}
	if m.RetryAfter == 0 {
		m.RetryAfter = defaultMaintenanceRetryAfter
	}
	if m.Name == "" {
		m.Name = "default"
	}
	for _, w := range m.Windows {
		if !w.End.After(w.Start) {
			return fmt.Errorf("maintenance: window ends (%s) before it starts (%s)", w.End.Format(time.RFC3339), w.Start.Format(time.RFC3339))
		}
	}
	m.allow = m.allow[:0]
	for _, s := range m.AllowIP {
		p, err := parsePrefix(s)
		if err != nil {
			return fmt.Errorf("maintenance: allow_ip: %v", err)
		}
		m.allow = append(m.allow, p)
	}
	if len(m.Except) > 0 {
		m.except = caddyhttp.MatchPath(m.Except)
		if err := m.except.Provision(ctx); err != nil {
			return fmt.Errorf("maintenance: except: %v", err)
		}
	}
	if m.now == nil {
		m.now = time.Now
	}
	m.entry = maintEntryFor(m.Name)
	m.refresh()
	return nil
}

// parsePrefix parses an address or a CIDR range.
func parsePrefix(s string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is neither an IP address nor a CIDR range", s)
	}
	return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
}

// evaluate decides maintenance from the configuration alone, at now, with
// the file's presence as given.
func (m *Maintenance) evaluate(now time.Time, fileExists bool) *maintState {
	switch {
	case m.Enabled:
		return m.onState("config", time.Time{})
	case m.File != "" && fileExists:
		return m.onState("file", time.Time{})
	}
	for _, w := range m.Windows {
		if !now.Before(w.Start) && now.Before(w.End) {
			return m.onState("window", w.End)
		}
	}
	return offState
}

var offState = &maintState{}

func (m *Maintenance) onState(source string, until time.Time) *maintState {
	s := &maintState{On: true, Source: source, Until: until}
	if until.IsZero() {
		s.RetryAfter = responses.RetryAfterSeconds(time.Duration(m.RetryAfter) * time.Second)
	} else {
		s.RetryAfter = responses.RetryAfterDate(until)
	}
	return s
}

// refresh re-evaluates the configured switches. It is called at
// provision and then about once a second, so that no request pays for
// a stat.
func (m *Maintenance) refresh() (old, cur *maintState) {
	exists := false
	if m.File != "" {
		_, err := statFile(m.File)
		exists = err == nil
	}
	cur = m.evaluate(m.now(), exists)
	old = m.local.Swap(cur)
	return old, cur
}

// current returns the state that applies now: an admin API switch that
// has not expired, else the configured one.
func (m *Maintenance) current() *maintState {
	if o := m.entry.override.Load(); o.inForce(m.now()) {
		return o.maintState
	}
	return m.local.Load()
}

// bypass reports whether r passes through maintenance.
func (m *Maintenance) bypass(r *http.Request) bool {
	if len(m.except) > 0 && m.except.Match(r) {
		return true
	}
	if len(m.allow) == 0 {
		return false
	}
	ip, _ := caddyhttp.GetVar(r.Context(), caddyhttp.ClientIPVarKey).(string)
	return prefixesContain(m.allow, ip)
}

// prefixesContain reports whether the address ipStr is in one of ps.
func prefixesContain(ps []netip.Prefix, ipStr string) bool {
	ip, err := netip.ParseAddr(ipStr)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	for _, p := range ps {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// watch re-evaluates the configured switches every second until ctx is
// done, logging every change.
func (m *Maintenance) watch(ctx caddy.Context, logger *zap.Logger) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if old, cur := m.refresh(); old.On != cur.On || old.Source != cur.Source {
				logMaintenance(logger, m.Name, cur)
			}
			m.entry.publish()
		}
	}
}

// logMaintenance logs a change of maintenance state and its cause.
func logMaintenance(logger *zap.Logger, name string, s *maintState) {
	if s.On {
		fields := []zap.Field{zap.String("name", name), zap.String("source", s.Source), zap.String("retry_after", s.RetryAfter)}
		if !s.Until.IsZero() {
			fields = append(fields, zap.Time("until", s.Until))
		}
		logger.Info("maintenance on", fields...)
		return
	}
	logger.Info("maintenance off", zap.String("name", name))
}

// serveMaintenance answers r with 503 and Retry-After.
func (h *Handler) serveMaintenance(w http.ResponseWriter, r *http.Request, s *maintState) {
	m := h.Maintenance
	maintenanceRequests.WithLabelValues(m.Name).Inc()
	w.Header().Set("Retry-After", s.RetryAfter)
	w.Header().Set("Cache-Control", "no-store")
	format := h.format
	if format == responses.FormatAuto {
		format = responses.Negotiate(r.Header.Get("Accept"))
	}
	if format == responses.FormatHTML {
		h.writeMaintenancePage(w, r, s)
		return
	}
	responses.WriteError(w, r, http.StatusServiceUnavailable, m.Message, h.format)
}
