package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

const date = "Date: Mon, 02 Jan 2006 15:04:05 GMT"

// want is one expected finding: rule, level, section, status.
type want struct {
	rule, level, ref string
	status           int
}

// TestAuditFinds runs the audit against a raw server that breaks one
// requirement per case, and checks each is found with the handler's rule
// ID, level and section, and nothing else.
func TestAuditFinds(t *testing.T) {
	tests := []struct {
		name, method, raw string
		want              []want
	}{
		{"content on HEAD", "HEAD",
			"HTTP/1.1 200 OK\r\n" + date + "\r\nContent-Length: 5\r\n\r\nhello",
			[]want{{"head-content", "MUST", "RFC 9110 §9.3.2", 200}}},
		{"content on 204", "GET",
			"HTTP/1.1 204 No Content\r\n" + date + "\r\n\r\nhello",
			[]want{{"content-forbidden", "MUST", "RFC 9110 §8.6", 204}}},
		{"Content-Length on 204", "GET",
			"HTTP/1.1 204 No Content\r\n" + date + "\r\nContent-Length: 5\r\n\r\n",
			[]want{{"content-forbidden", "MUST", "RFC 9110 §8.6", 204}}},
		{"content on 304", "GET",
			"HTTP/1.1 304 Not Modified\r\n" + date + "\r\nETag: \"v1\"\r\n\r\nhello",
			[]want{{"content-forbidden", "MUST", "RFC 9110 §8.6", 304}}},
		{"a second Content-Length", "GET",
			"HTTP/1.1 200 OK\r\n" + date + "\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
			[]want{{"content-length-invalid", "MUST", "RFC 9110 §8.6", 200}}},
		{"two different Content-Lengths", "GET",
			"HTTP/1.1 200 OK\r\n" + date + "\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
			[]want{{"content-length-invalid", "MUST", "RFC 9110 §8.6", 200}}},
		{"Content-Length with chunked", "GET",
			"HTTP/1.1 200 OK\r\n" + date + "\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
			[]want{{"content-length-with-transfer-encoding", "MUST", "RFC 9112 §6.2", 200}}},
		{"405 without Allow", "DELETE",
			"HTTP/1.1 405 Method Not Allowed\r\n" + date + "\r\nContent-Length: 0\r\n\r\n",
			[]want{{"allow-missing", "MUST", "RFC 9110 §15.5.6", 405}}},
		{"OPTIONS without Allow", "OPTIONS",
			"HTTP/1.1 200 OK\r\n" + date + "\r\nContent-Length: 0\r\n\r\n",
			[]want{{"options-allow-missing", "SHOULD", "RFC 9110 §9.3.7", 200}}},
		{"401 without a challenge", "GET",
			"HTTP/1.1 401 Unauthorized\r\n" + date + "\r\nContent-Length: 0\r\n\r\n",
			[]want{{"www-authenticate-missing", "MUST", "RFC 9110 §15.5.2", 401}}},
		{"407 without a challenge", "GET",
			"HTTP/1.1 407 Proxy Authentication Required\r\n" + date + "\r\nContent-Length: 0\r\n\r\n",
			[]want{{"proxy-authenticate-missing", "MUST", "RFC 9110 §15.5.8", 407}}},
		{"205 with content", "GET",
			"HTTP/1.1 205 Reset Content\r\n" + date + "\r\nContent-Length: 5\r\n\r\nhello",
			[]want{{"reset-content", "MUST", "RFC 9110 §15.3.6", 205}}},
		{"205 with chunked content", "GET",
			"HTTP/1.1 205 Reset Content\r\n" + date + "\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
			[]want{{"reset-content", "MUST", "RFC 9110 §15.3.6", 205}}},
		// Recipients accept the obsolete forms; senders MUST generate
		// IMF-fixdate (RFC 9110 §5.6.7).
		{"Date in the obsolete RFC 850 form", "GET",
			"HTTP/1.1 200 OK\r\nDate: Monday, 02-Jan-06 15:04:05 GMT\r\nContent-Length: 0\r\n\r\n",
			[]want{{"http-date-obsolete", "MUST", "RFC 9110 §5.6.7", 200}}},
		{"status 600", "GET",
			"HTTP/1.1 600 Weird\r\n" + date + "\r\nContent-Length: 0\r\n\r\n",
			[]want{{"status-invalid", "MUST", "RFC 9110 §15", 600}}},
		{"426 without Upgrade", "GET",
			"HTTP/1.1 426 Upgrade Required\r\n" + date + "\r\nContent-Length: 0\r\n\r\n",
			[]want{{"upgrade-missing", "MUST", "RFC 9110 §15.5.22", 426}}},
		{"503 without Retry-After", "GET",
			"HTTP/1.1 503 Service Unavailable\r\n" + date + "\r\nContent-Length: 0\r\n\r\n",
			[]want{{"retry-after-missing", "MAY", "RFC 9110 §10.2.3", 503}}},
		{"Retry-After not a delay", "GET",
			"HTTP/1.1 429 Too Many Requests\r\n" + date + "\r\nRetry-After: soon\r\nContent-Length: 0\r\n\r\n",
			[]want{{"retry-after-invalid", "MUST", "RFC 9110 §10.2.3", 429}}},
		{"redirect without Location", "GET",
			"HTTP/1.1 302 Found\r\n" + date + "\r\nContent-Length: 0\r\n\r\n",
			[]want{{"location-missing", "SHOULD", "RFC 9110 §15.4", 302}}},
		{"Location not a URI reference", "GET",
			"HTTP/1.1 301 Moved Permanently\r\n" + date + "\r\nLocation: http://a b/\r\nContent-Length: 0\r\n\r\n",
			[]want{{"location-invalid", "MUST", "RFC 9110 §10.2.2", 301}}},
		{"206 without Content-Range", "GET",
			"HTTP/1.1 206 Partial Content\r\n" + date + "\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi",
			[]want{{"content-range-missing", "MUST", "RFC 9110 §15.3.7", 206}}},
		{"Date not an HTTP-date", "GET",
			"HTTP/1.1 200 OK\r\nDate: yesterday\r\nContent-Length: 0\r\n\r\n",
			[]want{{"date-invalid", "MUST", "RFC 9110 §6.6.1", 200}}},
		{"content without a type", "GET",
			"HTTP/1.1 200 OK\r\n" + date + "\r\nContent-Length: 2\r\n\r\nhi",
			[]want{{"content-type-missing", "SHOULD", "RFC 9110 §8.3", 200}}},
		{"an interim response judged too", "GET",
			"HTTP/1.1 103 Early Hints\r\nLocation: http://a b/\r\n\r\nHTTP/1.1 200 OK\r\n" + date + "\r\nContent-Length: 0\r\n\r\n",
			[]want{{"location-invalid", "MUST", "RFC 9110 §10.2.2", 103}}},
	}
	srv := newRawServer(t)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := "/case" + string(rune('a'+i))
			srv.answer(tt.method+" "+path, tt.raw)
			// The default methods are sent too; only tt.method's answer
			// is under test (the others get a clean 404).
			srv.answer(path, "HTTP/1.1 404 Not Found\r\n"+date+"\r\nContent-Length: 0\r\n\r\n")
			opts := Options{Client: &Client{Timeout: 5 * time.Second}}
			if tt.method != "GET" && tt.method != "HEAD" && tt.method != "OPTIONS" {
				opts.Methods = []string{tt.method}
			}
			rep, err := Run(context.Background(), []string{srv.URL(path)}, opts)
			if err != nil {
				t.Fatal(err)
			}
			var got []want
			for _, f := range rep.Findings {
				if f.Method != tt.method || f.URL != srv.URL(path) || f.Detail == "" {
					t.Errorf("finding %+v: want method %s, the URL and a detail", f, tt.method)
				}
				got = append(got, want{f.Rule, f.Level, f.Ref, f.Status})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("findings %v, want %v", got, tt.want)
				for _, f := range rep.Findings {
					t.Logf("  %+v", f)
				}
			}
			if must := tt.want[0].level == "MUST"; rep.BrokenMust() != must {
				t.Errorf("BrokenMust() = %v, want %v", rep.BrokenMust(), must)
			}
		})
	}
}

