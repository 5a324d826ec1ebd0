package caddynormalize

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	"github.com/caddyserver/caddy/v2/modules/caddyevents"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
	"github.com/prometheus/client_golang/prometheus"
)

// storageCtx is a context of a config whose storage is the file system
// at dir, optionally inside the server srv.
func storageCtx(t *testing.T, dir string, srv *caddyhttp.Server) (caddy.Context, context.CancelFunc) {
	t.Helper()
	cfg := &caddy.Config{StorageRaw: json.RawMessage(`{"module":"file_system","root":` + strings.ReplaceAll(jsonString(dir), `\`, `\\`) + `}`)}
	base, err := caddy.ProvisionContext(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := caddy.NewContext(base)
	if srv != nil {
		ctx.Context = context.WithValue(ctx.Context, caddyhttp.ServerCtxKey, srv)
	}
	return ctx, cancel
}

func jsonString(s string) string { b, _ := json.Marshal(s); return string(b) }

// provisionIn provisions h in ctx and releases it when the test ends,
// unless released before.
func provisionIn(t *testing.T, ctx caddy.Context, h *Handler) *Handler {
	t.Helper()
	if err := h.Provision(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Cleanup() })
	return h
}

// adminDo serves one admin API request.
func adminDo(t *testing.T, method, path, ctype, body string) (int, string) {
	t.Helper()
	a := &AdminAPI{}
	base, _ := caddy.ProvisionContext(&caddy.Config{})
	if err := a.Provision(base); err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	w := httptest.NewRecorder()
	err := a.handleMaintenance(w, r)
	if err != nil {
		var apiErr caddy.APIError
		if ae, ok := err.(caddy.APIError); ok {
			apiErr = ae
		}
		return apiErr.HTTPStatus, err.Error()
	}
	return http.StatusOK, w.Body.String()
}

// gaugeNames lists the names that have a maintenance_active series.
func gaugeNames(t *testing.T) map[string]float64 {
	t.Helper()
	reg := prometheus.NewRegistry()
	if err := reg.Register(maintenanceActive); err != nil {
		t.Fatal(err)
	}
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, f := range fams {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "name" {
					out[l.GetValue()] = m.GetGauge().GetValue()
				}
			}
		}
	}
	return out
}

// TestMaintenanceNamesChecked: a name that is not a token (a path above
// all) is refused in JSON by Provision and by Validate, as the Caddyfile
// refuses it; Validate looks at the whole maintenance block.
func TestMaintenanceNamesChecked(t *testing.T) {
	for _, tt := range []struct {
		name string
		m    func() *Maintenance
		want string
	}{
		{"path name", func() *Maintenance { return &Maintenance{Name: "../../x"} }, "../../x"},
		{"slash", func() *Maintenance { return &Maintenance{Name: "a/b"} }, "a/b"},
		{"space", func() *Maintenance { return &Maintenance{Name: "a b"} }, "a b"},
		{"backwards window", func() *Maintenance {
			return &Maintenance{Windows: []Window{{Start: time.Unix(100, 0), End: time.Unix(50, 0)}}}
		}, "before it starts"},
		{"bad allow_ip", func() *Maintenance { return &Maintenance{AllowIP: []string{"10.0.0.300"}} }, "10.0.0.300"},
		{"retry_after in nanoseconds", func() *Maintenance { return &Maintenance{RetryAfter: 600} }, "under a second"},
		{"negative retry_after", func() *Maintenance { return &Maintenance{RetryAfter: caddy.Duration(-time.Second)} }, "negative"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := &Handler{Maintenance: tt.m()}
			if err := h.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate() = %v, want an error naming %q", err, tt.want)
			}
			m2 := tt.m()
			h2 := &Handler{Maintenance: m2}
			ctx, cancel := storageCtx(t, t.TempDir(), nil)
			defer cancel()
			if err := h2.Provision(ctx); err == nil || !strings.Contains(err.Error(), tt.want) {
				h2.Cleanup()
				t.Errorf("Provision() = %v, want an error naming %q", err, tt.want)
			}
			if refs, ok := maintPool.References(m2.Name); ok {
				t.Errorf("a refused handler holds %d references on %q", refs, m2.Name)
			}
		})
	}
}

// TestMaintenanceCaddyfileRetryAfter: retry_after takes seconds or a
// duration; repeated sub-directives are refused.
func TestMaintenanceCaddyfileRetryAfter(t *testing.T) {
	for in, want := range map[string]time.Duration{"120": 2 * time.Minute, "2m": 2 * time.Minute, "90s": 90 * time.Second, "1h30m": 90 * time.Minute, "1d": 24 * time.Hour, "0": 0} {
		var h Handler
		if err := h.UnmarshalCaddyfile(caddyfile.NewTestDispenser("normalize {\n\tmaintenance {\n\t\tretry_after " + in + "\n\t}\n}")); err != nil {
			t.Errorf("retry_after %s: %v", in, err)
			continue
		}
		if got := time.Duration(h.Maintenance.RetryAfter); got != want {
			t.Errorf("retry_after %s = %v, want %v", in, got, want)
		}
	}
	for _, bad := range []string{"soon", "-1", "-2m", "500ms", "99999999999", "87600h1s"} {
		var h Handler
		err := h.UnmarshalCaddyfile(caddyfile.NewTestDispenser("normalize {\n\tmaintenance {\n\t\tretry_after " + bad + "\n\t}\n}"))
		if err == nil || !strings.Contains(err.Error(), "retry_after") {
			t.Errorf("retry_after %s: error %v, want one about retry_after", bad, err)
		}
	}
	for _, twice := range []string{"name a\n\t\tname b", "enabled\n\t\tenabled", "retry_after 1\n\t\tretry_after 2", "shared\n\t\tshared", "file a\n\t\tfile b"} {
		var h Handler
		err := h.UnmarshalCaddyfile(caddyfile.NewTestDispenser("normalize {\n\tmaintenance {\n\t\t" + twice + "\n\t}\n}"))
		if err == nil || !strings.Contains(err.Error(), "twice") {
			t.Errorf("%q: error %v, want a refusal of the repeat", twice, err)
		}
	}
}

// TestMaintenanceUnnamed: unnamed handlers are named after their
// server's address, uniquely and in config order; not all "default".
func TestMaintenanceUnnamed(t *testing.T) {
	dir := t.TempDir()
	srvA := &caddyhttp.Server{Listen: []string{":8080"}}
	srvB := &caddyhttp.Server{Listen: []string{"tcp/127.0.0.1:9090"}}
	ctxA, cancelA := storageCtx(t, dir, srvA)
	defer cancelA()
	ctxB, cancelB := storageCtx(t, dir, srvB)
	defer cancelB()
	var got []string
	for _, ctx := range []caddy.Context{ctxA, ctxA, ctxB, ctxA} {
		h := provisionIn(t, ctx, &Handler{Maintenance: &Maintenance{}})
		got = append(got, h.Maintenance.Name)
	}
	want := []string{"8080", "8080-2", "127.0.0.1_9090", "8080-3"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("names %q, want %q", got, want)
	}
}

// TestMaintenanceStateFollowsConfig: the state of a name lives while a
// config has it: a reload that drops shared stops writing to storage, a
// config that fails leaves the running one's storage in use, and a name
// no config has is pruned with its gauge.
func TestMaintenanceStateFollowsConfig(t *testing.T) {
	const name = "wiring-follows"
	dirOld, dirNew := t.TempDir(), t.TempDir()
	record := func(dir string) string {
		b, _ := os.ReadFile(filepath.Join(dir, "normalize", "maintenance", name+".json"))
		return string(b)
	}
	post := func(body string) {
		t.Helper()
		if status, out := adminDo(t, http.MethodPost, "/normalize/maintenance/"+name, "application/json", body); status != http.StatusOK {
			t.Fatalf("POST %s: %d %s", body, status, out)
		}
	}

	ctxOld, cancelOld := storageCtx(t, dirOld, nil)
	old := provisionIn(t, ctxOld, &Handler{Maintenance: &Maintenance{Name: name, Shared: true}})
	post(`{"enabled": true}`)
	if !strings.Contains(record(dirOld), `"version":1`) {
		t.Fatalf("the running config's storage: %q", record(dirOld))
	}

	// A config that fails after Provision: Caddy cleans its handlers up.
	ctxBad, cancelBad := storageCtx(t, dirNew, nil)
	bad := &Handler{Maintenance: &Maintenance{Name: name, Shared: true}}
	if err := bad.Provision(ctxBad); err != nil {
		t.Fatal(err)
	}
	cancelBad()
	bad.Cleanup()
	post(`{"enabled": false}`)
	if !strings.Contains(record(dirOld), `"version":2`) || record(dirNew) != "" {
		t.Errorf("after a failed config, the switch went to %q (running config) and %q (failed config); want the running config's",
			record(dirOld), record(dirNew))
	}
	if old.Maintenance.current().On {
		t.Error("the running config does not follow the switch after a failed config")
	}

	// A reload that drops shared: the new handler comes, the old goes.
	ctxNew, cancelNew := storageCtx(t, dirNew, nil)
	defer cancelNew()
	cur := provisionIn(t, ctxNew, &Handler{Maintenance: &Maintenance{Name: name}})
	cancelOld()
	old.Cleanup()
	before := record(dirOld)
	post(`{"enabled": true, "retry_after": 9}`)
	if record(dirOld) != before || record(dirNew) != "" {
		t.Errorf("a config without shared wrote to storage: %q, %q", record(dirOld), record(dirNew))
	}
	if s := cur.Maintenance.current(); !s.On || s.RetryAfter != "9" {
		t.Errorf("the switch did not apply here: %+v", s)
	}
	if status, out := adminDo(t, http.MethodGet, "/normalize/maintenance/"+name, "", ""); status != 200 || !strings.Contains(out, `"shared":false`) {
		t.Errorf("GET after dropping shared: %d %s", status, out)
	}
	if v, ok := gaugeNames(t)[name]; !ok || v != 1 {
		t.Errorf("gauge of %s = %v (present %v), want 1", name, v, ok)
	}

	// No config has the name: pruned, gauge deleted, 404.
	cur.Cleanup()
	if _, ok := maintPool.References(name); ok {
		t.Error("the state of a name no config has was kept")
	}
	if _, ok := gaugeNames(t)[name]; ok {
		t.Error("the gauge of a name no config has was kept")
	}
	if status, _ := adminDo(t, http.MethodGet, "/normalize/maintenance/"+name, "", ""); status != http.StatusNotFound {
		t.Errorf("GET of a pruned name: %d, want 404", status)
	}
}

// TestMaintenanceAdminAnswers: 404 for an unknown name on every verb and
// for a switch with no handler configured; 400 for a body that is not
// JSON or not sent as JSON; the documented fields otherwise.
func TestMaintenanceAdminAnswers(t *testing.T) {
	for _, method := range []string{http.MethodPost, http.MethodDelete} {
		if status, out := adminDo(t, method, "/normalize/maintenance", "application/json", `{"enabled": true}`); status != http.StatusNotFound {
			t.Errorf("%s with no handler configured: %d %s, want 404", method, status, out)
		}
	}
	ctx, cancel := storageCtx(t, t.TempDir(), nil)
	defer cancel()
	provisionIn(t, ctx, &Handler{Maintenance: &Maintenance{Name: "answers", RetryAfter: caddy.Duration(time.Minute)}})
	for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodDelete} {
		for _, path := range []string{"/normalize/maintenance/nope", "/normalize/maintenance/..%2F..%2Fx", "/normalize/maintenance/a/b"} {
			if status, out := adminDo(t, method, path, "application/json", `{"enabled": true}`); status != http.StatusNotFound {
				t.Errorf("%s %s: %d %s, want 404", method, path, status, out)
			}
		}
	}
	for _, tt := range []struct{ ctype, body string }{
		{"", `{"enabled": true}`},
		{"application/x-www-form-urlencoded", `{"enabled": true}`},
		{"text/plain", `{"enabled": true}`},
		{"application/json", `enabled=true`},
		{"application/json", `{"enabled": true} {"enabled": false}`},
		{"application/json", `{"enabled": false, "retry_after": 5}`},
		{"application/json", `{"enabled": true, "retry_after": 5, "until": "2099-01-01T00:00:00Z"}`},
	} {
		if status, out := adminDo(t, http.MethodPost, "/normalize/maintenance/answers", tt.ctype, tt.body); status != http.StatusBadRequest {
			t.Errorf("POST %q as %q: %d %s, want 400", tt.body, tt.ctype, status, out)
		}
	}
	status, out := adminDo(t, http.MethodPost, "/normalize/maintenance/answers", "application/json; charset=utf-8", `{"enabled": true}`)
	var st map[string]maintenanceStatus
	if status != http.StatusOK || json.Unmarshal([]byte(out), &st) != nil {
		t.Fatalf("POST on: %d %s", status, out)
	}
	if s := st["answers"]; !s.On || s.Source != "api" || s.RetryAfter != "60" || !s.SwitchedByAPI || s.Handlers != 1 || len(st) != 1 {
		t.Errorf("POST on: %+v", st)
	}
	if status, out := adminDo(t, http.MethodDelete, "/normalize/maintenance/answers", "", ""); status != http.StatusOK || !strings.Contains(out, `"switched_by_api":false`) {
		t.Errorf("DELETE: %d %s", status, out)
	}
	if status, out := adminDo(t, http.MethodPut, "/normalize/maintenance/answers", "", ""); status != http.StatusMethodNotAllowed {
		t.Errorf("PUT: %d %s", status, out)
	}
}

// TestMaintenanceFileErrorSurfaced: a file that cannot be stat'ed for a
// reason other than absence is reported by the admin API.
func TestMaintenanceFileErrorSurfaced(t *testing.T) {
	orig := statFile
	statFile = func(string) (os.FileInfo, error) {
		return nil, &os.PathError{Op: "stat", Path: "/x", Err: os.ErrPermission}
	}
	t.Cleanup(func() { statFile = orig })
	ctx, cancel := storageCtx(t, t.TempDir(), nil)
	defer cancel()
	provisionIn(t, ctx, &Handler{Maintenance: &Maintenance{Name: "file-err", File: "/x"}})
	status, out := adminDo(t, http.MethodGet, "/normalize/maintenance/file-err", "", "")
	if status != http.StatusOK || !strings.Contains(out, `"file_error":"maintenance file: stat /x: permission denied"`) {
		t.Errorf("GET: %d %s; want the stat error in file_error", status, out)
	}
}

// eventLog records the events it is given.
type eventLog struct {
	mu     sync.Mutex
	events []string
}

func (l *eventLog) Handle(_ context.Context, e caddy.Event) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, fmt.Sprintf("%s %v %v", e.Name(), e.Data["name"], e.Data["source"]))
	return nil
}

func (l *eventLog) list() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.events, "; ")
}

// TestMaintenanceEvents: Caddy events are emitted when a name's
// maintenance turns on and off, once per change, not per handler.
func TestMaintenanceEvents(t *testing.T) {
	ctx, cancel := storageCtx(t, t.TempDir(), nil)
	defer cancel()
	app, err := ctx.App("events")
	if err != nil {
		t.Fatal(err)
	}
	log := &eventLog{}
	for _, name := range []string{"maintenance_on", "maintenance_off"} {
		if err := app.(*caddyevents.App).On(name, log); err != nil {
			t.Fatal(err)
		}
	}
	provisionIn(t, ctx, &Handler{Maintenance: &Maintenance{Name: "events", Enabled: true}})
	provisionIn(t, ctx, &Handler{Maintenance: &Maintenance{Name: "events", Enabled: true}})
	provisionIn(t, ctx, &Handler{Maintenance: &Maintenance{Name: "events-off"}})
	post := func(body string) {
		t.Helper()
		if status, out := adminDo(t, http.MethodPost, "/normalize/maintenance/events", "application/json", body); status != http.StatusOK {
			t.Fatalf("POST %s: %d %s", body, status, out)
		}
	}
	post(`{"enabled": false}`)
	post(`{"enabled": false}`)
	post(`{"enabled": true, "retry_after": 5}`)
	want := "maintenance_on events config; maintenance_off events <nil>; maintenance_on events api"
	if got := log.list(); got != want {
		t.Errorf("events:\n got %s\nwant %s", got, want)
	}
}
