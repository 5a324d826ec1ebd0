package caddytest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// What a request may not do through normalize: put a header field into
// the response, get itself echoed into a generated body, reach the admin
// routes through the site, or (through the admin API) configure a header
// value that splits a response.

// securitySite starts Caddy with:
//
//	/n/       normalize (a maintenance handler "sec", off) in front of
//	          fixtures that copy parts of the request into response
//	          fields, the way applications do, and reverse_proxy to up;
//	/refused/ normalize in front of a reverse_proxy to a closed port.
func securitySite(t *testing.T, up *rawUpstream) {
	t.Helper()
	startCaddy(t, proxySite(
		faultRoute{
			name:      "n",
			normalize: []string{"maintenance {", "\tname sec", "}"},
			upstream:  up.Addr(),
			fixtures: []fixture{
				// A redirect to the request's own (decoded) path: the
				// Location normalize repairs when it is not a URI.
				{path: "/echo/*", handler: `header Location "{http.request.uri.path}"` + "\n" +
					`header X-Echo-Query "{http.request.uri.query.x}"` + "\n" +
					`header X-Echo-Header "{http.request.header.X-Custom}"` + "\n" +
					`header X-Echo-Host "{http.request.host}"` + "\n" +
					dateLine + "respond 302"},
			},
		},
		faultRoute{name: "refused", upstream: closedAddr(t), transport: shortTimeouts},
	))
}

// injected reports whether a response head carries a field named
// X-Injected, looking at the raw bytes as well as at the parsed fields.
func injected(head []byte, h http.Header) bool {
	if _, ok := h["X-Injected"]; ok {
		return true
	}
	return bytes.Contains(bytes.ToLower(head), []byte("\nx-injected"))
}

// responseHead is the raw head of the first response in raw (all of raw
// if it has no end).
func responseHead(raw []byte) []byte {
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		return raw[:i+2]
	}
	return raw
}