// TestAuditCorrect runs the audit against correct responses in unusual but
// valid forms: none may give a finding.
func TestAuditCorrect(t *testing.T) {
	tests := []struct{ name, method, raw string }{
		{"weak ETag", "GET", "HTTP/1.1 200 OK\r\n" + date + "\r\nETag: W/\"v1\"\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi"},
		{"304 with the 200's Content-Length", "GET", "HTTP/1.1 304 Not Modified\r\n" + date + "\r\nETag: W/\"v1\"\r\nContent-Length: 1234\r\n\r\n"},
		{"HEAD with the GET's Content-Length", "HEAD", "HTTP/1.1 200 OK\r\n" + date + "\r\nContent-Length: 5000\r\n\r\n"},
		{"HEAD with chunked and no content", "HEAD", "HTTP/1.1 200 OK\r\n" + date + "\r\nTransfer-Encoding: chunked\r\n\r\n"},
		{"chunked with extensions and trailers", "GET", "HTTP/1.1 200 OK\r\n" + date + "\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n2;ext=1\r\nhi\r\n0\r\nX-Sum: 2\r\n\r\n"},
		{"close-delimited content", "GET", "HTTP/1.1 200 OK\r\n" + date + "\r\nContent-Type: text/plain\r\n\r\nuntil the close"},
		{"no Date", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"},
		{"204 with nothing", "GET", "HTTP/1.1 204 No Content\r\n" + date + "\r\n\r\n"},
		{"205 with Content-Length: 0", "GET", "HTTP/1.1 205 Reset Content\r\n" + date + "\r\nContent-Length: 0\r\n\r\n"},
		{"205 chunked, empty (RFC 9110 §15.3.6)", "GET", "HTTP/1.1 205 Reset Content\r\n" + date + "\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
		{"405 with an empty Allow", "DELETE", "HTTP/1.1 405 Method Not Allowed\r\n" + date + "\r\nAllow:\r\nContent-Length: 0\r\n\r\n"},
		{"Allow on two lines", "OPTIONS", "HTTP/1.1 204 No Content\r\n" + date + "\r\nAllow: GET\r\nallow: HEAD, OPTIONS\r\n\r\n"},
		{"two challenges on two lines", "GET", "HTTP/1.1 401 Unauthorized\r\n" + date + "\r\nWWW-Authenticate: Basic realm=\"a\"\r\nWWW-Authenticate: Bearer\r\nContent-Length: 0\r\n\r\n"},
		{"Retry-After as an HTTP-date", "GET", "HTTP/1.1 503 Service Unavailable\r\n" + date + "\r\nRetry-After: Fri, 31 Dec 1999 23:59:59 GMT\r\nContent-Length: 0\r\n\r\n"},
		{"relative Location on 201", "POST", "HTTP/1.1 201 Created\r\n" + date + "\r\nLocation: ../items/7?x=1#top\r\nContent-Length: 0\r\n\r\n"},
		{"206 multipart/byteranges", "GET", "HTTP/1.1 206 Partial Content\r\n" + date + "\r\nContent-Type: multipart/byteranges; boundary=B\r\nContent-Length: 4\r\n\r\n--B-"},
		{"interim responses, then a final one", "GET", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\n" + date + "\r\nContent-Length: 0\r\n\r\n"},
		{"HTTP/1.0 and no reason phrase", "GET", "HTTP/1.0 200 \r\n" + date + "\r\nContent-Length: 0\r\n\r\n"},
	}
	srv := newRawServer(t)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := "/ok" + string(rune('a'+i))
			srv.answer(path, "HTTP/1.1 404 Not Found\r\n"+date+"\r\nContent-Length: 0\r\n\r\n")
			srv.answer(tt.method+" "+path, tt.raw)
			opts := Options{Client: &Client{Timeout: 5 * time.Second}}
			if tt.method == "DELETE" || tt.method == "POST" {
				opts.Methods = []string{tt.method}
			}
			rep, err := Run(context.Background(), []string{srv.URL(path)}, opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Findings) > 0 || rep.BrokenMust() {
				t.Errorf("a correct response gave findings: %+v", rep.Findings)
			}
			if sug := rep.Suggested(); sug != "" {
				t.Errorf("nothing to repair, yet a suggestion: %q", sug)
			}
		})
	}
}

