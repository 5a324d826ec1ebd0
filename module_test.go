package caddynormalize

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/respnorm/caddy-normalize/normalize"
)

// fetchReport serves GET /normalize/report through the AdminAPI's route.
func fetchReport(t *testing.T) report {
	t.Helper()
	rec := httptest.NewRecorder()
	if err := reportHandler(t).ServeHTTP(rec, httptest.NewRequest("GET", "/normalize/report", nil)); err != nil {
		t.Fatalf("GET: %v", err)
	}
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("GET: %d %v", rec.Code, rec.Header())
	}
	// The shape, field by field, before decoding into the Go type.
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &raw); err != nil {
		t.Fatalf("%v: %s", err, rec.Body)
	}
	if len(raw) != 3 || raw["since"] == nil || raw["rules"] == nil || raw["servers"] == nil {
		t.Fatalf("top-level keys of %s: want since, rules and servers", rec.Body)
	}
	var rules map[string]map[string]any
	if err := json.Unmarshal(raw["rules"], &rules); err != nil {
		t.Fatal(err)
	}
	for id, r := range rules {
		if len(r) != 4 {
			t.Errorf("rule %s has fields %v, want ref, level, enforced, reported", id, r)
		}
		for _, k := range []string{"enforced", "reported"} {
			if _, ok := r[k].(float64); !ok {
				t.Errorf("rule %s: %s is %T, want a number", id, k, r[k])
			}
		}
	}
	var rep report
	if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

func reportHandler(t *testing.T) caddy.AdminHandler {
	t.Helper()
	var a AdminAPI
	for _, r := range a.Routes() {
		if r.Pattern == "/normalize/report" {
			return r.Handler
		}
	}
	t.Fatal("no /normalize/report route")
	return nil
}

func TestAdminReport(t *testing.T) {
	before := fetchReport(t)
	if len(before.Rules) != normalize.NumRules()+int(normalize.NumGeneratedRules) {
		t.Errorf("%d rules in the report, want %d and %d generated", len(before.Rules), normalize.NumRules(), normalize.NumGeneratedRules)
	}
	if got, ok := before.Rules["replace-errors"]; !ok || got.Ref != "replace_errors" {
		t.Errorf("replace-errors in the report: %+v, %v", got, ok)
	}
	for _, r := range normalize.Rules() {
		got, ok := before.Rules[r.ID()]
		if !ok {
			t.Errorf("rule %s missing from the report", r.ID())
			continue
		}
		if got.Ref != r.Ref() || got.Level != r.Level().String() {
			t.Errorf("rule %s: ref %q level %q, want %q %q", r.ID(), got.Ref, got.Level, r.Ref(), r.Level())
		}
	}
	if before.Since.IsZero() || before.Since.After(time.Now()) || before.Since.Location() != time.UTC {
		t.Errorf("since %v: want a past UTC time", before.Since)
	}

	// Two servers: the top-level counts are their sums.
	a, b := siteFor("report-a"), siteFor("report-b")
	del := httptest.NewRequest("DELETE", "/x/405?secret=1", nil)
	a.count(int(normalize.RuleAllowMissing), normalize.Enforce, 405, del)
	b.count(int(normalize.RuleAllowMissing), normalize.Enforce, 405, httptest.NewRequest("PUT", "/y", nil))
	b.count(int(normalize.RuleDateInvalid), normalize.Report, 200, httptest.NewRequest("GET", "/d", nil))

	after := fetchReport(t)
	for _, r := range normalize.Rules() {
		b, a := before.Rules[r.ID()], after.Rules[r.ID()]
		wantE, wantR := b.Enforced, b.Reported
		switch r {
		case normalize.RuleAllowMissing:
			wantE += 2
		case normalize.RuleDateInvalid:
			wantR++
		}
		if a.Enforced != wantE || a.Reported != wantR {
			t.Errorf("rule %s: enforced %d reported %d, want %d %d", r.ID(), a.Enforced, a.Reported, wantE, wantR)
		}
	}
	if !after.Since.Equal(before.Since) {
		t.Errorf("since moved from %v to %v", before.Since, after.Since)
	}
	// Grouped by server, with examples (the path without its query).
	ra := after.Servers["report-a"].Rules
	if got := ra["allow-missing"]; len(ra) != 1 || got.Enforced != 1 || got.Reported != 0 || got.Level != "MUST" ||
		len(got.Examples) != 1 || got.Examples[0].Method != "DELETE" || got.Examples[0].Path != "/x/405" ||
		got.Examples[0].Status != 405 || got.Examples[0].Action != "enforced" || time.Since(got.Examples[0].Time) > time.Minute {
		t.Errorf("server report-a: %+v, want one enforced allow-missing with its example", ra)
	}
	rb := after.Servers["report-b"].Rules
	if got := rb["date-invalid"]; len(rb) != 2 || got.Reported != 1 || got.Enforced != 0 || got.Level != normalize.RuleDateInvalid.Level().String() ||
		len(got.Examples) != 1 || got.Examples[0].Path != "/d" || got.Examples[0].Action != "reported" {
		t.Errorf("server report-b: %+v, want allow-missing and date-invalid", rb)
	}

	// Only GET.
	rec := httptest.NewRecorder()
	err := reportHandler(t).ServeHTTP(rec, httptest.NewRequest("POST", "/normalize/report", nil))
	var apiErr caddy.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatus != http.StatusMethodNotAllowed {
		t.Errorf("POST: %v, want a 405 APIError", err)
	}
	if rec.Header().Get("Allow") != "GET" {
		t.Errorf("POST: Allow %q, want GET", rec.Header().Get("Allow"))
	}
}

