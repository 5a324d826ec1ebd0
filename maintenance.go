package caddynormalize

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyevents"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/respnorm/caddy-normalize/maintenance"
	"github.com/respnorm/caddy-normalize/responses"
)

// Maintenance configures maintenance mode: while it is on, every request
// is answered 503 Service Unavailable with Retry-After, without reaching
// the rest of the route, except those that pass a bypass. The decisions
// are made by package maintenance; this is the Caddy side.
type Maintenance struct {
	// Enabled turns maintenance on from the start.
	Enabled bool `json:"enabled,omitempty"`

	// File turns maintenance on while a file exists at this path. It is
	// looked at about once a second, never per request. An error other
	// than "does not exist" (such as permission denied) is logged and
	// reported by the admin API, and leaves the last known state.
	File string `json:"file,omitempty"`

	// Windows turn maintenance on between their start and end.
	Windows []Window `json:"windows,omitempty"`

	// RetryAfter is the Retry-After sent while maintenance is on and has
	// no known end, in whole seconds (rounded up); with a known end (a
	// window, or an admin API switch with "until"), Retry-After is that
	// end's date. A duration as Caddy takes it: in JSON a string such as
	// "10m" or an integer of nanoseconds. Default: 5m.
	RetryAfter caddy.Duration `json:"retry_after,omitempty"`

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
	// (POST /normalize/maintenance/<name>) and in metrics and events:
	// 1 to 128 letters, digits, '-', '_' or '.'. Handlers with the same
	// name share their admin API switch. Default: derived from the
	// handler's server, its first listen address (host and port, without
	// the network) with every other character made '_' (":8080" gives
	// "8080", "127.0.0.1:9080" gives "127.0.0.1_9080"), followed by "-2",
	// "-3"... for the second, third... unnamed handler of that server, in
	// config order.
	Name string `json:"name,omitempty"`

	// Page is an HTML template file (Go's html/template) that replaces
	// the generated maintenance page, with the data error_page gets.
	Page string `json:"page,omitempty"`

	// Shared keeps switches made through the admin API in Caddy's
	// configured storage, so that every instance sharing that storage
	// follows them: at once when it starts, within a few seconds after.
	Shared bool `json:"shared,omitempty"`

	allow    []netip.Prefix
	except   caddyhttp.MatchPath
	machine  *maintenance.Machine
	pooled   *maintPooled
	released atomic.Bool
	store    maintenance.Store // the context's storage, with Shared
	requests prometheus.Counter
	logger   *zap.Logger
	events   *caddyevents.App
	ctx      caddy.Context
	server   *caddyhttp.Server // whose unnamed handlers are counted
}

// Window is a span of time, in RFC 3339 in JSON.
type Window struct {
	// Start is when the window opens.
	Start time.Time `json:"start"`
	// End is when it closes.
	End time.Time `json:"end"`
}

// maintState is a decision about maintenance (as the page renders it).
type maintState = maintenance.State

// statFile is os.Stat; tests count its calls.
var statFile = os.Stat

// maintClock is the clock of maintenance; a test build can skew it (see
// maintenance_testclock.go).
var maintClock maintenance.Clock = maintenance.SystemClock{}

// config is the configuration as package maintenance takes it.
func (m *Maintenance) config() maintenance.Config {
	c := maintenance.Config{Enabled: m.Enabled, File: m.File, RetryAfter: time.Duration(m.RetryAfter)}
	for _, w := range m.Windows {
		c.Windows = append(c.Windows, maintenance.Window{Start: w.Start, End: w.End})
	}
	return c
}

// validate checks the block; an empty name is one to derive.
func (m *Maintenance) validate() error {
	if m.Name != "" {
		if err := maintenance.CheckName(m.Name); err != nil {
			return fmt.Errorf("maintenance: %v", err)
		}
	}
	c := m.config()
	if err := c.Validate(); err != nil {
		return fmt.Errorf("maintenance: %v", err)
	}
	for _, s := range m.AllowIP {
		if _, err := parsePrefix(s); err != nil {
			return fmt.Errorf("maintenance: allow_ip: %v", err)
		}
	}
	return nil
}

// provision checks the configuration, names the handler, joins the state
// of its name (which outlives configs), reads the fleet's switch when
// shared, and starts watching.
func (m *Maintenance) provision(ctx caddy.Context, logger *zap.Logger) error {
	if err := m.validate(); err != nil {
		return err
	}
	m.allow = m.allow[:0]
	for _, s := range m.AllowIP {
		p, _ := parsePrefix(s)
		m.allow = append(m.allow, p)
	}
	if len(m.Except) > 0 {
		m.except = caddyhttp.MatchPath(m.Except)
		if err := m.except.Provision(ctx); err != nil {
			return fmt.Errorf("maintenance: except: %v", err)
		}
	}
	ev, err := ctx.App("events")
	if err != nil {
		return fmt.Errorf("maintenance: getting the events app: %v", err)
	}
	m.events, m.ctx, m.logger = ev.(*caddyevents.App), ctx, logger
	if m.Name == "" {
		m.Name = m.autoName(ctx)
	}
	if m.Shared {
		m.store = ctx.Storage()
	}

	val, _, err := maintPool.LoadOrNew(m.Name, func() (caddy.Destructor, error) {
		return &maintPooled{entry: maintenance.NewEntry(m.Name)}, nil
	})
	if err != nil {
		return err
	}
	m.pooled = val.(*maintPooled)
	m.machine, err = maintenance.NewMachine(m.config(), m.pooled.entry, maintClock, func(n string) (os.FileInfo, error) { return statFile(n) })
	if err != nil {
		m.release()
		return fmt.Errorf("maintenance: %v", err)
	}
	if ferr := m.machine.FileError(); ferr != nil {
		logger.Error("maintenance file cannot be read; taken as absent", zap.String("name", m.Name), zap.Error(ferr))
	}
	if m.store != nil {
		// The fleet's switch, before the first request.
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		sw, err := m.pooled.entry.Sync(sctx, m.store)
		cancel()
		if err != nil {
			logger.Warn("reading shared maintenance state", zap.String("name", m.Name), zap.Error(err))
		} else if sw != nil {
			logSwitch(logger, m.Name, sw, "shared storage")
		}
	}
	m.requests = maintenanceRequests.WithLabelValues(m.Name)
	m.pooled.attach(m)
	if s := m.current(); s.On {
		logMaintenance(logger, m.Name, s)
	}
	go m.watch(ctx)
	if m.store != nil {
		go m.follow(ctx)
	}
	return nil
}

