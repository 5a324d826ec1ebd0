package normalize

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// earlyThenOK writes a 103 with a Link, then a 200.
func earlyThenOK(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Link", "</s.css>; rel=preload")
	w.WriteHeader(http.StatusEarlyHints)
	w.Header().Set("Date", fixedDate)
	w.Header().Set("Content-Type", "text/plain")
	w.Write([]byte("ok"))
}

// TestInterimHTTP10: RFC 9110 §15.2: a server MUST NOT send a 1xx to an
// HTTP/1.0 client. Enforced, the 103 is dropped and the 200 follows; to
// an HTTP/1.1 client the 103 passes, reported nothing.
func TestInterimHTTP10(t *testing.T) {
	for _, c := range []struct {
		name        string
		opts        Options
		proto       string
		wantInterim bool
		events      []ev
	}{
		{"HTTP/1.0 enforce", full, "HTTP/1.0", false, []ev{{RuleInterimHTTP10, Enforce, 103}}},
		{"HTTP/1.0 report", with(full, RuleInterimHTTP10, Report), "HTTP/1.0", true, []ev{{RuleInterimHTTP10, Report, 103}}},
		{"HTTP/1.0 off", with(full, RuleInterimHTTP10, Off), "HTTP/1.0", true, nil},
		{"HTTP/1.1 enforce", full, "HTTP/1.1", true, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, c.opts, http.HandlerFunc(earlyThenOK))
			b := rawExchange(t, f.h1.Listener.Addr().String(), []byte("GET /x "+c.proto+"\r\nHost: example.test\r\nConnection: close\r\n\r\n"))
			raw := parseRaw(t, "GET", b)
			got := len(raw.interim) == 1 && raw.interim[0] == 103
			if got != c.wantInterim || len(raw.interim) > 1 {
				t.Errorf("interim responses %v, want the 103: %v\n%q", raw.interim, c.wantInterim, b)
			}
			if raw.status != 200 || string(raw.decoded) != "ok" {
				t.Errorf("final %d %q, want 200 ok", raw.status, raw.decoded)
			}
			if evs := f.events(); !equalEvents(evs, c.events) {
				t.Errorf("events %v, want %v", evs, c.events)
			}
		})
	}
}

// TestNotModifiedMetadata: RFC 9110 §15.4.5: a 304 SHOULD NOT carry
// representation metadata. net/http's HTTP/1 server drops Content-Type on
// a 304 by itself; its HTTP/2 server sends it: enforced, it goes over
// both, with Content-Encoding and Content-Language.
func TestNotModifiedMetadata(t *testing.T) {
	h := reply(304, "", "ETag", `"v1"`, "Content-Type", "text/html", "Content-Encoding", "gzip", "Content-Language", "en")
	meta := []string{"Content-Type", "Content-Encoding", "Content-Language"}

	f := newFixture(t, full, h)
	raw := rawDo(t, f.h1.Listener.Addr().String(), "GET", "/x")
	r2 := do(t, f.h2, "GET", "/x")
	for name, got := range map[string]http.Header{"HTTP/1.1": raw.header, "HTTP/2": r2.header} {
		for _, k := range meta {
			if v, ok := got[k]; ok {
				t.Errorf("%s: %s %q on a 304, want none", name, k, v)
			}
		}
		if got.Get("Etag") != `"v1"` {
			t.Errorf("%s: ETag %q, want the handler's", name, got.Get("Etag"))
		}
	}
	if evs, want := f.events(), []ev{{RuleNotModifiedMetadata, Enforce, 304}, {RuleNotModifiedMetadata, Enforce, 304}}; !equalEvents(evs, want) {
		t.Errorf("events %v, want %v", evs, want)
	}

	// Reported: the HTTP/2 client sees what the handler set, as without
	// the wrapper.
	f = newFixture(t, with(full, RuleNotModifiedMetadata, Report), h)
	if r := do(t, f.h2, "GET", "/x"); r.header.Get("Content-Type") != "text/html" {
		t.Errorf("reported: HTTP/2 Content-Type %q, want the handler's text/html", r.header.Get("Content-Type"))
	}
	if evs, want := f.events(), []ev{{RuleNotModifiedMetadata, Report, 304}}; !equalEvents(evs, want) {
		t.Errorf("events %v, want %v", evs, want)
	}

	// A 304 with only what §15.4.5 lists passes.
	f = newFixture(t, full, reply(304, "", "ETag", `"v1"`, "Cache-Control", "max-age=60", "Vary", "Accept"))
	do(t, f.h2, "GET", "/x")
	if evs := f.events(); len(evs) != 0 {
		t.Errorf("a 304 with validators only: events %v", evs)
	}
}

