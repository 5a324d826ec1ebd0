package caddytest

// Maintenance mode, end to end: each switch (config, file, window, admin
// API), what a client gets while it is on (503, Retry-After, a body in its
// format), the bypasses (paths, client addresses, and that a forged
// X-Forwarded-For opens none without trusted proxies), that the upstream
// sees nothing meanwhile, and the metrics.
//
// Every site here binds 127.0.0.1:9080 (and 9081 for a second site). The
// admin API's switches outlast a config that keeps their name, so every
// test clears them (DELETE /normalize/maintenance) when it ends.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The maintenance metrics.
const (
	maintActiveMetric   = "caddy_normalize_maintenance_active"
	maintRequestsMetric = "caddy_normalize_maintenance_requests_total"
)

// maintGlobal is globalOptions with more lines in its servers block, and
// persist_config off, so that these loads leave no autosave.json in the
// home directory.
func maintGlobal(serverLines ...string) string {
	const protocols = "\t\tprotocols h1 h2c\n"
	if !strings.Contains(globalOptions, protocols) || !strings.HasPrefix(globalOptions, "{\n") {
		panic("globalOptions changed shape")
	}
	var extra strings.Builder
	for _, l := range serverLines {
		extra.WriteString("\t\t" + l + "\n")
	}
	g := strings.Replace(globalOptions, protocols, protocols+extra.String(), 1)
	return "{\n\tpersist_config off" + g[1:]
}

// maintSite is a Caddyfile with one site on 127.0.0.1:9080 holding
// handles (Caddyfile lines) and the given extra server options.
func maintSite(serverLines []string, handles ...string) string {
	var b strings.Builder
	b.WriteString(maintGlobal(serverLines...))
	b.WriteString("\n:9080 {\n\tbind 127.0.0.1\n")
	for _, h := range handles {
		b.WriteString(h)
	}
	b.WriteString("}\n")
	return b.String()
}

// maintHandle is a handle block for path ("" for every path) with a
// normalize directive whose maintenance block holds lines, in front of
// reverse_proxy to upstream.
func maintHandle(path, upstream string, lines ...string) string {
	var b strings.Builder
	if path == "" {
		b.WriteString("\thandle {\n")
	} else {
		fmt.Fprintf(&b, "\thandle %s {\n", path)
	}
	b.WriteString("\t\tnormalize {\n\t\t\tmaintenance {\n")
	for _, l := range lines {
		fmt.Fprintf(&b, "\t\t\t\t%s\n", l)
	}
	b.WriteString("\t\t\t}\n\t\t}\n")
	fmt.Fprintf(&b, "\t\treverse_proxy %s\n\t}\n", upstream)
	return b.String()
}

// maintUpstream is a raw upstream that answers 200 "upstream <path>" on each
// of paths, and counts what it gets.
func maintUpstream(t *testing.T, paths ...string) *rawUpstream {
	t.Helper()
	up := newRawUpstream(t)
	for _, p := range paths {
		body := "upstream " + p
		up.HandleBytes(p, rawResponse("HTTP/1.1 200 OK", []string{
			"Date: " + fixedDate, "Content-Type: text/plain", "Content-Length: " + itoa(len(body)),
		}, body))
	}
	return up
}

// startMaintCaddy loads cfg and clears every admin API switch when the
// test ends, so that none leaks into the next test.
func startMaintCaddy(t *testing.T, cfg string) {
	t.Helper()
	startCaddy(t, cfg)
	t.Cleanup(func() {
		status, body, err := maintAdmin(adminAddr, http.MethodDelete, "/normalize/maintenance", "")
		if err != nil || status != http.StatusOK {
			t.Errorf("cleanup: DELETE /normalize/maintenance: status %d, err %v, body %q", status, err, body)
		}
	})
}