// counterValue returns caddy_normalize_violations_total{server,rule,action}
// as gathered from reg, and whether reg has it.
func counterValue(t *testing.T, reg prometheus.Gatherer, server, rule, action string) (float64, bool) {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatalf("Gather: %v", err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "caddy_normalize_violations_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if len(labels) == 4 && labels["server"] == server && labels["rule"] == rule && labels["action"] == action {
				r, err := normalize.ParseRule(rule)
				if err != nil || labels["level"] != r.Level().String() {
					t.Errorf("%s/%s: level label %q, want the rule's level", rule, action, labels["level"])
				}
				return m.GetCounter().GetValue(), true
			}
		}
	}
	return 0, false
}

func TestRegisterMetrics(t *testing.T) {
	if err := registerMetrics(nil); err != nil {
		t.Errorf("nil registry: %v", err)
	}
	reg := prometheus.NewPedanticRegistry()
	for i := range 2 {
		if err := registerMetrics(reg); err != nil {
			t.Fatalf("registration %d on the same registry: %v", i+1, err)
		}
	}
	site := siteFor("metrics-a")
	before, ok := counterValue(t, reg, "metrics-a", "upgrade-missing", "enforced")
	if !ok {
		t.Fatal("the registry does not gather the counter")
	}
	site.count(int(normalize.RuleUpgradeMissing), normalize.Enforce, 426, nil)
	if v, _ := counterValue(t, reg, "metrics-a", "upgrade-missing", "enforced"); v != before+1 {
		t.Errorf("after one count: %v, want %v", v, before+1)
	}
	if v, _ := counterValue(t, reg, "metrics-b", "upgrade-missing", "enforced"); v != 0 {
		t.Errorf("another server's counter moved to %v", v)
	}
	if v, _ := counterValue(t, reg, "metrics-a", "upgrade-missing", "reported"); v != 0 {
		t.Errorf("the reported counter moved to %v", v)
	}

	// A config reload brings a fresh registry: the count carries over.
	fresh := prometheus.NewPedanticRegistry()
	if err := registerMetrics(fresh); err != nil {
		t.Fatalf("fresh registry: %v", err)
	}
	if v, ok := counterValue(t, fresh, "metrics-a", "upgrade-missing", "enforced"); !ok || v != before+1 {
		t.Errorf("on the fresh registry: %v (%v), want %v", v, ok, before+1)
	}
	// Every rule and action is exported from the start of a server, at
	// zero or more.
	siteFor("metrics-b")
	for _, r := range normalize.Rules() {
		for _, a := range []string{"enforced", "reported"} {
			if _, ok := counterValue(t, fresh, "metrics-b", r.ID(), a); !ok {
				t.Errorf("no series for %s %s", r.ID(), a)
			}
		}
	}
}

