package normalize

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

const date = "Sun, 06 Nov 1994 08:49:37 GMT"

// hdr builds a header from "Name: value" lines; a name may repeat.
func hdr(lines ...string) http.Header {
	h := http.Header{}
	for _, l := range lines {
		name, value, _ := strings.Cut(l, ":")
		h.Add(name, strings.TrimPrefix(value, " "))
	}
	return h
}

var checkTests = []struct {
	name    string
	method  string
	code    int
	header  http.Header
	content bool
	want    string // space-separated rule IDs, in the order Check reports them
}{
	// Conformant responses.
	{"200", "GET", 200, hdr("Date: "+date, "Content-Length: 5", "Content-Type: text/plain"), true, ""},
	{"200 without Date (the server adds it)", "GET", 200, hdr("Content-Type: text/plain"), true, ""},
	{"HEAD with Content-Length", "HEAD", 200, hdr("Date: "+date, "Content-Length: 1234"), false, ""},
	{"204", "DELETE", 204, hdr("Date: " + date), false, ""},
	{"205 Content-Length: 0", "POST", 205, hdr("Date: "+date, "Content-Length: 0"), false, ""},
	{"304 with Content-Length", "GET", 304, hdr("Date: "+date, "Content-Length: 1234", `Etag: "x"`), false, ""},
	{"304 to HEAD", "HEAD", 304, hdr("Date: " + date), false, ""},
	{"206 single part", "GET", 206, hdr("Date: "+date, "Content-Range: bytes 0-4/10", "Content-Type: text/plain"), true, ""},
	{"206 multipart", "GET", 206, hdr("Date: "+date, "Content-Type: multipart/byteranges; boundary=THIS"), true, ""},
	{"206 multipart, upper case", "GET", 206, hdr("Date: "+date, "Content-Type: Multipart/ByteRanges;boundary=x"), true, ""},
	{"405 with Allow", "POST", 405, hdr("Date: "+date, "Allow: GET, HEAD", "Content-Type: text/plain"), true, ""},
	{"405 with empty Allow", "POST", 405, hdr("Date: "+date, "Allow: ", "Content-Type: text/plain"), true, ""},
	{"OPTIONS with Allow", "OPTIONS", 200, hdr("Date: "+date, "Allow: GET, HEAD, OPTIONS"), false, ""},
	{"401 with challenge", "GET", 401, hdr("Date: "+date, `Www-Authenticate: Bearer realm="api"`, "Content-Type: text/plain"), true, ""},
	{"401 with two challenges", "GET", 401, hdr("Date: "+date, "Www-Authenticate: Basic realm=x", "Www-Authenticate: Bearer", "Content-Type: text/plain"), true, ""},
	{"407 with challenge", "GET", 407, hdr("Date: "+date, "Proxy-Authenticate: Basic realm=proxy", "Content-Type: text/plain"), true, ""},
	{"426 with Upgrade", "GET", 426, hdr("Date: "+date, "Upgrade: h2c", "Connection: upgrade", "Content-Type: text/plain"), true, ""},
	{"503 Retry-After seconds", "GET", 503, hdr("Retry-After: 120", "Content-Type: text/plain"), true, ""},
	{"503 Retry-After date", "GET", 503, hdr("Retry-After: "+date, "Content-Type: text/plain"), true, ""},
	// The obsolete forms are HTTP-dates (retry-after-invalid lets them
	// pass), but senders must generate IMF-fixdate (§5.6.7).
	{"429 Retry-After asctime", "GET", 429, hdr("Date: "+date, "Retry-After: Sun Nov  6 08:49:37 1994", "Content-Type: text/plain"), true, "http-date-obsolete"},
	{"413 Retry-After rfc850", "PUT", 413, hdr("Date: "+date, "Retry-After: Sunday, 06-Nov-94 08:49:37 GMT", "Content-Type: text/plain"), true, "http-date-obsolete"},
	{"201 with Location", "POST", 201, hdr("Date: "+date, "Location: /items/1", "Content-Type: text/plain"), true, ""},
	{"301 absolute", "GET", 301, hdr("Date: "+date, "Location: https://example.com/a?b=c#d", "Content-Type: text/plain"), true, ""},
	{"302 relative", "GET", 302, hdr("Date: "+date, "Location: ../up%20here"), false, ""},
	{"416 with Content-Range", "GET", 416, hdr("Date: "+date, "Content-Range: bytes */1234", "Content-Type: text/plain"), true, ""},
	{"103 with Link", "GET", 103, hdr("Link: </s.css>; rel=preload"), false, ""},
	{"CONNECT 200", "CONNECT", 200, hdr("Date: " + date), false, ""},
	{"unknown 2xx", "GET", 299, hdr("Date: "+date, "Content-Type: text/plain"), true, ""},
	{"5xx without Date", "GET", 500, hdr("Content-Type: text/plain"), true, ""},

	// Broken responses.
	{"status 99", "GET", 99, hdr(), false, "status-invalid"},
	{"status 600", "GET", 600, hdr("Content-Length: 1"), true, "status-invalid"},
	{"HEAD with content", "HEAD", 200, hdr("Date: " + date), true, "head-content"},
	{"204 with content", "GET", 204, hdr("Date: " + date), true, "content-forbidden"},
	{"204 with Content-Length", "GET", 204, hdr("Date: "+date, "Content-Length: 0"), false, "content-forbidden"},
	{"204 with Transfer-Encoding", "GET", 204, hdr("Date: "+date, "Transfer-Encoding: chunked"), false, "content-forbidden"},
	{"100 with Content-Length", "GET", 100, hdr("Content-Length: 0"), false, "content-forbidden"},
	{"304 with content", "GET", 304, hdr("Date: " + date), true, "content-forbidden"},
	{"304 with Transfer-Encoding", "GET", 304, hdr("Date: "+date, "Transfer-Encoding: chunked"), false, "content-forbidden"},
	// A 205 without Content-Length or with an empty chunked body carries
	// no content (RFC 9110 §15.3.6): HTTP/2 and HTTP/3 end the stream,
	// net/http's HTTP/1.1 server writes Content-Length: 0 or a last chunk.
	{"205 without Content-Length", "POST", 205, hdr("Date: " + date), false, ""},
	{"205 with content", "POST", 205, hdr("Date: "+date, "Content-Length: 5"), true, "reset-content"},
	{"205 Content-Length: 5", "POST", 205, hdr("Date: "+date, "Content-Length: 5"), false, "reset-content"},
	{"205 chunked", "POST", 205, hdr("Date: "+date, "Content-Length: 0", "Transfer-Encoding: chunked"), false, ""},
	{"205 chunked, no Content-Length", "POST", 205, hdr("Date: "+date, "Transfer-Encoding: chunked"), false, ""},
	{"205 chunked with content", "POST", 205, hdr("Date: "+date, "Transfer-Encoding: chunked"), true, "reset-content"},
	{"205 Content-Length: 0 twice", "POST", 205, hdr("Date: "+date, "Content-Length: 0", "Content-Length: 0"), false, "reset-content"},
	{"CONNECT 200 with Content-Length", "CONNECT", 200, hdr("Date: "+date, "Content-Length: 0"), false, "content-forbidden"},
	{"405 without Allow", "DELETE", 405, hdr("Date: "+date, "Content-Type: text/plain"), true, "allow-missing"},
	// §9.3.7: SHOULD, its own rule; a CORS preflight is not its business.
	{"OPTIONS without Allow", "OPTIONS", 204, hdr("Date: " + date), false, "options-allow-missing"},
	{"401 without challenge", "GET", 401, hdr("Date: "+date, "Content-Type: text/plain"), true, "www-authenticate-missing"},
	{"401 with empty challenge", "GET", 401, hdr("Date: "+date, "Www-Authenticate: ", "Content-Type: text/plain"), true, "www-authenticate-missing"},
	{"407 without challenge", "GET", 407, hdr("Date: "+date, "Content-Type: text/plain"), true, "proxy-authenticate-missing"},
	{"426 without Upgrade", "GET", 426, hdr("Date: "+date, "Content-Type: text/plain"), true, "upgrade-missing"},
	{"503 without Retry-After", "GET", 503, hdr("Content-Type: text/plain"), true, "retry-after-missing"},
	{"429 without Retry-After", "GET", 429, hdr("Date: "+date, "Content-Type: text/plain"), true, "retry-after-missing"},
	{"Retry-After soon", "GET", 503, hdr("Retry-After: soon", "Content-Type: text/plain"), true, "retry-after-invalid"},
	{"Retry-After 1.5", "GET", 503, hdr("Retry-After: 1.5", "Content-Type: text/plain"), true, "retry-after-invalid"},
	{"Retry-After -1", "GET", 429, hdr("Date: "+date, "Retry-After: -1", "Content-Type: text/plain"), true, "retry-after-invalid"},
	{"Retry-After twice", "GET", 503, hdr("Retry-After: 1", "Retry-After: 2", "Content-Type: text/plain"), true, "retry-after-invalid"},
	// UTC for GMT names the same instant: rewritten, not dropped.
	{"Retry-After with zone", "GET", 503, hdr("Retry-After: Sun, 06 Nov 1994 08:49:37 UTC", "Content-Type: text/plain"), true, "http-date-obsolete"},
	{"Retry-After with an unknown zone", "GET", 503, hdr("Retry-After: Sun, 06 Nov 1994 08:49:37 CET", "Content-Type: text/plain"), true, "retry-after-invalid"},
	{"201 without Location", "POST", 201, hdr("Date: "+date, "Content-Type: text/plain"), true, "location-missing"},
	{"301 without Location", "GET", 301, hdr("Date: "+date, "Content-Type: text/plain"), true, "location-missing"},
	{"302 without Location", "GET", 302, hdr("Date: "+date, "Content-Type: text/plain"), true, "location-missing"},
	{"303 without Location", "POST", 303, hdr("Date: "+date, "Content-Type: text/plain"), true, "location-missing"},
	{"307 without Location", "POST", 307, hdr("Date: "+date, "Content-Type: text/plain"), true, "location-missing"},
	{"308 without Location", "POST", 308, hdr("Date: "+date, "Content-Type: text/plain"), true, "location-missing"},
	{"Location with space", "GET", 302, hdr("Date: "+date, "Location: /a b", "Content-Type: text/plain"), true, "location-invalid"},
	{"Location with two #", "GET", 302, hdr("Date: "+date, "Location: /a#b#c", "Content-Type: text/plain"), true, "location-invalid"},
	{"Location %zz", "GET", 301, hdr("Date: "+date, "Location: /%zz", "Content-Type: text/plain"), true, "location-invalid"},
	{"206 another multipart", "GET", 206, hdr("Date: "+date, "Content-Type: multipart/byterangesx; boundary=THIS"), true, "content-range-missing"},
	{"206 without Content-Range", "GET", 206, hdr("Date: "+date, "Content-Type: text/plain"), true, "content-range-missing"},
	// §15.5.17: SHOULD, its own rule.
	{"416 without Content-Range", "GET", 416, hdr("Date: "+date, "Content-Type: text/plain"), true, "content-range-416-missing"},
	{"Date not a date", "GET", 200, hdr("Date: yesterday", "Content-Type: text/plain"), true, "date-invalid"},
	{"Date fractional", "GET", 200, hdr("Date: Sun, 06 Nov 1994 08:49:37.5 GMT", "Content-Type: text/plain"), true, "date-invalid"},
	{"Date twice", "GET", 200, hdr("Date: "+date, "Date: "+date, "Content-Type: text/plain"), true, "date-invalid"},

	// Several at once.
	{"HEAD 405 with content", "HEAD", 405, hdr("Date: " + date), true, "allow-missing head-content"},
	{"redirect, bad Location and Date", "GET", 307, hdr("Date: x", "Location: /\x01", "Content-Type: text/plain"), true, "date-invalid location-invalid"},
}