// maintAdmin sends a request to the admin endpoint at addr.
func maintAdmin(addr, method, path, body string) (int, []byte, error) {
	req, err := http.NewRequest(method, "http://"+addr+path, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	client := &http.Client{Timeout: ioTimeout}
	res, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// maintStatus is one name's entry in GET /normalize/maintenance.
type maintStatus struct {
	On            bool       `json:"on"`
	Source        string     `json:"source"`
	Until         *time.Time `json:"until"`
	RetryAfter    string     `json:"retry_after"`
	SwitchedByAPI bool       `json:"switched_by_api"`
	Shared        bool       `json:"shared"`
	Handlers      int        `json:"handlers"`
}

// maintCall sends method path to the admin endpoint at addr, wants a 200
// and returns the state it answers with.
func maintCall(t *testing.T, addr, method, path, body string) map[string]maintStatus {
	t.Helper()
	status, got, err := maintAdmin(addr, method, path, body)
	if err != nil {
		t.Fatalf("%s %s %s: %v", method, path, body, err)
	}
	if status != http.StatusOK {
		t.Fatalf("%s %s %s: status %d, body %q; want 200", method, path, body, status, got)
	}
	var out map[string]maintStatus
	if err := json.Unmarshal(got, &out); err != nil {
		t.Fatalf("%s %s %s: not the documented JSON: %v; body %q", method, path, body, err, got)
	}
	return out
}

// maintState is GET /normalize/maintenance on the test's Caddy.
func maintState(t *testing.T) map[string]maintStatus {
	t.Helper()
	return maintCall(t, adminAddr, http.MethodGet, "/normalize/maintenance", "")
}

// checkMaintStatus compares one name's reported state with want; Until is
// compared by instant, Handlers only if want has some.
func checkMaintStatus(t *testing.T, what string, all map[string]maintStatus, name string, want maintStatus) {
	t.Helper()
	got, ok := all[name]
	if !ok {
		t.Errorf("%s: GET /normalize/maintenance has no %q: %+v", what, name, all)
		return
	}
	sameUntil := (got.Until == nil) == (want.Until == nil) && (got.Until == nil || got.Until.Equal(*want.Until))
	if want.Handlers == 0 {
		want.Handlers = got.Handlers
	}
	g, w := got, want
	g.Until, w.Until = nil, nil
	if g != w || !sameUntil {
		t.Errorf("%s: %s is %s, want %s", what, name, maintFmt(got), maintFmt(want))
	}
}

func maintFmt(s maintStatus) string {
	until := "none"
	if s.Until != nil {
		until = s.Until.UTC().Format(time.RFC3339)
	}
	return fmt.Sprintf("{on:%v source:%q until:%s retry_after:%q switched_by_api:%v shared:%v handlers:%d}",
		s.On, s.Source, until, s.RetryAfter, s.SwitchedByAPI, s.Shared, s.Handlers)
}

// maintMetric is the value of the series name{label="value"} on the
// admin /metrics endpoint at addr, and whether it is there.
func maintMetric(t *testing.T, addr, name, label, value string) (float64, bool) {
	t.Helper()
	status, body, err := maintAdmin(addr, http.MethodGet, "/metrics", "")
	if err != nil || status != http.StatusOK {
		t.Fatalf("GET /metrics: status %d, err %v", status, err)
	}
	samples, err := parseMetrics(string(body))
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	for _, s := range samples {
		if s.name == name && s.labels[label] == value {
			return s.value, true
		}
	}
	return 0, false
}

// maintRequests is caddy_normalize_maintenance_requests_total{name}; an
// absent series counts as 0, as a counter not yet moved.
func maintRequests(t *testing.T, name string) float64 {
	t.Helper()
	v, _ := maintMetric(t, adminAddr, maintRequestsMetric, "name", name)
	return v
}

// maintWait polls cond every 100 ms until it holds or limit has passed, and
// fails the test with cond's last word if it never does. It is a bounded
// wait for a state that comes by a ticker, not a timing assertion.
func maintWait(t *testing.T, limit time.Duration, what string, cond func() (bool, string)) bool {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		ok, detail := cond()
		if ok {
			return true
		}
		if time.Now().After(deadline) {
			t.Errorf("%s: not within %v; last: %s", what, limit, detail)
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// fetchFromIP is fetchH1 over a connection from the local address
// localIP (a loopback address) to the site.
func fetchFromIP(localIP string, req request) (*wireResponse, error) {
	return fetchH1With(&net.Dialer{Timeout: ioTimeout, LocalAddr: &net.TCPAddr{IP: net.ParseIP(localIP)}}, req)
}

// maintDescribe sums up a response for failure messages.
func maintDescribe(r *wireResponse) string {
	body := string(r.body)
	if len(body) > 200 {
		body = body[:200] + "..."
	}
	return fmt.Sprintf("%d Retry-After %q body %q", r.status, r.header.Values("Retry-After"), body)
}

// isMaint checks that r is maintenance's answer: 503, exactly one
// Retry-After equal to retryAfter, Cache-Control: no-store.
func isMaint(t *testing.T, what string, r *wireResponse, retryAfter string) {
	t.Helper()
	ra := r.header.Values("Retry-After")
	if r.status != http.StatusServiceUnavailable || len(ra) != 1 || ra[0] != retryAfter {
		t.Errorf("%s: got %s; want 503 with Retry-After %q", what, maintDescribe(r), retryAfter)
	}
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("%s: Cache-Control %q, want no-store", what, cc)
	}
}

// isPassed checks that r is the upstream's 200 for path.
func isPassed(t *testing.T, what string, r *wireResponse, path string) {
	t.Helper()
	if r.status != http.StatusOK || string(r.body) != "upstream "+path {
		t.Errorf("%s: got %s; want the upstream's 200 %q", what, maintDescribe(r), "upstream "+path)
	}
}

// TestMaintenanceEnabled: "enabled" turns maintenance on from the start,
// on every protocol, without the upstream seeing a request; the API turns
// it off over the config, and DELETE hands the decision back.
func TestMaintenanceEnabled(t *testing.T) {
	needCaddy(t)
	up := maintUpstream(t, "/app")
	startMaintCaddy(t, maintSite(nil, maintHandle("", up.Addr(),
		"enabled", "retry_after 120", "name cfg-enabled", `message "Planned work"`)))

	before := maintRequests(t, "cfg-enabled")
	for _, proto := range allProtos {
		isMaint(t, proto+" GET /app", fetch(t, proto, request{path: "/app"}), "120")
	}
	if n := up.Hits("/app"); n != 0 {
		t.Errorf("the upstream got %d requests during maintenance, want 0", n)
	}
	if got := maintRequests(t, "cfg-enabled") - before; got != 2 {
		t.Errorf("%s{name=cfg-enabled} moved by %v for two 503s, want 2", maintRequestsMetric, got)
	}
	checkMaintStatus(t, "config enabled", maintState(t), "cfg-enabled",
		maintStatus{On: true, Source: "config", RetryAfter: "120", Handlers: 1})

	// The API's "off" wins over the configuration's "on".
	st := maintCall(t, adminAddr, http.MethodPost, "/normalize/maintenance/cfg-enabled", `{"enabled": false}`)
	checkMaintStatus(t, "API off", st, "cfg-enabled", maintStatus{SwitchedByAPI: true, Handlers: 1})
	isPassed(t, "GET /app with the API's off", fetch(t, protoH1, request{path: "/app"}), "/app")
	if n := up.Hits("/app"); n != 1 {
		t.Errorf("the upstream got %d requests, want 1 after maintenance", n)
	}

	// DELETE: back to the configuration, which says on.
	st = maintCall(t, adminAddr, http.MethodDelete, "/normalize/maintenance/cfg-enabled", "")
	checkMaintStatus(t, "after DELETE", st, "cfg-enabled", maintStatus{On: true, Source: "config", RetryAfter: "120", Handlers: 1})
	isMaint(t, "GET /app after DELETE", fetch(t, protoH1, request{path: "/app"}), "120")
	if n := up.Hits("/app"); n != 1 {
		t.Errorf("the upstream got %d requests, want still 1", n)
	}
}

// TestMaintenanceFile: maintenance is on while the file exists, found by
// a ticker; the upstream sees nothing meanwhile and requests again after;
// the gauge follows and the counter counts exactly the 503s.
func TestMaintenanceFile(t *testing.T) {
	needCaddy(t)
	up := maintUpstream(t, "/app")
	flag := filepath.Join(t.TempDir(), "maintenance.flag")
	const name = "file-switch"
	startMaintCaddy(t, maintSite(nil, maintHandle("", up.Addr(),
		"file "+flag, "retry_after 90", "name "+name)))

	isPassed(t, "GET /app without the file", fetch(t, protoH1, request{path: "/app"}), "/app")
	checkMaintStatus(t, "without the file", maintState(t), name, maintStatus{Handlers: 1})
	if v, _ := maintMetric(t, adminAddr, maintActiveMetric, "name", name); v != 0 {
		t.Errorf("%s{name=%s} = %v without the file, want 0", maintActiveMetric, name, v)
	}
	base := maintRequests(t, name)

	if err := os.WriteFile(flag, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	served503 := 0
	var last *wireResponse
	maintWait(t, 5*time.Second, "503 once the file exists", func() (bool, string) {
		last = fetch(t, protoH1, request{path: "/app"})
		if last.status == http.StatusServiceUnavailable {
			served503++
			return true, ""
		}
		return false, maintDescribe(last)
	})
	if t.Failed() {
		t.FailNow()
	}
	hits := up.Hits("/app") // the upstream answered the polls before the switch
	isMaint(t, "GET /app with the file", last, "90")
	for i := 0; i < 3; i++ {
		r := fetch(t, protoH1, request{path: "/app"})
		isMaint(t, "GET /app with the file", r, "90")
		if r.status == http.StatusServiceUnavailable {
			served503++
		}
	}
	if n := up.Hits("/app") - hits; n != 0 {
		t.Errorf("the upstream got %d requests during maintenance, want 0", n)
	}
	checkMaintStatus(t, "with the file", maintState(t), name, maintStatus{On: true, Source: "file", RetryAfter: "90", Handlers: 1})
	maintWait(t, 5*time.Second, maintActiveMetric+" = 1 with the file", func() (bool, string) {
		v, ok := maintMetric(t, adminAddr, maintActiveMetric, "name", name)
		return v == 1, fmt.Sprintf("%v (present %v)", v, ok)
	})

	if err := os.Remove(flag); err != nil {
		t.Fatal(err)
	}
	maintWait(t, 5*time.Second, "the upstream's 200 once the file is gone", func() (bool, string) {
		last = fetch(t, protoH1, request{path: "/app"})
		if last.status == http.StatusServiceUnavailable {
			served503++
		}
		return last.status == http.StatusOK, maintDescribe(last)
	})
	isPassed(t, "GET /app after the file is gone", last, "/app")
	if n := up.Hits("/app") - hits; n != 1 {
		t.Errorf("the upstream got %d requests after maintenance, want 1", n)
	}
	maintWait(t, 5*time.Second, maintActiveMetric+" = 0 after the file is gone", func() (bool, string) {
		v, ok := maintMetric(t, adminAddr, maintActiveMetric, "name", name)
		return ok && v == 0, fmt.Sprintf("%v (present %v)", v, ok)
	})
	if got := maintRequests(t, name) - base; got != float64(served503) {
		t.Errorf("%s{name=%s} moved by %v, want %d: the number of 503s served", maintRequestsMetric, name, got, served503)
	}
	checkMaintStatus(t, "after the file is gone", maintState(t), name, maintStatus{Handlers: 1})
}

// TestMaintenanceWindow: a window around now is on with the window's end
// as Retry-After (an IMF-fixdate); a window in the future is off; a
// window that closes turns maintenance off.
func TestMaintenanceWindow(t *testing.T) {
	needCaddy(t)
	up := maintUpstream(t, "/now/x", "/later/x", "/ending/x")
	now := time.Now().UTC().Truncate(time.Second)
	rfc := func(t time.Time) string { return t.Format(time.RFC3339) }
	nowEnd := now.Add(time.Hour)
	endingEnd := now.Add(4 * time.Second)
	startMaintCaddy(t, maintSite(nil,
		maintHandle("/now/*", up.Addr(), "window "+rfc(now.Add(-time.Hour))+" "+rfc(nowEnd), "name win-now"),
		maintHandle("/later/*", up.Addr(), "window "+rfc(now.Add(time.Hour))+" "+rfc(now.Add(2*time.Hour)), "name win-later"),
		maintHandle("/ending/*", up.Addr(), "window "+rfc(now.Add(-time.Hour))+" "+rfc(endingEnd), "name win-ending"),
	))

	wantDate := nowEnd.Format(http.TimeFormat)
	for _, proto := range allProtos {
		r := fetch(t, proto, request{path: "/now/x"})
		isMaint(t, proto+" GET /now/x", r, wantDate)
		if _, err := http.ParseTime(r.header.Get("Retry-After")); err != nil || !strings.HasSuffix(r.header.Get("Retry-After"), " GMT") {
			t.Errorf("%s: Retry-After %q is not an IMF-fixdate", proto, r.header.Get("Retry-After"))
		}
		isPassed(t, proto+" GET /later/x", fetch(t, proto, request{path: "/later/x"}), "/later/x")
	}
	if n := up.Hits("/now/x"); n != 0 {
		t.Errorf("the upstream got %d requests for /now/x during the window, want 0", n)
	}
	st := maintState(t)
	checkMaintStatus(t, "window around now", st, "win-now", maintStatus{On: true, Source: "window", Until: &nowEnd, RetryAfter: wantDate, Handlers: 1})
	checkMaintStatus(t, "window in the future", st, "win-later", maintStatus{Handlers: 1})

	// The page names the end.
	page := fetch(t, protoH1, request{path: "/now/x", header: map[string]string{"Accept": "text/html"}})
	if !strings.Contains(string(page.body), wantDate) {
		t.Errorf("the page does not name the window's end %q: %q", wantDate, page.body)
	}

	// A window that closes: on, then off by the ticker.
	if time.Now().Before(endingEnd.Add(-time.Second)) {
		isMaint(t, "GET /ending/x inside its window", fetch(t, protoH1, request{path: "/ending/x"}), endingEnd.Format(http.TimeFormat))
	}
	var last *wireResponse
	maintWait(t, 8*time.Second, "the upstream's 200 once the window has closed", func() (bool, string) {
		last = fetch(t, protoH1, request{path: "/ending/x"})
		return last.status == http.StatusOK, maintDescribe(last)
	})
	if last.status == http.StatusOK {
		isPassed(t, "GET /ending/x after its window", last, "/ending/x")
		if !time.Now().After(endingEnd) {
			t.Errorf("the window ending %v was closed at %v already", endingEnd, time.Now())
		}
	}
}

// TestMaintenanceAPI: the admin API switches all handlers or one by name,
// with Retry-After in seconds or as the date of "until"; DELETE hands back
// to the configuration; bad switches are refused; the metrics follow.
func TestMaintenanceAPI(t *testing.T) {
	needCaddy(t)
	up := maintUpstream(t, "/a/x", "/b/x")
	startMaintCaddy(t, maintSite(nil,
		maintHandle("/a/*", up.Addr(), "name api-a", "retry_after 77"),
		maintHandle("/b/*", up.Addr(), "name api-b"),
	))
	const api = "/normalize/maintenance"
	served := map[string]int{} // 503s per name
	get := func(path string) *wireResponse {
		t.Helper()
		r := fetch(t, protoH1, request{path: path})
		if r.status == http.StatusServiceUnavailable {
			served["api-"+path[1:2]]++
		}
		return r
	}
	base := map[string]float64{"api-a": maintRequests(t, "api-a"), "api-b": maintRequests(t, "api-b")}
	gauge := func(name string, want float64) {
		t.Helper()
		maintWait(t, 5*time.Second, fmt.Sprintf("%s{name=%s} = %v", maintActiveMetric, name, want), func() (bool, string) {
			v, ok := maintMetric(t, adminAddr, maintActiveMetric, "name", name)
			return ok && v == want, fmt.Sprintf("%v (present %v)", v, ok)
		})
	}

	isPassed(t, "GET /a/x before any switch", get("/a/x"), "/a/x")
	isPassed(t, "GET /b/x before any switch", get("/b/x"), "/b/x")
	gauge("api-a", 0)

	// All on, with retry_after.
	st := maintCall(t, adminAddr, http.MethodPost, api, `{"enabled": true, "retry_after": 42}`)
	for _, n := range []string{"api-a", "api-b"} {
		checkMaintStatus(t, "all on", st, n, maintStatus{On: true, Source: "api", RetryAfter: "42", SwitchedByAPI: true, Handlers: 1})
	}
	hits := up.Hits("/a/x") + up.Hits("/b/x")
	for _, proto := range allProtos {
		isMaint(t, proto+" GET /a/x, all on", fetch(t, proto, request{path: "/a/x"}), "42")
		served["api-a"]++
	}
	isMaint(t, "GET /b/x, all on", get("/b/x"), "42")
	if n := up.Hits("/a/x") + up.Hits("/b/x") - hits; n != 0 {
		t.Errorf("the upstream got %d requests during maintenance, want 0", n)
	}
	gauge("api-a", 1)
	gauge("api-b", 1)

	// One off by name: the other stays on.
	st = maintCall(t, adminAddr, http.MethodPost, api+"/api-b", `{"enabled": false}`)
	if _, ok := st["api-a"]; ok || len(st) != 1 {
		t.Errorf("POST %s/api-b answered with %v, want the state of api-b alone", api, st)
	}
	checkMaintStatus(t, "b off", st, "api-b", maintStatus{SwitchedByAPI: true, Handlers: 1})
	isMaint(t, "GET /a/x, b off", get("/a/x"), "42")
	isPassed(t, "GET /b/x, b off", get("/b/x"), "/b/x")
	gauge("api-b", 0)
	gauge("api-a", 1)

	// One on by name without retry_after: the handler's configured one.
	maintCall(t, adminAddr, http.MethodPost, api+"/api-a", `{"enabled": true}`)
	isMaint(t, "GET /a/x, a on without retry_after", get("/a/x"), "77")

	// "until": Retry-After is its date.
	until := time.Now().UTC().Truncate(time.Second).Add(2 * time.Hour)
	st = maintCall(t, adminAddr, http.MethodPost, api+"/api-a", `{"enabled": true, "until": "`+until.Format(time.RFC3339)+`"}`)
	wantDate := until.Format(http.TimeFormat)
	checkMaintStatus(t, "a on until", st, "api-a", maintStatus{On: true, Source: "api", Until: &until, RetryAfter: wantDate, SwitchedByAPI: true, Handlers: 1})
	isMaint(t, "GET /a/x, a on until", get("/a/x"), wantDate)

	// DELETE one: back to its configuration (off); the other keeps its
	// API switch.
	st = maintCall(t, adminAddr, http.MethodDelete, api+"/api-a", "")
	checkMaintStatus(t, "a deleted", st, "api-a", maintStatus{Handlers: 1})
	isPassed(t, "GET /a/x, a deleted", get("/a/x"), "/a/x")
	checkMaintStatus(t, "a deleted", maintState(t), "api-b", maintStatus{SwitchedByAPI: true, Handlers: 1})
	gauge("api-a", 0)

	// All off.
	st = maintCall(t, adminAddr, http.MethodPost, api, `{"enabled": false}`)
	for _, n := range []string{"api-a", "api-b"} {
		checkMaintStatus(t, "all off", st, n, maintStatus{SwitchedByAPI: true, Handlers: 1})
	}
	isPassed(t, "GET /a/x, all off", get("/a/x"), "/a/x")

	for _, n := range []string{"api-a", "api-b"} {
		if got := maintRequests(t, n) - base[n]; got != float64(served[n]) {
			t.Errorf("%s{name=%s} moved by %v, want %d: the number of 503s served", maintRequestsMetric, n, got, served[n])
		}
	}

	// Switches the API must refuse, changing nothing.
	for _, bad := range []struct {
		path, body string
		status     int
	}{
		{api + "/no-such-name", `{"enabled": true}`, http.StatusNotFound},
		{api, `{"retry_after": 5}`, http.StatusBadRequest},
		{api, `{"enabled": "yes"}`, http.StatusBadRequest},
		{api, `{"enabled": true, "until": "tomorrow"}`, http.StatusBadRequest},
		{api, `{"enabled": true, "until": "` + time.Now().Add(-time.Hour).UTC().Format(time.RFC3339) + `"}`, http.StatusBadRequest},
		{api, `{"enabled": true, "retry_after": -1}`, http.StatusBadRequest},
		{api, `{"enabled": true, "surprise": 1}`, http.StatusBadRequest},
	} {
		status, body, err := maintAdmin(adminAddr, http.MethodPost, bad.path, bad.body)
		if err != nil || status != bad.status {
			t.Errorf("POST %s %s: status %d (err %v), body %q; want %d", bad.path, bad.body, status, err, body, bad.status)
		}
	}
	isPassed(t, "GET /a/x after refused switches", get("/a/x"), "/a/x")
	isPassed(t, "GET /b/x after refused switches", get("/b/x"), "/b/x")
}

// TestMaintenanceAPIUntilExpires: an API switch with "until" ends by
// itself, handing the decision back to the configuration.
func TestMaintenanceAPIUntilExpires(t *testing.T) {
	needCaddy(t)
	up := maintUpstream(t, "/app")
	const name = "api-until"
	startMaintCaddy(t, maintSite(nil, maintHandle("", up.Addr(), "name "+name)))
	until := time.Now().UTC().Truncate(time.Second).Add(3 * time.Second)
	maintCall(t, adminAddr, http.MethodPost, "/normalize/maintenance/"+name, `{"enabled": true, "until": "`+until.Format(time.RFC3339)+`"}`)
	if time.Now().Before(until.Add(-time.Second)) {
		isMaint(t, "GET /app before until", fetch(t, protoH1, request{path: "/app"}), until.Format(http.TimeFormat))
	}
	var last *wireResponse
	maintWait(t, 6*time.Second, "the upstream's 200 after until", func() (bool, string) {
		last = fetch(t, protoH1, request{path: "/app"})
		return last.status == http.StatusOK, maintDescribe(last)
	})
	if t.Failed() {
		return
	}
	isPassed(t, "GET /app after until", last, "/app")
	maintWait(t, 5*time.Second, maintActiveMetric+" = 0 after until", func() (bool, string) {
		v, ok := maintMetric(t, adminAddr, maintActiveMetric, "name", name)
		return ok && v == 0, fmt.Sprintf("%v (present %v)", v, ok)
	})
	// The configuration decides again, so the API switch is no longer
	// what decides the state (README: "switched_by_api" is true while an
	// admin API switch, rather than the configuration, decides it).
	checkMaintStatus(t, "after until", maintState(t), name, maintStatus{Handlers: 1})
}

// TestMaintenanceAPIRemovedName: a name the running config no longer
// has is as unknown to the API as one it never had: a switch to it is
// refused with 404 (as for a name never configured), not stored to
// ambush a later config that brings the name back.
func TestMaintenanceAPIRemovedName(t *testing.T) {
	needCaddy(t)
	up := maintUpstream(t, "/app")
	startMaintCaddy(t, maintSite(nil, maintHandle("", up.Addr(), "name removed-later")))
	checkMaintStatus(t, "first config", maintState(t), "removed-later", maintStatus{Handlers: 1})
	t.Run("after a config without it", func(t *testing.T) {
		startCaddy(t, maintSite(nil, maintHandle("", up.Addr(), "name still-here")))
		if st := maintState(t); len(st) != 1 {
			t.Errorf("GET /normalize/maintenance: %v, want only still-here", st)
		}
		for _, name := range []string{"removed-later", "never-configured"} {
			status, body, err := maintAdmin(adminAddr, http.MethodPost, "/normalize/maintenance/"+name, `{"enabled": true}`)
			if err != nil || status != http.StatusNotFound {
				t.Errorf("POST /normalize/maintenance/%s {\"enabled\": true} with no handler of that name: status %d (err %v), body %q; want 404",
					name, status, err, body)
			}
		}
		// Every verb answers alike for a name no config has.
		for _, name := range []string{"removed-later", "never-configured"} {
			for _, method := range []string{http.MethodGet, http.MethodDelete} {
				status, body, err := maintAdmin(adminAddr, method, "/normalize/maintenance/"+name, "")
				if err != nil || status != http.StatusNotFound {
					t.Errorf("%s /normalize/maintenance/%s with no handler of that name: status %d (err %v), body %q; want 404",
						method, name, status, err, body)
				}
			}
		}
		// Its gauge is gone with it.
		if v, ok := maintMetric(t, adminAddr, maintActiveMetric, "name", "removed-later"); ok {
			t.Errorf("%s{name=removed-later} = %v after a config without it; want no such series", maintActiveMetric, v)
		}
		if _, ok := maintMetric(t, adminAddr, maintActiveMetric, "name", "still-here"); !ok {
			t.Errorf("%s{name=still-here} is missing", maintActiveMetric)
		}
	})
}

// TestMaintenanceUnnamedSites: unnamed handlers of different sites get
// different names, derived from their site's address, and an API switch
// without retry_after gives each handler of a name its own configured
// Retry-After.
func TestMaintenanceUnnamedSites(t *testing.T) {
	needCaddy(t)
	up := maintUpstream(t, "/u/app", "/n/app")
	site := func(port string, handles ...string) string {
		return "\n:" + port + " {\n\tbind 127.0.0.1\n" + strings.Join(handles, "") + "}\n"
	}
	cfg := maintGlobal() +
		site("9080", maintHandle("/u/*", up.Addr(), "retry_after 2m"), maintHandle("/n/*", up.Addr(), "name same", "retry_after 11")) +
		site("9081", maintHandle("/u/*", up.Addr(), "retry_after 90s"), maintHandle("/n/*", up.Addr(), "name same", "retry_after 22"))
	startMaintCaddy(t, cfg)
	st := maintState(t)
	for _, name := range []string{"127.0.0.1_9080", "127.0.0.1_9081"} {
		checkMaintStatus(t, "unnamed", st, name, maintStatus{Handlers: 1})
	}
	checkMaintStatus(t, "named alike", st, "same", maintStatus{Handlers: 2})
	if _, ok := st["default"]; ok || len(st) != 3 {
		t.Errorf("GET /normalize/maintenance: %v; want 127.0.0.1_9080, 127.0.0.1_9081 and same", st)
	}

	maintCall(t, adminAddr, http.MethodPost, "/normalize/maintenance/127.0.0.1_9081", `{"enabled": true}`)
	maintCall(t, adminAddr, http.MethodPost, "/normalize/maintenance/same", `{"enabled": true}`)
	get := func(port, path string) *wireResponse {
		t.Helper()
		client := &http.Client{Timeout: ioTimeout, Transport: &http.Transport{DisableKeepAlives: true}}
		res, err := client.Get("http://127.0.0.1:" + port + path)
		if err != nil {
			t.Fatalf("GET %s on %s: %v", path, port, err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatalf("GET %s on %s: %v", path, port, err)
		}
		return &wireResponse{proto: protoH1, status: res.StatusCode, header: res.Header, body: body}
	}
	isPassed(t, "GET /u/app on 9080, not switched", get("9080", "/u/app"), "/u/app")
	isMaint(t, "GET /u/app on 9081, switched", get("9081", "/u/app"), "90")
	for i := 0; i < 5; i++ { // no map order to be lucky with
		isMaint(t, "GET /n/app on 9080", get("9080", "/n/app"), "11")
		isMaint(t, "GET /n/app on 9081", get("9081", "/n/app"), "22")
	}
}

// TestMaintenanceAPISurvivesReload: an API switch outlives config loads,
// a forced reload of the same config and a changed one, and is reported
// as such; DELETE then hands back to the configuration.
func TestMaintenanceAPISurvivesReload(t *testing.T) {
	needCaddy(t)
	up := maintUpstream(t, "/app")
	const name = "reload"
	cfg := func(message string) string {
		return maintSite(nil, maintHandle("", up.Addr(), "name "+name, "retry_after 60", `message "`+message+`"`))
	}
	startMaintCaddy(t, cfg("first config"))
	text := map[string]string{"Accept": "text/plain"}

	maintCall(t, adminAddr, http.MethodPost, "/normalize/maintenance/"+name, `{"enabled": true}`)
	r := fetch(t, protoH1, request{path: "/app", header: text})
	isMaint(t, "GET /app, API on", r, "60")

	// The same config again, forced: Caddy skips an unchanged config
	// unless asked with Cache-Control: must-revalidate.
	adapted := cfg("first config")
	req, err := http.NewRequest(http.MethodPost, "http://"+adminAddr+"/load", strings.NewReader(adapted))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/caddyfile")
	req.Header.Set("Cache-Control", "must-revalidate")
	before := httpListenAddrs()
	res, err := (&http.Client{Timeout: ioTimeout}).Do(req)
	if err != nil {
		t.Fatalf("forced reload: %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("forced reload: status %d, body %q", res.StatusCode, body)
	}
	awaitOldListeners(t, before)
	r = fetch(t, protoH1, request{path: "/app", header: text})
	isMaint(t, "GET /app after a forced reload", r, "60")
	checkMaintStatus(t, "after a forced reload", maintState(t), name,
		maintStatus{On: true, Source: "api", RetryAfter: "60", SwitchedByAPI: true, Handlers: 1})

	// A changed config: its new handler is in force (new message), and
	// still under the API's switch. A subtest, as startCaddy gives up on
	// a test that has failed already.
	t.Run("changed config", func(t *testing.T) {
		startCaddy(t, cfg("second config"))
		r := fetch(t, protoH1, request{path: "/app", header: text})
		isMaint(t, "GET /app after loading a changed config", r, "60")
		if !strings.Contains(string(r.body), "second config") {
			t.Errorf("after loading a changed config the body is %q, want the new message", r.body)
		}
		checkMaintStatus(t, "after loading a changed config", maintState(t), name,
			maintStatus{On: true, Source: "api", RetryAfter: "60", SwitchedByAPI: true, Handlers: 1})
		if n := up.Hits("/app"); n != 0 {
			t.Errorf("the upstream got %d requests during maintenance, want 0", n)
		}

		st := maintCall(t, adminAddr, http.MethodDelete, "/normalize/maintenance/"+name, "")
		checkMaintStatus(t, "after DELETE", st, name, maintStatus{Handlers: 1})
		isPassed(t, "GET /app after DELETE", fetch(t, protoH1, request{path: "/app"}), "/app")
	})
}

// TestMaintenanceBypass: excepted paths and allowlisted clients pass
// through to the upstream; a client's own X-Forwarded-For opens nothing,
// unless it comes from a trusted proxy.
func TestMaintenanceBypass(t *testing.T) {
	needCaddy(t)
	up := maintUpstream(t, "/app", "/health", "/healthz", "/health/live")
	handle := maintHandle("", up.Addr(), "enabled", "retry_after 30", "name bypass",
		"allow_ip 127.0.0.2/32 10.9.9.0/24", "except /health*")
	startMaintCaddy(t, maintSite(nil, handle))

	from := func(t *testing.T, ip string, path string, header map[string]string) *wireResponse {
		t.Helper()
		r, err := fetchFromIP(ip, request{path: path, header: header})
		if err != nil {
			t.Fatalf("GET %s from %s: %v", path, ip, err)
		}
		return r
	}
	xff := func(ip string) map[string]string { return map[string]string{"X-Forwarded-For": ip} }

	isMaint(t, "GET /app from 127.0.0.1", from(t, "127.0.0.1", "/app", nil), "30")
	if n := up.Hits("/app"); n != 0 {
		t.Errorf("the upstream got %d requests for /app from a client not allowed, want 0", n)
	}
	for _, p := range []string{"/health", "/healthz", "/health/live"} {
		isPassed(t, "GET "+p+" (excepted) from 127.0.0.1", from(t, "127.0.0.1", p, nil), p)
		if n := up.Hits(p); n != 1 {
			t.Errorf("the upstream got %d requests for %s, want 1", n, p)
		}
	}
	isPassed(t, "GET /app from 127.0.0.2 (allowed)", from(t, "127.0.0.2", "/app", nil), "/app")
	if n := up.Hits("/app"); n != 1 {
		t.Errorf("the upstream got %d requests for /app, want 1 (the allowed client's)", n)
	}
	isMaint(t, "GET /app from 127.0.0.3", from(t, "127.0.0.3", "/app", nil), "30")

	// No trusted proxies: a client cannot claim an allowed address.
	before := up.Hits("/app")
	for _, forged := range []string{"127.0.0.2", "10.9.9.9", "127.0.0.2, 127.0.0.1"} {
		isMaint(t, "GET /app from 127.0.0.1 with X-Forwarded-For: "+forged+", no trusted proxies",
			from(t, "127.0.0.1", "/app", xff(forged)), "30")
	}
	if n := up.Hits("/app") - before; n != 0 {
		t.Errorf("the upstream got %d requests with forged X-Forwarded-For, want 0", n)
	}

	// 127.0.0.1 a trusted proxy: its X-Forwarded-For names the client
	// (client_ip_headers defaults to X-Forwarded-For). A subtest, as
	// startCaddy gives up on a test that has failed already.
	t.Run("trusted proxy", func(t *testing.T) {
		startCaddy(t, maintSite([]string{"trusted_proxies static 127.0.0.1/32"}, handle))
		before := up.Hits("/app")
		isPassed(t, "GET /app via the trusted proxy for 127.0.0.2", from(t, "127.0.0.1", "/app", xff("127.0.0.2")), "/app")
		isPassed(t, "GET /app via the trusted proxy for 10.9.9.9", from(t, "127.0.0.1", "/app", xff("10.9.9.9")), "/app")
		isMaint(t, "GET /app via the trusted proxy for 127.0.0.3", from(t, "127.0.0.1", "/app", xff("127.0.0.3")), "30")
		isMaint(t, "GET /app from the trusted proxy itself", from(t, "127.0.0.1", "/app", nil), "30")
		// An untrusted client's header is still ignored.
		isMaint(t, "GET /app from 127.0.0.3 (untrusted) with X-Forwarded-For: 127.0.0.2",
			from(t, "127.0.0.3", "/app", xff("127.0.0.2")), "30")
		if n := up.Hits("/app") - before; n != 2 {
			t.Errorf("the upstream got %d requests with trusted X-Forwarded-For, want 2", n)
		}
	})
}

// TestMaintenanceFormats: the body is negotiated: a page for browsers
// with the message escaped and a meta refresh, problem+json and JSON with
// the message as detail, text for curl; the counter counts each.
func TestMaintenanceFormats(t *testing.T) {
	needCaddy(t)
	up := maintUpstream(t, "/app")
	const (
		name    = "formats"
		message = `Back <b>soon</b> & sorry`
		escaped = `Back &lt;b&gt;soon&lt;/b&gt; &amp; sorry`
	)
	startMaintCaddy(t, maintSite(nil, maintHandle("", up.Addr(),
		"enabled", "retry_after 30", "name "+name, `message "`+message+`"`)))
	base := maintRequests(t, name)
	served := 0

	type problem struct {
		Type   string `json:"type"`
		Title  string `json:"title"`
		Status int    `json:"status"`
		Detail string `json:"detail"`
	}
	cases := []struct {
		name, accept, ua string
		ctype            string
		check            func(t *testing.T, what string, body []byte)
	}{
		{"browser", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
			"Mozilla/5.0 (X11; Linux x86_64) Chrome/125.0 Safari/537.36", "text/html",
			func(t *testing.T, what string, body []byte) {
				for _, want := range []string{"<!DOCTYPE html>", escaped, `<meta http-equiv="refresh" content="30">`} {
					if !bytes.Contains(body, []byte(want)) {
						t.Errorf("%s: the page lacks %q:\n%s", what, want, body)
					}
				}
				if bytes.Contains(body, []byte("<b>")) {
					t.Errorf("%s: the message's markup is not escaped:\n%s", what, body)
				}
			}},
		{"json", "application/json", "app/1.0", "application/json",
			func(t *testing.T, what string, body []byte) {
				var p problem
				if err := json.Unmarshal(body, &p); err != nil || p.Status != 503 || p.Detail != message || p.Title != "Service Unavailable" {
					t.Errorf("%s: body %q decodes to %+v (err %v); want status 503, title Service Unavailable, detail %q", what, body, p, err, message)
				}
			}},
		{"problem", "application/problem+json", "app/1.0", "application/problem+json",
			func(t *testing.T, what string, body []byte) {
				var p problem
				if err := json.Unmarshal(body, &p); err != nil || p.Status != 503 || p.Detail != message {
					t.Errorf("%s: body %q decodes to %+v (err %v); want status 503, detail %q", what, body, p, err, message)
				}
			}},
		{"curl", "*/*", "curl/8.5.0", "text/plain",
			func(t *testing.T, what string, body []byte) {
				if want := "503 Service Unavailable\n" + message + "\n"; string(body) != want {
					t.Errorf("%s: body %q, want %q", what, body, want)
				}
			}},
	}
	for _, c := range cases {
		for _, proto := range allProtos {
			t.Run(c.name+"/"+proto, func(t *testing.T) {
				r := fetch(t, proto, request{path: "/app", header: map[string]string{"Accept": c.accept, "User-Agent": c.ua}})
				if r.status == http.StatusServiceUnavailable {
					served++
				}
				isMaint(t, c.name, r, "30")
				mt, params, err := mime.ParseMediaType(r.header.Get("Content-Type"))
				if err != nil || mt != c.ctype {
					t.Errorf("Content-Type %q, want %s", r.header.Get("Content-Type"), c.ctype)
				}
				if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
					t.Errorf("Content-Type %q: charset is not utf-8", r.header.Get("Content-Type"))
				}
				if !hasToken(r.header, "Vary", "Accept") {
					t.Errorf("Vary %q lacks Accept", r.header.Values("Vary"))
				}
				if cl := r.header.Get("Content-Length"); r.proto == protoH1 && cl != itoa(len(r.body)) {
					t.Errorf("Content-Length %q for a body of %d bytes", cl, len(r.body))
				}
				c.check(t, c.name, r.body)
			})
		}
	}
	if n := up.Hits("/app"); n != 0 {
		t.Errorf("the upstream got %d requests during maintenance, want 0", n)
	}
	if got := maintRequests(t, name) - base; got != float64(served) {
		t.Errorf("%s{name=%s} moved by %v, want %d: the number of 503s served", maintRequestsMetric, name, got, served)
	}
}

// TestMaintenanceHelpers checks the config builders without Caddy.
func TestMaintenanceHelpers(t *testing.T) {
	cfg := maintSite([]string{"trusted_proxies static 127.0.0.1/32"},
		maintHandle("/a/*", "127.0.0.1:1", "enabled", "name a"))
	for _, want := range []string{
		"{\n\tpersist_config off\n\tadmin " + adminAddr + "\n",
		"\t\tprotocols h1 h2c\n\t\ttrusted_proxies static 127.0.0.1/32\n\t}\n",
		":9080 {\n\tbind 127.0.0.1\n\thandle /a/* {\n\t\tnormalize {\n\t\t\tmaintenance {\n\t\t\t\tenabled\n\t\t\t\tname a\n\t\t\t}\n\t\t}\n\t\treverse_proxy 127.0.0.1:1\n\t}\n}\n",
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf("config lacks %q:\n%s", want, cfg)
		}
	}
}