// TestCORSPreflightHasNoAllow: a CORS preflight (OPTIONS with Origin and
// Access-Control-Request-Method) is answered with Access-Control-Allow-*
// fields: options-allow-missing leaves it alone. An OPTIONS with Origin
// alone is not a preflight.
func TestCORSPreflightHasNoAllow(t *testing.T) {
	h := reply(204, "", "Access-Control-Allow-Origin", "*", "Access-Control-Allow-Methods", "PUT")
	f := newFixture(t, full, h)
	for _, p := range []struct {
		name string
		do   func(hdr ...string) http.Header
	}{
		{"h1", func(hdr ...string) http.Header {
			return rawDo(t, f.h1.Listener.Addr().String(), "OPTIONS", "/x", hdr...).header
		}},
		{"h2", func(hdr ...string) http.Header { return do(t, f.h2, "OPTIONS", "/x", hdr...).header }},
	} {
		got := p.do("Origin", "https://app.example", "Access-Control-Request-Method", "PUT")
		if v, ok := got["Allow"]; ok {
			t.Errorf("%s: preflight got Allow %q", p.name, v)
		}
		if evs := f.events(); len(evs) != 0 {
			t.Errorf("%s: preflight events %v, want none", p.name, evs)
		}
		got = p.do("Origin", "https://app.example")
		if got.Get("Allow") != "GET, HEAD" {
			t.Errorf("%s: OPTIONS with Origin only: Allow %q, want GET, HEAD", p.name, got.Get("Allow"))
		}
		if evs, want := f.events(), []ev{{RuleOptionsAllowMissing, Enforce, 204}}; !equalEvents(evs, want) {
			t.Errorf("%s: events %v, want %v", p.name, evs, want)
		}
	}
}

// TestUpgradeMissingPerProtocol: the request's protocol decides. Over
// HTTP/1.0 and HTTP/1.1 Upgrade is added with Connection: upgrade; over
// HTTP/2 and HTTP/3 it is a connection-specific field (RFC 9113 §8.2.2,
// RFC 9114 §4.2): nothing is added and the 426 is reported.
func TestUpgradeMissingPerProtocol(t *testing.T) {
	for _, c := range []struct {
		major, minor int
		repaired     bool
	}{{1, 0, true}, {1, 1, true}, {2, 0, false}, {3, 0, false}} {
		var evs []Event
		opts := full
		opts.OnViolation = func(e Event) { evs = append(evs, e) }
		n, err := New(opts)
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest("GET", "/", nil)
		req.ProtoMajor, req.ProtoMinor = c.major, c.minor
		rec := httptest.NewRecorder()
		nw := n.Wrap(rec, req)
		nw.WriteHeader(http.StatusUpgradeRequired)
		n.Release(nw)
		h := rec.Result().Header
		want := Report
		if c.repaired {
			want = Enforce
			if h.Get("Upgrade") != "websocket" || h.Get("Connection") != "upgrade" {
				t.Errorf("HTTP/%d.%d: Upgrade %q, Connection %q; want websocket, upgrade", c.major, c.minor, h.Get("Upgrade"), h.Get("Connection"))
			}
		} else if _, ok := h["Upgrade"]; ok || h.Get("Connection") != "" {
			t.Errorf("HTTP/%d: Upgrade %q, Connection %q; want neither", c.major, h["Upgrade"], h.Get("Connection"))
		}
		if len(evs) != 1 || evs[0].Rule != RuleUpgradeMissing || evs[0].Action != want {
			t.Errorf("HTTP/%d.%d: events %v, want one upgrade-missing %v", c.major, c.minor, evs, want)
		}
	}
}

