package caddytest

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// secondSiteAddr is the second listener of the per-server tests.
const secondSiteAddr = "127.0.0.1:9081"

// twoServers is a config with two Caddy servers, named in the global
// servers options, each fronting the upstream with its own normalize.
func twoServers(up *rawUpstream) string {
	return `{
	admin ` + adminAddr + `
	auto_https off
	grace_period 1ns
	servers :9080 {
		name legacy-a
	}
	servers :9081 {
		name legacy-b
	}
}

:9080 {
	normalize {
		allow GET HEAD POST
	}
	reverse_proxy ` + up.Addr() + `
}

:9081 {
	normalize {
		mode report
		allow GET
	}
	reverse_proxy ` + up.Addr() + `
}
`
}

// fetchAt sends method target to the server at addr with Go's client and
// returns the status and the Allow fields.
func fetchAt(t *testing.T, addr, method, target string) (int, []string) {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+addr+target, nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: ioTimeout, Transport: &http.Transport{DisableKeepAlives: true}}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode, res.Header.Values("Allow")
}

// TestPerServerMetricsAndReport: two servers, each breaking rules, are
// counted apart in the metric's server label and in the report's servers,
// which keeps the last examples of each rule (the path without its query),
// newest first, at most five.
func TestPerServerMetricsAndReport(t *testing.T) {
	needCaddy(t)
	up := newRawUpstream(t)
	up.HandleBytes("/405", noContent("HTTP/1.1 405 Method Not Allowed"))
	up.HandleBytes("/401", noContent("HTTP/1.1 401 Unauthorized"))
	startCaddy(t, twoServers(up))

	m0, r0 := violationSeriesByServer(t), readReport(t)
	start := time.Now()

	// legacy-a: two 405s repaired, one 401 reported (no challenge set).
	for range 2 {
		if status, allow := fetchAt(t, siteAddr, "DELETE", "/405?token=secret"); status != 405 || strings.Join(allow, ",") != "GET, HEAD, POST" {
			t.Fatalf("legacy-a DELETE /405: %d, Allow %q; want 405 with GET, HEAD, POST", status, allow)
		}
	}
	if status, _ := fetchAt(t, siteAddr, "GET", "/401"); status != 401 {
		t.Fatalf("legacy-a GET /401: %d", status)
	}
	// legacy-b, in report mode: seven 405s, each with its own method.
	methods := []string{"PUT", "DELETE", "PATCH", "POST", "BREW", "LOCK", "MOVE"}
	for _, m := range methods {
		if status, allow := fetchAt(t, secondSiteAddr, m, "/405"); status != 405 || allow != nil {
			t.Fatalf("legacy-b %s /405: %d, Allow %q; want 405 unchanged", m, status, allow)
		}
	}

	// The metric, by server.
	m1 := violationSeriesByServer(t)
	want := map[string]float64{
		"legacy-a/allow-missing/enforced":            2,
		"legacy-a/www-authenticate-missing/reported": 1,
		"legacy-b/allow-missing/reported":            7,
	}
	for key := range m1 {
		if got := m1[key] - m0[key]; got != want[key] {
			t.Errorf("%s{%s} moved by %v, want %v", violationsMetric, key, got, want[key])
		}
	}
	for key := range want {
		if _, ok := m1[key]; !ok {
			t.Errorf("no series %s", key)
		}
	}
	_, _, text, err := adminGet("/metrics")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		violationsMetric + `{action="enforced",level="MUST",rule="allow-missing",server="legacy-a"} `,
		violationsMetric + `{action="reported",level="MUST",rule="allow-missing",server="legacy-b"} `,
		// Every rule's series exists from the start of a server, at zero.
		violationsMetric + `{action="enforced",level="MUST",rule="status-invalid",server="legacy-b"} 0`,
	} {
		if !strings.Contains(string(text), line) {
			t.Errorf("/metrics lacks %q", line)
		}
	}

	// The report: the totals as before, and by server.
	r1 := readReport(t)
	checkDelta(t, "two servers", r0, r1, delta{
		"allow-missing":            {enforced: 2, reported: 7},
		"www-authenticate-missing": {reported: 1},
	})
	checkReportMatchesMetrics(t, r1, violationSeries(t))
	moved := func(server, rule string) (e, r int64) {
		a, b := r0.Servers[server].Rules[rule], r1.Servers[server].Rules[rule]
		return b.Enforced - a.Enforced, b.Reported - a.Reported
	}
	for _, c := range []struct {
		server, rule string
		e, r         int64
	}{
		{"legacy-a", "allow-missing", 2, 0},
		{"legacy-a", "www-authenticate-missing", 0, 1},
		{"legacy-b", "allow-missing", 0, 7},
		{"legacy-b", "www-authenticate-missing", 0, 0},
	} {
		if e, r := moved(c.server, c.rule); e != c.e || r != c.r {
			t.Errorf("report %s %s moved by enforced %d reported %d, want %d %d", c.server, c.rule, e, r, c.e, c.r)
		}
	}
	checkExample := func(server, rule string, i int, method, path string, status int, action string) {
		t.Helper()
		ex := r1.Servers[server].Rules[rule].Examples
		if i >= len(ex) {
			t.Errorf("%s %s: %d examples, want more than %d", server, rule, len(ex), i)
			return
		}
		e := ex[i]
		at, err := time.Parse(time.RFC3339Nano, e.Time)
		if e.Method != method || e.Path != path || e.Status != status || e.Action != action || err != nil ||
			at.Before(start.Add(-time.Second)) || at.After(time.Now()) {
			t.Errorf("%s %s example %d: %+v, want %s %s %d %s at a time of this test", server, rule, i, e, method, path, status, action)
		}
	}
	checkExample("legacy-a", "allow-missing", 0, "DELETE", "/405", 405, enforced)
	checkExample("legacy-a", "allow-missing", 1, "DELETE", "/405", 405, enforced)
	checkExample("legacy-a", "www-authenticate-missing", 0, "GET", "/401", 401, reported)
	if ex := r1.Servers["legacy-b"].Rules["allow-missing"].Examples; len(ex) != 5 {
		t.Errorf("legacy-b allow-missing: %d examples, want the last 5", len(ex))
	}
	for i := range 5 {
		checkExample("legacy-b", "allow-missing", i, methods[len(methods)-1-i], "/405", 405, reported)
	}
	_, _, body, _ := adminGet("/normalize/report")
	if strings.Contains(string(body), "secret") {
		t.Errorf("the report holds a query: %s", body)
	}
	if t.Failed() {
		t.Logf("report: %s", body)
	}
}
