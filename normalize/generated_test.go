package normalize

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestParseErrorStatusPattern(t *testing.T) {
	for _, tt := range []struct {
		p      string
		lo, hi int
		ok     bool
	}{
		{"4xx", 400, 499, true}, {"5xx", 500, 599, true}, {"404", 404, 404, true}, {"400", 400, 400, true}, {"599", 599, 599, true},
		{"2xx", 0, 0, false}, {"1xx", 0, 0, false}, {"3xx", 0, 0, false}, {"101", 0, 0, false}, {"200", 0, 0, false},
		{"399", 0, 0, false}, {"600", 0, 0, false}, {"6xx", 0, 0, false}, {"errors", 0, 0, false}, {"", 0, 0, false},
	} {
		lo, hi, err := ParseErrorStatusPattern(tt.p)
		if (err == nil) != tt.ok || lo != tt.lo || hi != tt.hi {
			t.Errorf("ParseErrorStatusPattern(%q) = %d, %d, %v; want %d, %d, ok %v", tt.p, lo, hi, err, tt.lo, tt.hi, tt.ok)
		}
		if err != nil && !strings.Contains(err.Error(), `"`+tt.p+`"`) {
			t.Errorf("ParseErrorStatusPattern(%q): error %q does not name it", tt.p, err)
		}
	}
	if _, err := New(Options{ReplaceErrors: []string{"5xx", "2xx"}}); err == nil || !strings.Contains(err.Error(), "2xx") {
		t.Errorf("New with replace_errors 2xx: %v, want it refused naming 2xx", err)
	}
}

// replacing is a handler that answers like reverse_proxy: it announces a
// trailer, writes a 500 with a body, then sets trailers, declared and
// through http.TrailerPrefix, and a late field.
func replacing(writeErr *error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Trailer", "X-Debug")
		h.Set("Retry-After", "5")
		w.WriteHeader(http.StatusInternalServerError)
		_, *writeErr = w.Write([]byte(`{"secret":"db=10.20.30.40"}`))
		w.Header().Set("X-Debug", "db=10.20.30.40")
		w.Header().Set(http.TrailerPrefix+"X-Late", "db=10.20.30.40")
		w.Header().Set("X-After", "late")
	}
}

func TestGeneratedKeepsNothingAfter(t *testing.T) {
	var gen []GeneratedEvent
	n, err := New(Options{ReplaceErrors: []string{"5xx"}, AbortDroppedBody: true, OnGenerated: func(e GeneratedEvent) { gen = append(gen, e) }})
	if err != nil {
		t.Fatal(err)
	}
	var writeErr error
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Accept", "*/*")
	nw := n.Wrap(rec, req)
	replacing(&writeErr)(nw, req)
	if !nw.Generated() {
		t.Error("Generated() is false after a replacement")
	}
	n.Release(nw)
	res := rec.Result()
	if res.StatusCode != 500 || res.Header.Get("Retry-After") != "5" {
		t.Errorf("status %d, Retry-After %q; want the upstream's 500 and 5", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q: a */* client keeps the JSON family", ct)
	}
	for _, k := range []string{"Trailer", "X-Debug", "X-After"} {
		if v := res.Header.Values(k); len(v) > 0 {
			t.Errorf("%s %q reached the client", k, v)
		}
	}
	if len(res.Trailer) > 0 || strings.Contains(rec.Body.String(), "10.20") {
		t.Errorf("trailers %v, body %q", res.Trailer, rec.Body)
	}
	if !errors.Is(writeErr, ErrBodyDropped) {
		t.Errorf("the handler's Write: %v, want ErrBodyDropped", writeErr)
	}
	if len(gen) != 1 || gen[0].Rule != RuleReplaceErrors || gen[0].Action != Enforce || gen[0].Status != 500 {
		t.Errorf("events %+v, want one replace-errors enforced on 500", gen)
	}
}

func TestReportModeReplacesNothing(t *testing.T) {
	for _, opts := range []Options{
		{Default: Report},
		{GeneratedActions: map[GeneratedRule]Action{RuleReplaceErrors: Report}},
		{GeneratedActions: map[GeneratedRule]Action{RuleReplaceErrors: Off}},
	} {
		var gen []GeneratedEvent
		opts.ReplaceErrors = []string{"5xx"}
		opts.AbortDroppedBody = true
		opts.OnGenerated = func(e GeneratedEvent) { gen = append(gen, e) }
		n, err := New(opts)
		if err != nil {
			t.Fatal(err)
		}
		var writeErr error
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/", nil)
		nw := n.Wrap(rec, req)
		replacing(&writeErr)(nw, req)
		n.Release(nw)
		if rec.Code != 500 || rec.Body.String() != `{"secret":"db=10.20.30.40"}` || writeErr != nil {
			t.Errorf("%+v: %d %q (write %v), want the handler's response untouched", opts.GeneratedActions, rec.Code, rec.Body, writeErr)
		}
		want := 1
		if opts.GeneratedActions[RuleReplaceErrors] == Off {
			want = 0
		}
		if len(gen) != want || (want == 1 && gen[0].Action != Report) {
			t.Errorf("%+v: events %+v, want %d reported", opts.GeneratedActions, gen, want)
		}
	}
}

func TestParseGeneratedRule(t *testing.T) {
	if r, ok := ParseGeneratedRule("replace-errors"); !ok || r != RuleReplaceErrors || r.ID() != "replace-errors" {
		t.Errorf("ParseGeneratedRule(replace-errors) = %v, %v", r, ok)
	}
	if _, ok := ParseGeneratedRule("status-invalid"); ok {
		t.Error("status-invalid is not a generated rule")
	}
}
