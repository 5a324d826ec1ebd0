package caddytest

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The operator's pages: error_page templates for clients that take HTML,
// and error_format fixing the format for every client.

const (
	// page5xx brands every 5xx; it shows every field a page gets.
	page5xx = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Example Shop: {{.Status}} {{.Reason}}</title></head>
<body><h1 class="brand">Example Shop</h1>
<p id="status">{{.Status}} {{.Reason}}</p>
<p>Quote <code id="request-id">{{.RequestID}}</code> to support.</p>
{{with .RetryAfter}}<p>Back in <span id="retry-after">{{.}}</span> seconds.</p>{{end}}
{{with .Message}}<p id="message">{{.}}</p>{{end}}
</body></html>
`
	// page504 overrides page5xx for 504 alone.
	page504 = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Example Shop is slow: {{.Status}} {{.Reason}}</title></head>
<body><h1 class="brand-slow">Example Shop is slow</h1>
<p id="status">{{.Status}} {{.Reason}}</p>
<p>Quote <code id="request-id">{{.RequestID}}</code> to support.</p>
</body></html>
`
)

var (
	pageRequestID  = regexp.MustCompile(`<code id="request-id">([^<]*)</code>`)
	pageRetryAfter = regexp.MustCompile(`<span id="retry-after">([^<]*)</span>`)
)