// provisionedWithLogs returns a Handler provisioned in a fresh Caddy context, its
// metrics registry, and its log entries.
func provisionedWithLogs(t *testing.T, h *Handler) (prometheus.Gatherer, *observer.ObservedLogs) {
	t.Helper()
	ctx, cancel := caddy.NewContext(caddy.Context{Context: context.Background()})
	t.Cleanup(cancel)
	if err := h.Provision(ctx); err != nil {
		t.Fatalf("Provision: %v", err)
	}
	core, logs := observer.New(zapcore.DebugLevel)
	h.logger = sampledLogger(zap.New(core))
	return ctx.GetMetricsRegistry(), logs
}

// TestHandlerServeHTTP runs the Caddy handler in a route: it fixes the
// response, counts the violation in the report and the metric, and logs
// it.
func TestHandlerServeHTTP(t *testing.T) {
	h := &Handler{Allow: []string{"GET", "HEAD"}}
	reg, logs := provisionedWithLogs(t, h)
	before := fetchReport(t).Rules["allow-missing"]
	metricBefore, _ := counterValue(t, reg, unknownServer, "allow-missing", "enforced")
	reportedBefore := fetchReport(t).Rules["www-authenticate-missing"]

	next := caddyhttp.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		switch r.URL.Path {
		case "/delete":
			w.WriteHeader(http.StatusMethodNotAllowed)
		case "/private":
			w.WriteHeader(http.StatusUnauthorized)
		}
		_, err := w.Write([]byte("body"))
		return err
	})
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("DELETE", "http://example.test/delete", nil)
	if err := h.ServeHTTP(rec, req, next); err != nil {
		t.Fatal(err)
	}
	if rec.Code != 405 || rec.Header().Get("Allow") != "GET, HEAD" || rec.Body.String() != "body" {
		t.Errorf("got %d %v %q, want 405 with Allow", rec.Code, rec.Header(), rec.Body)
	}
	if got := fetchReport(t).Rules["allow-missing"]; got.Enforced != before.Enforced+1 || got.Reported != before.Reported {
		t.Errorf("report: %+v, before %+v; want one more enforced", got, before)
	}
	if v, _ := counterValue(t, reg, unknownServer, "allow-missing", "enforced"); v != metricBefore+1 {
		t.Errorf("metric: %v, want %v", v, metricBefore+1)
	}
	entries := logs.FilterMessage("response violates allow-missing").All()
	if len(entries) != 1 {
		t.Fatalf("%d log entries, want 1: %v", len(entries), logs.All())
	}
	fields := entries[0].ContextMap()
	want := map[string]any{"rule": "allow-missing", "action": "enforced", "level": "MUST", "ref": "RFC 9110 §15.5.6",
		"status": int64(405), "method": "DELETE", "host": "example.test", "path": "/delete"}
	for k, v := range want {
		if fields[k] != v {
			t.Errorf("log field %s = %#v, want %#v", k, fields[k], v)
		}
	}
	if entries[0].Level != zapcore.WarnLevel {
		t.Errorf("logged at %v, want warn", entries[0].Level)
	}

	// Without a challenge configured, a 401 is reported, not fixed.
	rec = httptest.NewRecorder()
	if err := h.ServeHTTP(rec, httptest.NewRequest("GET", "/private", nil), next); err != nil {
		t.Fatal(err)
	}
	if rec.Code != 401 || rec.Header().Get("Www-Authenticate") != "" {
		t.Errorf("got %d %v, want 401 unchanged", rec.Code, rec.Header())
	}
	if got := fetchReport(t).Rules["www-authenticate-missing"]; got.Reported != reportedBefore.Reported+1 || got.Enforced != reportedBefore.Enforced {
		t.Errorf("report: %+v, before %+v; want one more reported", got, reportedBefore)
	}
	if n := len(logs.FilterField(zap.String("action", "reported")).All()); n != 1 {
		t.Errorf("%d reported entries logged, want 1", n)
	}
}

