package caddytest

import (
	"mime"
	"net/http"
	"strings"
	"testing"
	"time"
)

// processStart is taken before this test process starts Caddy.
var processStart = time.Now()

// metricsSite is a site whose /enforce/ and /report/ routes answer a 405
// without Allow from the upstream's /405.
func metricsSite(up *rawUpstream, allow string) string {
	return siteConfig{upstream: up.Addr(), routes: []route{
		{name: "enforce", normalize: normalizeWith("allow " + allow)},
		{name: "report", normalize: normalizeWith("mode report", "allow "+allow)},
	}}.String()
}

func TestMetricsAndReport(t *testing.T) {
	needCaddy(t)
	up := newRawUpstream(t)
	up.HandleBytes("/405", noContent("HTTP/1.1 405 Method Not Allowed"))
	startCaddy(t, metricsSite(up, "GET HEAD POST"))

	const (
		enforcedKey = "allow-missing/" + enforced
		reportedKey = "allow-missing/" + reported
	)
	// violate sends n requests that each break allow-missing once, and
	// checks what the client got.
	violate := func(route string, n int, wantAllow string) {
		t.Helper()
		for i := 0; i < n; i++ {
			got := fetch(t, protoH1, request{method: http.MethodDelete, path: "/" + route + "/405"})
			if got.status != 405 || got.header.Get("Allow") != wantAllow {
				t.Fatalf("/%s/405: status %d, Allow %q; want 405, Allow %q", route, got.status, got.header.Get("Allow"), wantAllow)
			}
		}
	}
	// expectMoves checks the metric and the report moved by exactly
	// enforcedBy and reportedBy for allow-missing, and nothing else.
	expectMoves := func(what string, m0 map[string]float64, r0 normReport, enforcedBy, reportedBy int64) (map[string]float64, normReport) {
		t.Helper()
		m1, r1 := violationSeries(t), readReport(t)
		for _, s := range []struct {
			key string
			by  int64
		}{{enforcedKey, enforcedBy}, {reportedKey, reportedBy}} {
			if got := m1[s.key] - m0[s.key]; got != float64(s.by) {
				t.Errorf("%s: %s{%s} moved by %v, want %d", what, violationsMetric, s.key, got, s.by)
			}
		}
		for key := range m1 {
			if key != enforcedKey && key != reportedKey && m1[key] != m0[key] {
				t.Errorf("%s: %s{%s} moved by %v, want 0", what, violationsMetric, key, m1[key]-m0[key])
			}
		}
		want := delta{"allow-missing": {enforced: enforcedBy, reported: reportedBy}}
		checkDelta(t, what, r0, r1, want)
		return m1, r1
	}

	m0, r0 := violationSeries(t), readReport(t)
	violate("enforce", 1, "GET, HEAD, POST")
	m1, r1 := expectMoves("one enforced violation", m0, r0, 1, 0)
	if m1[enforcedKey] < 1 {
		t.Errorf("%s{%s} = %v, want at least 1", violationsMetric, enforcedKey, m1[enforcedKey])
	}
	_, _, text, err := adminGet("/metrics")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"# TYPE " + violationsMetric + " counter",
		// srv0: the Caddyfile's name for the :9080 server.
		violationsMetric + `{action="enforced",level="MUST",rule="allow-missing",server="srv0"} `,
	} {
		if !strings.Contains(string(text), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}

	violate("enforce", 3, "GET, HEAD, POST")
	m1, r1 = expectMoves("three more enforced violations", m1, r1, 3, 0)
	violate("report", 2, "")
	m1, r1 = expectMoves("two reported violations", m1, r1, 0, 2)

	// The report: JSON, a start time, and the same counts as the metric.
	status, ctype, _, err := adminGet("/normalize/report")
	if mt, _, _ := mime.ParseMediaType(ctype); err != nil || status != http.StatusOK || mt != "application/json" {
		t.Errorf("/normalize/report: status %d, Content-Type %q, err %v; want 200 application/json", status, ctype, err)
	}
	since, err := time.Parse(time.RFC3339, r1.Since)
	if err != nil {
		t.Errorf("since %q is not RFC 3339: %v", r1.Since, err)
	} else if since.Before(processStart.Add(-time.Second)) || since.After(time.Now()) {
		t.Errorf("since %v, want the start of this process (%v) or a little after", since, processStart)
	}
	checkReportMatchesMetrics(t, r1, m1)

	// A reload keeps the counts, and the start time.
	startCaddy(t, metricsSite(up, "GET"))
	m2, r2 := expectMoves("a config reload", m1, r1, 0, 0)
	if r2.Since != r1.Since {
		t.Errorf("since changed on reload: %q, then %q", r1.Since, r2.Since)
	}
	violate("enforce", 1, "GET")
	violate("report", 1, "")
	m2, r2 = expectMoves("one of each after the reload", m2, r2, 1, 1)
	checkReportMatchesMetrics(t, r2, m2)
}

// checkReportMatchesMetrics checks that the report and the metric, which
// both count since the process started, agree on every rule.
func checkReportMatchesMetrics(t *testing.T, r normReport, m map[string]float64) {
	t.Helper()
	for rule, c := range r.Rules {
		for _, action := range []string{enforced, reported} {
			if got := m[rule+"/"+action]; got != float64(c.get(action)) {
				t.Errorf("%s.%s: /normalize/report says %d, /metrics says %v", rule, action, c.get(action), got)
			}
		}
	}
	for key, v := range m {
		rule, action, _ := strings.Cut(key, "/")
		if got := r.Rules[rule].get(action); float64(got) != v {
			t.Errorf("%s: /metrics says %v, /normalize/report says %d", key, v, got)
		}
	}
}