func TestSecurityNoHeaderInjection(t *testing.T) {
	needCaddy(t)
	up := newRawUpstream(t)
	handleClean(up)
	securitySite(t, up)

	// Raw HTTP/1.1 requests, each sent as written, CR and LF included
	// where a client can put them. Whatever the status (Caddy refuses
	// some with 400), no response may carry X-Injected.
	raw := []struct{ name, request string }{
		{"encoded CRLF in the path", "GET /n/echo/a%0d%0aX-Injected:%201 HTTP/1.1\r\nHost: localhost:9080\r\nConnection: close\r\n\r\n"},
		{"encoded CRLF in the path, uppercase", "GET /n/echo/a%0D%0AX-Injected:1%0D%0A%0D%0A<html> HTTP/1.1\r\nHost: localhost:9080\r\nConnection: close\r\n\r\n"},
		{"encoded LF alone in the path", "GET /n/echo/a%0aX-Injected:1 HTTP/1.1\r\nHost: localhost:9080\r\nConnection: close\r\n\r\n"},
		{"encoded NUL and DEL in the path", "GET /n/echo/a%00b%7fc HTTP/1.1\r\nHost: localhost:9080\r\nConnection: close\r\n\r\n"},
		{"encoded CRLF in the query", "GET /n/echo/q?x=a%0d%0aX-Injected:%201 HTTP/1.1\r\nHost: localhost:9080\r\nConnection: close\r\n\r\n"},
		{"encoded CRLF in a header", "GET /n/echo/h HTTP/1.1\r\nHost: localhost:9080\r\nX-Custom: a%0d%0aX-Injected: 1\r\nConnection: close\r\n\r\n"},
		{"folded header line", "GET /n/echo/h HTTP/1.1\r\nHost: localhost:9080\r\nX-Custom: a\r\n X-Injected: 1\r\nConnection: close\r\n\r\n"},
		{"raw CR in the path", "GET /n/echo/a\rX-Injected:1 HTTP/1.1\r\nHost: localhost:9080\r\nConnection: close\r\n\r\n"},
		{"raw LF in the path", "GET /n/echo/a\nX-Injected: 1 HTTP/1.1\r\nHost: localhost:9080\r\nConnection: close\r\n\r\n"},
		{"raw CR in a header", "GET /n/echo/h HTTP/1.1\r\nHost: localhost:9080\r\nX-Custom: a\rX-Injected: 1\r\nConnection: close\r\n\r\n"},
		{"encoded CRLF in Host", "GET /n/echo/h HTTP/1.1\r\nHost: localhost:9080%0d%0aX-Injected:1\r\nConnection: close\r\n\r\n"},
		{"junk in Host", "GET /n/echo/h HTTP/1.1\r\nHost: a b\"<x>\rX-Injected:1\r\nConnection: close\r\n\r\n"},
		{"encoded CRLF to a failing upstream", "GET /refused/a%0d%0aX-Injected:%201 HTTP/1.1\r\nHost: localhost:9080\r\nAccept: text/html\r\nConnection: close\r\n\r\n"},
	}
	for _, tt := range raw {
		t.Run(tt.name, func(t *testing.T) {
			got, err := rawExchange(tt.request, ioTimeout)
			if len(got) == 0 {
				t.Fatalf("no response at all (%v)", err)
			}
			if err != nil {
				// A server that refuses a request closes the connection
				// with the rest of it unread, which resets it: what came
				// before is the response.
				t.Logf("reading: %v", err)
			}
			head := responseHead(got)
			status, h, _, perr := parseH1Head(got)
			if perr != nil {
				t.Fatalf("unparsable response %q: %v", got, perr)
			}
			if injected(head, h) {
				t.Errorf("X-Injected in the response: %q", head)
			}
			if loc := h.Get("Location"); strings.ContainsAny(loc, "\r\n\x00\x7f") {
				t.Errorf("Location %q carries a control character", loc)
			}
			t.Logf("status %d, Location %q", status, h.Get("Location"))
		})
	}

	// The same through Go's h2c client, which sends what it is given in
	// HPACK, where CR and LF are just bytes of a field.
	h2 := []struct {
		name string
		req  request
	}{
		{"encoded CRLF in the path", request{path: "/n/echo/a%0d%0aX-Injected:%201"}},
		{"encoded CRLF in the query", request{path: "/n/echo/q?x=a%0d%0aX-Injected:%201"}},
		{"encoded CRLF in a header", request{path: "/n/echo/h", header: map[string]string{"X-Custom": "a%0d%0aX-Injected: 1"}}},
	}
	for _, tt := range h2 {
		t.Run("h2c/"+tt.name, func(t *testing.T) {
			got, err := tryFetch(protoH2C, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := got.header["X-Injected"]; ok {
				t.Errorf("X-Injected in the response: %v", got.header)
			}
			for k, vs := range got.header {
				for _, v := range vs {
					if strings.ContainsAny(v, "\r\n\x00") {
						t.Errorf("%s %q carries a control character", k, v)
					}
				}
			}
		})
	}
	checkClean(t, "after the injection attempts", "/n/clean")
}

func TestSecurityGeneratedBodyNoEcho(t *testing.T) {
	needCaddy(t)
	up := newRawUpstream(t)
	handleClean(up)
	securitySite(t, up)
	paths := map[string]string{
		"raw":             "/refused/<script>alert(1)</script>",
		"percent-encoded": "/refused/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
		"in the query":    "/refused/x?q=%3Cscript%3Ealert(1)%3C/script%3E",
	}
	for _, form := range sortedKeys(paths) {
		for _, accept := range []string{"", "text/html", "application/json", "application/problem+json", "text/plain"} {
			for _, proto := range allProtos {
				what := form + " path, Accept " + accept + " over " + proto
				if proto == protoH2C && form == "raw" {
					continue // Go's client escapes the path itself
				}
				req := request{path: paths[form]}
				if accept != "" {
					req.header = map[string]string{"Accept": accept}
				}
				got, err := tryFetch(proto, req)
				if err != nil {
					t.Errorf("%s: %v", what, err)
					continue
				}
				checkGenerated(t, what, got, http.StatusBadGateway, accept)
				// The body holds the status and its reason, nothing of
				// the request (README, "Clean error responses").
				for _, echo := range []string{"<script", "%3cscript", "alert(1)"} {
					if bytes.Contains(bytes.ToLower(got.body), []byte(echo)) {
						t.Errorf("%s: body echoes the request (%q): %q", what, echo, got.body)
					}
				}
				for k, vs := range got.header {
					for _, v := range vs {
						if strings.Contains(strings.ToLower(v), "script") {
							t.Errorf("%s: %s %q echoes the request", what, k, v)
						}
					}
				}
			}
		}
	}
}

func TestSecurityAdminRoutesNotOnSite(t *testing.T) {
	needCaddy(t)
	up := newRawUpstream(t)
	handleClean(up)
	securitySite(t, up)
	t.Cleanup(func() { adminDo(t, http.MethodDelete, "/normalize/maintenance/sec", "") })

	// On the admin endpoint they are there.
	if status, ct, body, err := adminGet("/normalize/report"); err != nil || status != 200 || !strings.HasPrefix(ct, "application/json") || !bytes.Contains(body, []byte(`"rules"`)) {
		t.Fatalf("admin GET /normalize/report: %d %q %q %v; want the report", status, ct, body, err)
	}
	if !maintenanceOn(t, false) {
		t.Fatal(`admin GET /normalize/maintenance: no handler "sec", off`)
	}

	// On the site they are not: neither read nor switched.
	for _, path := range []string{"/normalize/report", "/normalize/maintenance", "/normalize/maintenance/sec", "/n/normalize/report"} {
		for _, proto := range allProtos {
			got, err := tryFetch(proto, request{path: path})
			if err != nil {
				t.Errorf("GET %s on the site over %s: %v", path, proto, err)
				continue
			}
			if bytes.Contains(got.body, []byte(`"rules"`)) || bytes.Contains(got.body, []byte(`"switched_by_api"`)) {
				t.Errorf("GET %s on the site over %s: the admin API answered: %d %q", path, proto, got.status, got.body)
			}
		}
	}
	for _, path := range []string{"/normalize/maintenance", "/normalize/maintenance/sec", "/n/normalize/maintenance/sec"} {
		body := `{"enabled": true, "retry_after": 60}`
		raw, err := rawExchange("POST "+path+" HTTP/1.1\r\nHost: localhost:9080\r\nContent-Type: application/json\r\n"+
			"Content-Length: "+itoa(len(body))+"\r\nConnection: close\r\n\r\n"+body, ioTimeout)
		if err != nil {
			t.Errorf("POST %s on the site: %v", path, err)
		}
		if bytes.Contains(raw, []byte(`"switched_by_api"`)) {
			t.Errorf("POST %s on the site: the admin API answered: %q", path, raw)
		}
	}
	if !maintenanceOn(t, false) {
		t.Error("a POST to the site switched maintenance on")
	}
	got := fetch(t, protoH1, request{path: "/n/clean"})
	if got.status != http.StatusOK || string(got.body) != cleanBody {
		t.Errorf("after the POSTs to the site: GET /n/clean %d %q, want 200 (maintenance off)", got.status, got.body)
	}
}

// maintenanceOn reports whether the admin API lists the handler "sec"
// with its state equal to on.
func maintenanceOn(t *testing.T, on bool) bool {
	t.Helper()
	status, _, body, err := adminGet("/normalize/maintenance")
	if err != nil || status != 200 {
		t.Fatalf("admin GET /normalize/maintenance: %d %v", status, err)
	}
	var states map[string]struct {
		On bool `json:"on"`
	}
	if err := json.Unmarshal(body, &states); err != nil {
		t.Fatalf("admin GET /normalize/maintenance: %v: %q", err, body)
	}
	s, ok := states["sec"]
	return ok && s.On == on
}

// adminDo sends a request to the admin endpoint and returns its status
// and body.
func adminDo(t *testing.T, method, path, body string) (int, string) {
	t.Helper()
	contentType := ""
	if body != "" {
		contentType = "application/json"
	}
	status, b, err := adminRequest(method, path, contentType, body)
	if err != nil {
		t.Errorf("%s %s: %v", method, path, err)
		return 0, ""
	}
	return status, string(b)
}

func TestSecurityControlCharsRefusedAtLoad(t *testing.T) {
	needCaddy(t)
	up := newRawUpstream(t)
	handleClean(up)
	securitySite(t, up)

	// A JSON config, as the admin API takes it, with one bad value in
	// the normalize handler.
	config := func(field string, value any) string {
		handler := map[string]any{"handler": "normalize", field: value}
		cfg := map[string]any{
			"admin": map[string]any{"listen": adminAddr},
			"apps": map[string]any{"http": map[string]any{"servers": map[string]any{"sec": map[string]any{
				"listen":    []string{":9080"},
				"protocols": []string{"h1", "h2c"},
				"routes": []any{map[string]any{"handle": []any{
					handler,
					map[string]any{"handler": "static_response", "status_code": 401, "body": "injected config"},
				}}},
			}}}},
		}
		b, err := json.Marshal(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	tests := []struct {
		field string
		value any
	}{
		{"www_authenticate", "a\r\nX: y"},
		{"www_authenticate", "Basic realm=\"x\"\nSet-Cookie: a=b"},
		{"proxy_authenticate", "Basic realm=\"x\"\r\nX: y"},
		{"proxy_authenticate", "Basic\x00realm=x"},
		{"allow", []string{"GET", "POST\r\nX: y"}},
		{"upgrade", []string{"websocket\r\nX: y"}},
	}
	for _, tt := range tests {
		cfg := config(tt.field, tt.value)
		t.Run(tt.field, func(t *testing.T) {
			status, body := adminDo(t, http.MethodPost, "/load", cfg)
			if status == http.StatusOK {
				t.Fatalf("POST /load accepted %s = %q, want it refused", tt.field, tt.value)
			}
			if !strings.Contains(body, tt.field) {
				t.Errorf("POST /load: %d %q does not name %s", status, body, tt.field)
			}
		})
	}
	// The running config is still the one loaded before.
	got := fetch(t, protoH1, request{path: "/n/clean"})
	if got.status != http.StatusOK || string(got.body) != cleanBody {
		t.Errorf("after the refused loads: GET /n/clean %d %q, want the running config's 200", got.status, got.body)
	}
}