// TestProvisionTwice: a reload provisions a new handler in a new context,
// with a new registry; it must succeed, and the counts carry over.
func TestProvisionTwice(t *testing.T) {
	h1 := &Handler{}
	reg1, _ := provisionedWithLogs(t, h1)
	siteFor("reload").count(int(normalize.RuleLocationInvalid), normalize.Enforce, 302, nil)
	v1, ok := counterValue(t, reg1, "reload", "location-invalid", "enforced")
	if !ok || v1 < 1 {
		t.Fatalf("first registry: %v %v", v1, ok)
	}
	h2 := &Handler{}
	reg2, _ := provisionedWithLogs(t, h2)
	if v2, _ := counterValue(t, reg2, "reload", "location-invalid", "enforced"); v2 != v1 {
		t.Errorf("second registry: %v, want %v", v2, v1)
	}
}

// TestRetryAfterLarge: a retry_after the configuration accepts must be
// the Retry-After sent; one it cannot send must be refused.
func TestRetryAfterLarge(t *testing.T) {
	for _, secs := range []int{86400 * 365, 9223372037, 18446744074, 36893488148} {
		t.Run(strconv.Itoa(secs), func(t *testing.T) {
			// The Caddyfile accepts it as it is.
			d := caddyfile.NewTestDispenser("normalize {\n\tretry_after " + strconv.Itoa(secs) + "\n}")
			var h Handler
			if err := h.UnmarshalCaddyfile(d); err != nil {
				t.Logf("the Caddyfile refuses it: %v", err)
				return
			}
			if err := h.Validate(); err != nil {
				// Refusing is fine, with a message that names the value.
				if !strings.Contains(err.Error(), strconv.Itoa(secs)) {
					t.Errorf("BUG: Validate refuses retry_after %d with %q, which does not name it", secs, err)
				}
				return
			}
			opts, err := h.options()
			if err != nil {
				t.Fatalf("Validate passed but options failed: %v", err)
			}
			n, err := normalize.New(opts)
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			nw := n.Wrap(rec, httptest.NewRequest("GET", "/", nil))
			nw.WriteHeader(http.StatusServiceUnavailable)
			n.Release(nw)
			if got := rec.Header().Get("Retry-After"); got != strconv.Itoa(secs) {
				t.Errorf("BUG: retry_after %d was accepted, and a 503 gets Retry-After %q", secs, got)
			}
		})
	}
}

// TestRegisterMetricsConflict: a different collector under the same name
// is an error, not something to ignore.
func TestRegisterMetricsConflict(t *testing.T) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(prometheus.NewCounter(prometheus.CounterOpts{
		Name: "caddy_normalize_violations_total",
		Help: "something else",
	}))
	if err := registerMetrics(reg); err == nil {
		t.Error("registerMetrics accepted a conflicting collector")
	}
}

// TestProvisionFails: Provision refuses what Validate refuses.
func TestProvisionFails(t *testing.T) {
	for _, h := range []*Handler{
		{Mode: "loud"},
		{Rules: map[string]string{"nope": "off"}},
		{Allow: []string{"PO ST"}},
	} {
		ctx, cancel := caddy.NewContext(caddy.Context{Context: context.Background()})
		if err := h.Provision(ctx); err == nil {
			t.Errorf("Provision(%+v) succeeded", h)
		}
		cancel()
	}

	// A registry where the metric's name is taken.
	ctx, cancel := caddy.NewContext(caddy.Context{Context: context.Background()})
	defer cancel()
	ctx.GetMetricsRegistry().MustRegister(prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "caddy_normalize_violations_total",
		Help: "something else",
	}))
	if err := (&Handler{}).Provision(ctx); err == nil {
		t.Error("Provision succeeded with the metric's name taken")
	}
}