func TestCheck(t *testing.T) {
	for _, tt := range checkTests {
		vs := Check(httptest.NewRequest(tt.method, "/", nil), tt.code, tt.header, tt.content)
		got := make([]string, len(vs))
		for i, v := range vs {
			got[i] = v.Rule.ID()
		}
		if want := strings.Fields(tt.want); !slices.Equal(got, want) {
			t.Errorf("%s: Check(%s, %d, %v, %v) = %q, want %q", tt.name, tt.method, tt.code, tt.header, tt.content, got, want)
		}
		for _, v := range vs {
			if v.Ref() == "" || v.Level() == 0 || !strings.HasPrefix(v.String(), v.Rule.ID()+" (") {
				t.Errorf("%s: violation %v described badly", tt.name, v)
			}
		}
	}
}

func TestAppendViolationsDoesNotAllocate(t *testing.T) {
	h := hdr("Date: "+date, "Content-Type: text/html", "Content-Length: 5")
	dst := make([]Violation, 0, NumRules())
	get, head := httptest.NewRequest("GET", "/", nil), httptest.NewRequest("HEAD", "/", nil)
	n := testing.AllocsPerRun(100, func() {
		dst = AppendViolations(dst[:0], get, 200, h, true)
	})
	if n != 0 || len(dst) != 0 {
		t.Errorf("clean 200: %v allocations, %v", n, dst)
	}
	broken := hdr("Date: x", "Location: /a b", "Retry-After: soon")
	n = testing.AllocsPerRun(100, func() {
		dst = AppendViolations(dst[:0], head, 503, broken, true)
	})
	if n != 0 || len(dst) != 4 {
		t.Errorf("broken 503: %v allocations, %v", n, dst)
	}
}

func TestRegistryRules(t *testing.T) {
	ids := map[string]bool{}
	for _, r := range Rules() {
		id := r.ID()
		if id == "" || id == "unknown" || ids[id] {
			t.Errorf("rule %d: bad or repeated ID %q", r, id)
		}
		ids[id] = true
		if got, err := ParseRule(id); err != nil || got != r {
			t.Errorf("ParseRule(%q) = %v, %v", id, got, err)
		}
		if r.String() != id || r.Summary() == "" || !strings.HasPrefix(r.Ref(), "RFC ") || r.Level() == 0 {
			t.Errorf("rule %q described badly", id)
		}
	}
	if len(ids) != NumRules() {
		t.Errorf("%d rules, NumRules = %d", len(ids), NumRules())
	}
	if _, err := ParseRule("no-such-rule"); err == nil {
		t.Error("ParseRule accepted an unknown ID")
	}
	if r := Rule(NumRules()); r.ID() != "unknown" || r.Ref() != "" || r.Level() != 0 || r.Summary() != "" {
		t.Error("an invalid rule is described")
	}
}