// TestErrorPage: error_page templates render .Status, .Reason,
// .RequestID (the id the failure is logged with) and .RetryAfter for
// browsers, a code's page overrides its class's, a replaced body gets the
// page too, other clients still get their negotiated format, and request
// data never gets into a page unescaped.
func TestErrorPage(t *testing.T) {
	needCaddy(t)
	dir := t.TempDir()
	p5xx, p504 := filepath.Join(dir, "5xx.html"), filepath.Join(dir, "504.html")
	for file, src := range map[string]string{p5xx: page5xx, p504: page504} {
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	up := newRawUpstream(t)
	up.Handle("/silent", silent)
	up.HandleBytes("/traceback", upstream("HTTP/1.1 500 Internal Server Error", traceback,
		"Content-Type: text/html; charset=utf-8", "Content-Length: "+itoa(len(traceback))))
	refused, down := refusedAddr(t), refusedAddr(t)
	pages := []string{"error_page 5xx " + p5xx, "error_page 504 " + p504}
	with := func(more ...string) []string { return append(append([]string{}, pages...), more...) }
	routes := []proxyRoute{
		{name: "tpl", normalize: with(), proxy: "reverse_proxy " + refused},
		{name: "tplslow", normalize: with(), proxy: "reverse_proxy " + up.Addr() + " {\ntransport http {\nresponse_header_timeout 300ms\n}\n}"},
		{name: "tplnone", normalize: with("retry_after 30"), proxy: "reverse_proxy " + down + " {\nfail_duration 1m\nmax_fails 1\n}"},
		{name: "tplrepl", normalize: with("replace_errors 5xx"), proxy: "reverse_proxy " + up.Addr()},
		{name: "plain", proxy: "reverse_proxy " + refused},
	}
	log := newCaddyLog(t, "caddy.log")
	startCaddy(t, errorSite(log.path, "", routes))
	// One failure marks tplnone's only upstream down.
	if got := fetch(t, protoH1, request{path: "/tplnone/x?t=prime"}); got.status != http.StatusBadGateway {
		t.Fatalf("the request that marks the upstream down: status %d, want 502", got.status)
	}

	tests := []struct {
		route, path string
		status      int
		page        string // the marker of the page browsers get; "" for none
		logged      bool   // a failure logged with the request id
		retryAfter  string
		forbid      []string
		like        string // the replaced body's type, for curl's family
	}{
		{"tpl", "/x", 502, `<h1 class="brand">`, true, "", forbiddenFor(refused), ""},
		{"tplslow", "/silent", 504, `<h1 class="brand-slow">`, true, "", forbiddenFor(up.Addr()), ""},
		{"tplnone", "/x", 503, `<h1 class="brand">`, true, "30", forbiddenFor(down), ""},
		{"tplrepl", "/traceback", 500, `<h1 class="brand">`, false, "", forbiddenFor(up.Addr(), tracebackInternals...), "text/html"},
	}
	for _, tt := range tests {
		for _, client := range errClients {
			for _, proto := range allProtos {
				token := tt.route + "-" + client.name + "-" + proto
				what := fmt.Sprintf("GET /%s%s as %s over %s", tt.route, tt.path, client.name, proto)
				t.Run(token, func(t *testing.T) {
					got := errFetch(t, proto, "/"+tt.route+tt.path, token, client)
					mediaType := client.mediaTypeFor(tt.like)
					checkErrorBody(t, what, got, tt.status, mediaType, true, append(tt.forbid, token))
					body := string(got.body)
					if mediaType != "text/html" {
						if strings.Contains(body, "Example Shop") {
							t.Errorf("%s: a %s client got the HTML page: %q", what, client.mediaType, body)
						}
						return
					}
					if !strings.Contains(body, tt.page) {
						t.Errorf("%s: body %q, want the page with %s", what, body, tt.page)
					}
					if want := fmt.Sprintf(`<p id="status">%d %s</p>`, tt.status, http.StatusText(tt.status)); !strings.Contains(body, want) {
						t.Errorf("%s: the page does not render .Status .Reason as %q: %q", what, want, body)
					}
					m := pageRequestID.FindStringSubmatch(body)
					if m == nil || !uuidPattern.MatchString(m[1]) {
						t.Errorf("%s: the page does not render .RequestID as a UUID: %q", what, body)
					} else if tt.logged {
						if id := checkFailureLogged(t, what, log, token, tt.status, ""); id != m[1] {
							t.Errorf("%s: the page shows request id %q, the log %q", what, m[1], id)
						}
					}
					ra := pageRetryAfter.FindStringSubmatch(body)
					switch {
					case tt.retryAfter == "" && ra != nil:
						t.Errorf("%s: the page renders a Retry-After %q where the response has none", what, ra[1])
					case tt.retryAfter != "" && (ra == nil || ra[1] != tt.retryAfter):
						t.Errorf("%s: the page renders Retry-After %v, want %q", what, ra, tt.retryAfter)
					}
				})
			}
		}
	}

	// Request data in the path and query, raw or percent-encoded, must
	// never come back as markup, on a page or in a generated body.
	const script = "<script>alert(1)</script>"
	encoded := "%3Cscript%3Ealert(1)%3C%2Fscript%3E"
	for _, route := range []string{"tpl", "plain"} {
		for _, path := range []struct{ name, path string }{
			{"raw", "/" + script + "?q=" + script},
			{"encoded", "/" + encoded + "?q=" + encoded + "&r=%22%3E%3Cimg%20src%3Dx%3E"},
		} {
			for _, client := range errClients {
				for _, proto := range allProtos {
					if path.name == "raw" && proto == protoH2C {
						continue // Go's client encodes the path itself
					}
					name := fmt.Sprintf("xss-%s-%s-%s-%s", route, path.name, client.name, proto)
					t.Run(name, func(t *testing.T) {
						got := fetch(t, proto, request{path: "/" + route + path.path, header: map[string]string{"Accept": client.accept}})
						what := fmt.Sprintf("GET /%s%s as %s over %s", route, path.path, client.name, proto)
						checkErrorBody(t, what, got, 502, client.mediaType, true,
							forbiddenFor(refused, script, "<script", "<img", "alert(1)</"))
					})
				}
			}
		}
	}
}

// TestErrorFormatFixed: error_format gives every client the one format,
// whatever it accepts, with no Vary: Accept since nothing varies;
// error_format html with an error_page gives every client the page.
func TestErrorFormatFixed(t *testing.T) {
	needCaddy(t)
	page := filepath.Join(t.TempDir(), "5xx.html")
	if err := os.WriteFile(page, []byte(page5xx), 0o644); err != nil {
		t.Fatal(err)
	}
	refused := refusedAddr(t)
	formats := []struct {
		name, mediaType string
		extra           []string
	}{
		{"problem", "application/problem+json", nil},
		{"json", "application/json", nil},
		{"html", "text/html", []string{"error_page 5xx " + page}},
		{"text", "text/plain", nil},
	}
	var routes []proxyRoute
	for _, f := range formats {
		routes = append(routes, proxyRoute{name: f.name, normalize: append([]string{"error_format " + f.name}, f.extra...), proxy: "reverse_proxy " + refused})
	}
	log := newCaddyLog(t, "caddy.log")
	startCaddy(t, errorSite(log.path, "", routes))
	for _, f := range formats {
		for _, client := range errClients {
			for _, proto := range allProtos {
				token := f.name + "-" + client.name + "-" + proto
				t.Run(token, func(t *testing.T) {
					what := fmt.Sprintf("GET /%s/x with error_format %s as %s over %s", f.name, f.name, client.name, proto)
					got := errFetch(t, proto, "/"+f.name+"/x", token, client)
					checkErrorBody(t, what, got, 502, f.mediaType, false, append(forbiddenFor(refused), token))
					if hasToken(got.header, "Vary", "Accept") {
						t.Errorf("%s: Vary %q lists Accept, but the format does not depend on it", what, got.header.Values("Vary"))
					}
					if f.name == "html" && !strings.Contains(string(got.body), `<h1 class="brand">`) {
						t.Errorf("%s: body %q, want the error_page", what, got.body)
					}
				})
			}
		}
	}
}