// release leaves the state of the name, once; the last handler to leave
// removes it (and its gauge).
func (m *Maintenance) release() {
	if m.pooled == nil || !m.released.CompareAndSwap(false, true) {
		return
	}
	m.pooled.detach(m)
	_, _ = maintPool.Delete(m.Name)
	if m.server != nil {
		autoNames.Delete(m.server)
	}
}

// autoNames counts, per server of a config, the handlers named after it.
var autoNames sync.Map // *caddyhttp.Server -> *autoCounter

type autoCounter struct {
	mu sync.Mutex
	n  map[string]int
}

// autoName derives the name of an unnamed handler from its server's
// first listen address, made unique within the server by "-2", "-3"...
// in the order handlers are provisioned, which is the config's.
func (m *Maintenance) autoName(ctx caddy.Context) string {
	srv, _ := ctx.Value(caddyhttp.ServerCtxKey).(*caddyhttp.Server)
	if srv == nil || len(srv.Listen) == 0 {
		return "default"
	}
	label := srv.Listen[0]
	if na, err := caddy.ParseNetworkAddress(label); err == nil && !na.IsUnixNetwork() && !na.IsFdNetwork() {
		label = na.JoinHostPort(0)
	}
	base := maintenance.NameFrom(label)
	m.server = srv
	v, _ := autoNames.LoadOrStore(srv, &autoCounter{n: map[string]int{}})
	c := v.(*autoCounter)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[base]++
	if n := c.n[base]; n > 1 {
		return fmt.Sprintf("%s-%d", base, n)
	}
	return base
}

// now is the time on maintenance's clock.
func (m *Maintenance) now() time.Time { return m.machine.Clock().Now() }

// current is the state that applies now.
func (m *Maintenance) current() *maintState { return m.machine.Current() }

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

// refresh re-evaluates the configured switches, logging a change and a
// new file error, and publishes the name's state.
func (m *Maintenance) refresh(lastErr *string) {
	changed, cur, err := m.machine.Refresh()
	if changed {
		logMaintenance(m.logger, m.Name, cur)
	}
	switch {
	case err != nil && err.Error() != *lastErr:
		m.logger.Error("maintenance file cannot be read; its last known state stands", zap.String("name", m.Name), zap.Error(err))
		*lastErr = err.Error()
	case err == nil:
		*lastErr = ""
	}
	m.pooled.publish()
}

// watch re-evaluates the configured switches every second until ctx is
// done.
func (m *Maintenance) watch(ctx caddy.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	var lastErr string
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			m.refresh(&lastErr)
		}
	}
}

// follow reads the fleet's switch every two seconds until ctx is done.
func (m *Maintenance) follow(ctx caddy.Context) {
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		p := m.pooled
		sw, err := p.entry.Sync(ctx, m.store)
		if err != nil {
			m.logger.Warn("reading shared maintenance state", zap.String("name", m.Name), zap.Error(err))
			continue
		}
		if sw != nil {
			logSwitch(m.logger, m.Name, sw, "shared storage")
			p.publish()
		}
	}
}

// logMaintenance logs a change of maintenance state and its cause.
func logMaintenance(logger *zap.Logger, name string, s *maintState) {
	if s.On {
		fields := []zap.Field{zap.String("name", name), zap.String("source", string(s.Source)), zap.String("retry_after", s.RetryAfter)}
		if !s.Until.IsZero() {
			fields = append(fields, zap.Time("until", s.Until))
		}
		logger.Info("maintenance on", fields...)
		return
	}
	logger.Info("maintenance off", zap.String("name", name))
}

// logSwitch logs an admin API switch, made here or on another instance.
func logSwitch(logger *zap.Logger, name string, sw *maintenance.Switch, via string) {
	fields := []zap.Field{zap.String("name", name), zap.String("via", via), zap.Uint64("version", sw.Version)}
	switch {
	case sw.Cleared:
		logger.Info("maintenance switch cleared: back to the configuration", fields...)
	case sw.On:
		if !sw.Until.IsZero() {
			fields = append(fields, zap.Time("until", sw.Until))
		}
		logger.Info("maintenance on", append(fields, zap.String("source", "api"))...)
	default:
		logger.Info("maintenance off", append(fields, zap.String("source", "api"))...)
	}
}

// serveMaintenance answers r with 503 and Retry-After.
func (h *Handler) serveMaintenance(w http.ResponseWriter, r *http.Request, s *maintState) {
	m := h.Maintenance
	m.requests.Inc()
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