// TestJudge checks the judge's plumbing: the registry's rule, level and
// section come through, with what was seen.
func TestJudge(t *testing.T) {
	h := http.Header{"Retry-After": {"soon", "later"}}
	got := judge("GET", 1, 429, h, false)
	if len(got) != 1 {
		t.Fatalf("judge gave %+v, want one finding", got)
	}
	f := got[0]
	if f.Rule != "retry-after-invalid" || f.Level != LevelMust || f.Ref != "RFC 9110 §10.2.3" || f.Field != "Retry-After" {
		t.Errorf("finding %+v", f)
	}
	if !strings.Contains(f.Detail, `Retry-After "soon", "later"`) {
		t.Errorf("detail %q does not say what was seen", f.Detail)
	}
	if got := judge("GET", 1, 405, http.Header{}, false); len(got) != 1 || !strings.Contains(got[0].Detail, "no Allow field") {
		t.Errorf("405 without Allow: %+v", got)
	}
	if got := judge("GET", 1, 200, http.Header{"Content-Length": {"2"}, "Content-Type": {"text/plain"}}, true); len(got) != 0 {
		t.Errorf("a plain 200: %+v", got)
	}
}

// TestRunRefuses: the audit sends nothing on bad input, never sends an
// unsafe method it was not given, and says when nothing answered.
func TestRunRefuses(t *testing.T) {
	srv := newRawServer(t)
	for _, tt := range []struct {
		urls []string
		opts Options
	}{
		{nil, Options{}},
		{[]string{"ftp://x/"}, Options{}},
		{[]string{"/relative"}, Options{}},
		{[]string{srv.URL("/"), "http://user:pw@x/"}, Options{}},
		{[]string{srv.URL("/")}, Options{Methods: []string{"BAD METHOD"}}},
		{[]string{srv.URL("/")}, Options{Methods: []string{"CONNECT"}}},
		{[]string{srv.URL("/")}, Options{Header: http.Header{"Content-Length": {"3"}}}},
	} {
		if _, err := Run(context.Background(), tt.urls, tt.opts); err == nil {
			t.Errorf("Run(%q, %+v) succeeded", tt.urls, tt.opts)
		}
	}
	if got := srv.requests(); len(got) != 0 {
		t.Errorf("requests sent on bad input: %q", got)
	}

	if _, err := Run(context.Background(), []string{srv.URL("/a")}, Options{Methods: []string{"GET", "PURGE"}}); err != nil {
		t.Fatal(err)
	}
	if got, want := srv.requests(), []string{"GET /a", "HEAD /a", "OPTIONS /a", "PURGE /a"}; !reflect.DeepEqual(got, want) {
		t.Errorf("sent %q, want %q", got, want)
	}

	// A port nothing listens on.
	dead := newRawServer(t)
	url := dead.URL("/")
	_ = dead.ln.Close()
	rep, err := Run(context.Background(), []string{url}, Options{Client: &Client{Timeout: time.Second}})
	if !errors.Is(err, ErrNoneReachable) || rep == nil || rep.Summary().Failed != 3 {
		t.Errorf("Run against a closed port: %v, %+v", err, rep)
	}
}