// TestRuleLevels: the levels the specification states, rule by rule,
// where they were wrong before.
func TestRuleLevels(t *testing.T) {
	for r, want := range map[Rule]string{
		RuleAllowMissing:           "MUST",   // §15.5.6
		RuleOptionsAllowMissing:    "SHOULD", // §9.3.7
		RuleContentRangeMissing:    "MUST",   // §15.3.7.1
		RuleContentRange416Missing: "SHOULD", // §15.5.17
		RuleLocationMissing:        "SHOULD", // §15.4, §9.3.3
		RuleRetryAfterMissing:      "MAY",    // §15.6.4, RFC 6585 §4
		RuleRetryAfter413Missing:   "SHOULD", // §15.5.14
		RuleLink451Missing:         "SHOULD", // RFC 7725 §4
		RuleNotModifiedMetadata:    "SHOULD", // §15.4.5 SHOULD NOT
		RuleInterimHTTP10:          "MUST",   // §15.2 MUST NOT
	} {
		if got := r.Level().String(); got != want {
			t.Errorf("%s: level %s, want %s", r, got, want)
		}
	}
}

// TestProtocolOf maps requests to protocols.
func TestProtocolOf(t *testing.T) {
	for _, c := range []struct {
		proto        string
		major, minor int
		want         Protocol
	}{
		{"HTTP/1.0", 1, 0, HTTP10}, {"HTTP/1.1", 1, 1, HTTP11}, {"HTTP/2.0", 2, 0, HTTP2}, {"HTTP/3.0", 3, 0, HTTP3}, {"", 0, 0, HTTP11},
	} {
		r := &http.Request{Proto: c.proto, ProtoMajor: c.major, ProtoMinor: c.minor}
		if got := ProtocolOf(r); got != c.want {
			t.Errorf("%s: %v, want %v", c.proto, got, c.want)
		}
	}
	if s := (HTTP2 | HTTP3).String(); s != "HTTP/2, HTTP/3" {
		t.Errorf("String() = %q", s)
	}
	if !strings.Contains(AllProtocols.String(), "all") {
		t.Errorf("AllProtocols.String() = %q", AllProtocols.String())
	}
}

// TestCleanResponseConsultsFewRules: the index hands a clean 200 to the
// few rules that could apply to it (those of its status, method and
// protocol whose trigger fields it carries), not to every rule.
func TestCleanResponseConsultsFewRules(t *testing.T) {
	h := http.Header{"Content-Type": {"text/plain"}, "Content-Length": {"5"}, "Date": {fixedDate}}
	r := response{Method: "GET", Status: 200, Header: h, Proto: HTTP2}
	var got []string
	cand := candidates(&r)
	for i := 0; ; i++ {
		rl, ok := cand.next(i)
		if !ok {
			break
		}
		i = int(rl)
		got = append(got, rl.ID())
	}
	// content-forbidden: a 2xx, for CONNECT; content-type-missing: a rule
	// about an absent field, one map lookup; content-type-invalid,
	// date-invalid and http-date-obsolete: Content-Type and Date are
	// there; field-repeated: Content-Type is there.
	if want := "content-forbidden content-type-invalid content-type-missing date-invalid field-repeated http-date-obsolete"; strings.Join(got, " ") != want {
		t.Errorf("a clean GET 200 consults %q, want %q", got, want)
	}
	if len(got) >= NumRules()/4 {
		t.Errorf("%d of %d rules consulted", len(got), NumRules())
	}
}
