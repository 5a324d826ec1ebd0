package caddytest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Counter actions, as in the metric's action label and the report's keys.
const (
	enforced = "enforced"
	reported = "reported"
)

// ruleCounts is one rule's entry in GET /normalize/report.
type ruleCounts struct {
	Enforced int64 `json:"enforced"`
	Reported int64 `json:"reported"`
}

func (c ruleCounts) get(action string) int64 {
	if action == enforced {
		return c.Enforced
	}
	return c.Reported
}

// normReport is the body of GET /normalize/report.
type normReport struct {
	Since   string                  `json:"since"`
	Rules   map[string]ruleCounts   `json:"rules"`
	Servers map[string]serverCounts `json:"servers"`
}

// serverCounts is one server's entry in GET /normalize/report.
type serverCounts struct {
	Rules map[string]serverRuleCounts `json:"rules"`
}

// serverRuleCounts is one rule's entry under a server, with its examples.
type serverRuleCounts struct {
	Level    string          `json:"level"`
	Enforced int64           `json:"enforced"`
	Reported int64           `json:"reported"`
	Examples []reportExample `json:"examples"`
}

// reportExample is one recent violation in the report.
type reportExample struct {
	Time   string `json:"time"`
	Method string `json:"method"`
	Path   string `json:"path"`
	Status int    `json:"status"`
	Action string `json:"action"`
}

// adminGet fetches path from Caddy's admin endpoint.
func adminGet(path string) (status int, contentType string, body []byte, err error) {
	client := &http.Client{Timeout: ioTimeout}
	res, err := client.Get("http://" + adminAddr + path)
	if err != nil {
		return 0, "", nil, err
	}
	defer res.Body.Close()
	body, err = io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Content-Type"), body, err
}

// readReport fetches and decodes /normalize/report.
func readReport(t *testing.T) normReport {
	t.Helper()
	status, _, body, err := adminGet("/normalize/report")
	if err != nil {
		t.Fatalf("GET /normalize/report: %v", err)
	}
	if status != http.StatusOK {
		t.Fatalf("GET /normalize/report: status %d, body %q", status, body)
	}
	var r normReport
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("GET /normalize/report: not the documented JSON: %v; body %q", err, body)
	}
	return r
}

// delta is an expected change of counters: rule -> action -> amount.
type delta map[string]map[string]int64

func oneViolation(rule, action string) delta {
	return delta{rule: {action: 1}}
}

// checkDelta asserts that between before and after every counter moved by
// exactly what want says, and all others not at all.
func checkDelta(t *testing.T, what string, before, after normReport, want delta) {
	t.Helper()
	rules := map[string]bool{}
	for r := range before.Rules {
		rules[r] = true
	}
	for r := range after.Rules {
		rules[r] = true
	}
	for r := range want {
		rules[r] = true
	}
	for _, r := range sortedKeys(rules) {
		for _, action := range []string{enforced, reported} {
			got := after.Rules[r].get(action) - before.Rules[r].get(action)
			if got != want[r][action] {
				t.Errorf("%s: /normalize/report %s.%s moved by %d, want %d", what, r, action, got, want[r][action])
			}
		}
	}
}

// sample is one line of the Prometheus text format.
type sample struct {
	name   string
	labels map[string]string
	value  float64
}

var (
	sampleLine = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$`)
	labelPair  = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"`)
)

// parseMetrics parses the Prometheus text exposition format.
func parseMetrics(text string) ([]sample, error) {
	var out []sample
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := sampleLine.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("unparsable metrics line %q", line)
		}
		v, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			return nil, fmt.Errorf("bad value in %q", line)
		}
		s := sample{name: m[1], labels: map[string]string{}, value: v}
		for _, p := range labelPair.FindAllStringSubmatch(m[2], -1) {
			s.labels[p[1]] = p[2]
		}
		out = append(out, s)
	}
	return out, nil
}

const violationsMetric = "caddy_normalize_violations_total"

// violationSeries maps "rule/action" to the value of
// caddy_normalize_violations_total on the admin /metrics endpoint, summed
// over the servers.
func violationSeries(t *testing.T) map[string]float64 {
	t.Helper()
	series := map[string]float64{}
	for key, v := range violationSeriesByServer(t) {
		_, ruleAction, _ := strings.Cut(key, "/")
		series[ruleAction] += v
	}
	return series
}

// violationSeriesByServer maps "server/rule/action" to the value of
// caddy_normalize_violations_total on the admin /metrics endpoint.
func violationSeriesByServer(t *testing.T) map[string]float64 {
	t.Helper()
	status, _, body, err := adminGet("/metrics")
	if err != nil || status != http.StatusOK {
		t.Fatalf("GET /metrics: status %d, err %v", status, err)
	}
	samples, err := parseMetrics(string(body))
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	series := map[string]float64{}
	for _, s := range samples {
		if s.name == violationsMetric {
			server, ok := s.labels["server"]
			if !ok {
				t.Fatalf("GET /metrics: a %s series without the server label: %v", violationsMetric, s.labels)
			}
			series[server+"/"+s.labels["rule"]+"/"+s.labels["action"]] = s.value
		}
	}
	return series
}

// TestParseMetrics checks the exposition parser on known text.
func TestParseMetrics(t *testing.T) {
	text := `# HELP caddy_normalize_violations_total Violations.
# TYPE caddy_normalize_violations_total counter
caddy_normalize_violations_total{action="enforced",rule="allow-missing"} 3
caddy_normalize_violations_total{rule="date-invalid",action="reported"} 1.5e+00
go_goroutines 12
weird{a="x\"y,z=1"} 2 1700000000
`
	got, err := parseMetrics(text)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("got %d samples, want 4: %+v", len(got), got)
	}
	if got[0].labels["rule"] != "allow-missing" || got[0].labels["action"] != "enforced" || got[0].value != 3 {
		t.Errorf("sample 0 = %+v", got[0])
	}
	if got[1].labels["action"] != "reported" || got[1].value != 1.5 {
		t.Errorf("sample 1 = %+v", got[1])
	}
	if got[2].name != "go_goroutines" || len(got[2].labels) != 0 {
		t.Errorf("sample 2 = %+v", got[2])
	}
	if got[3].labels["a"] != `x\"y,z=1` || got[3].value != 2 {
		t.Errorf("sample 3 = %+v", got[3])
	}
	if _, err := parseMetrics("no value here{"); err == nil {
		t.Error("parseMetrics accepted a broken line")
	}
}