// TestSuggested checks the suggested block: per path, the methods
// accepted and refused become an allow list under a path matcher.
func TestSuggested(t *testing.T) {
	srv := newRawServer(t)
	ok := "HTTP/1.1 200 OK\r\n" + date + "\r\nContent-Length: 0\r\n\r\n"
	noAllow := "HTTP/1.1 405 Method Not Allowed\r\n" + date + "\r\nContent-Length: 0\r\n\r\n"
	// /items: GET, HEAD, OPTIONS and POST answered; DELETE refused.
	srv.answer("/items", ok)
	srv.answer("DELETE /items", noAllow)
	// /report: GET and HEAD; OPTIONS and POST refused, DELETE too (501).
	srv.answer("/report", ok)
	srv.answer("OPTIONS /report", noAllow)
	srv.answer("POST /report", noAllow)
	srv.answer("DELETE /report", "HTTP/1.1 501 Not Implemented\r\n"+date+"\r\nContent-Length: 0\r\n\r\n")
	// /login: a 405 with Allow tells what it takes; a 401 without challenge.
	srv.answer("/login", "HTTP/1.1 401 Unauthorized\r\n"+date+"\r\nContent-Length: 0\r\n\r\n")
	srv.answer("DELETE /login", "HTTP/1.1 405 Method Not Allowed\r\n"+date+"\r\nAllow: GET, POST\r\nContent-Length: 0\r\n\r\n")
	// /fine: nothing to repair.
	srv.answer("/fine", "HTTP/1.1 200 OK\r\n"+date+"\r\nAllow: GET, HEAD, OPTIONS, POST, DELETE\r\nContent-Length: 0\r\n\r\n")

	rep, err := Run(context.Background(), []string{srv.URL("/items"), srv.URL("/report"), srv.URL("/login"), srv.URL("/fine")},
		Options{Methods: []string{"POST", "DELETE"}})
	if err != nil {
		t.Fatal(err)
	}
	want := `# In the site block, ahead of reverse_proxy:
@normalize_1 path /items
normalize @normalize_1 {
	allow GET HEAD POST OPTIONS
	# www_authenticate <challenge, e.g. Basic realm="app">  # www-authenticate-missing: 401 GET ` + srv.URL("/login") + `
}
@normalize_2 path /report
normalize @normalize_2 {
	allow GET HEAD
	# www_authenticate <challenge, e.g. Basic realm="app">  # www-authenticate-missing: 401 GET ` + srv.URL("/login") + `
}
@normalize_3 not path /items /report
normalize @normalize_3 {
	# www_authenticate <challenge, e.g. Basic realm="app">  # www-authenticate-missing: 401 GET ` + srv.URL("/login") + `
}
`
	if got := rep.Suggested(); got != want {
		t.Errorf("suggested:\n%s\nwant:\n%s", got, want)
	}

	var out struct {
		Findings []map[string]any `json:"findings"`
		Summary  struct {
			Requests, Failed, Must, Should, May int
			Rules                               []RuleCount
		} `json:"summary"`
		Suggested string `json:"suggested"`
	}
	var buf bytes.Buffer
	if err := rep.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(&buf)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("JSON output: %v\n%s", err, buf.String())
	}
	if out.Suggested != want || out.Summary.Requests != 20 || out.Summary.Must+out.Summary.Should+out.Summary.May != len(rep.Findings) {
		t.Errorf("JSON summary %+v, suggested %q", out.Summary, out.Suggested)
	}
	for _, f := range out.Findings {
		var keys []string
		for k := range f {
			keys = append(keys, k)
		}
		if len(keys) != 7 || f["url"] == nil || f["method"] == nil || f["status"] == nil || f["rule"] == nil || f["level"] == nil || f["ref"] == nil || f["detail"] == nil {
			t.Errorf("finding %v: want url, method, status, rule, level, ref, detail", f)
		}
	}

	var text bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{srv.URL("/items"), "allow-missing", "RFC 9110 §15.5.6", "Summary: 20 requests (0 failed)", "Suggested Caddyfile:", "    @normalize_1 path /items"} {
		if !strings.Contains(text.String(), s) {
			t.Errorf("text output lacks %q:\n%s", s, text.String())
		}
	}
}
