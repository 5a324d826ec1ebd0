package caddytest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/respnorm/caddy-normalize/responses"
)

// The rules of issue 12's group a, through a real Caddy: HTTP-dates,
// Cache-Control and ETag.

// epoch is the past date an invalid Expires becomes.
const epoch = "Thu, 01 Jan 1970 00:00:00 GMT"

func TestRuleExpiresInvalid(t *testing.T) {
	expires := func(status, value string) string {
		return upstream("HTTP/1.1 "+status, "ok", "Expires: "+value, "Content-Length: 2")
	}
	past := expect{header: map[string]string{"Expires": epoch}}
	pass := func(v string) expect { return expect{header: map[string]string{"Expires": v}} }
	runRuleTable(t, ruleTable{
		rule: "expires-invalid",
		cases: []ruleCase{
			{name: "expires-0", action: enforced, upstream: expires("200 OK", "0"), want: past},
			{name: "expires-minus-1", action: enforced, upstream: expires("200 OK", "-1"), want: past},
			{name: "expires-now-404", action: enforced, upstream: expires("404 Not Found", "now"), want: past},
			{name: "expires-cet", action: enforced, upstream: expires("200 OK", "Mon, 02 Jan 2006 15:04:05 CET"), want: past},
			{name: "expires-304", action: enforced,
				upstream: noContent("HTTP/1.1 304 Not Modified", `ETag: "v1"`, "Expires: 0"), want: past},
			// Valid dates pass byte for byte: far in the past, the
			// epoch itself, far ahead, equal to Date.
			{name: "expires-1970", upstream: expires("200 OK", epoch), want: pass(epoch)},
			{name: "expires-past", upstream: expires("200 OK", "Sat, 01 Jan 1994 00:00:00 GMT"), want: pass("Sat, 01 Jan 1994 00:00:00 GMT")},
			{name: "expires-9999", upstream: expires("200 OK", "Fri, 31 Dec 9999 23:59:59 GMT"), want: pass("Fri, 31 Dec 9999 23:59:59 GMT")},
			{name: "expires-date", upstream: expires("200 OK", fixedDate), want: pass(fixedDate)},
			{name: "expires-with-max-age",
				upstream: upstream("HTTP/1.1 200 OK", "ok", "Expires: "+fixedDate, "Cache-Control: max-age=0, must-revalidate", "Content-Length: 2"),
				want:     expect{header: map[string]string{"Expires": fixedDate, "Cache-Control": "max-age=0, must-revalidate"}}},
		},
	})
}

func TestRuleHTTPDateObsolete(t *testing.T) {
	withDate := func(field, value string) string {
		return rawResponse("HTTP/1.1 200 OK", []string{"Date: " + fixedDate, field + ": " + value, "Content-Type: text/plain", "Content-Length: 2"}, "ok")
	}
	rewritten := func(field, value string) expect { return expect{header: map[string]string{field: value}} }
	runRuleTable(t, ruleTable{
		rule: "http-date-obsolete",
		cases: []ruleCase{
			{name: "date-rfc850", action: enforced,
				upstream: rawResponse("HTTP/1.1 200 OK", []string{"Date: Monday, 02-Jan-06 15:04:05 GMT", "Content-Type: text/plain", "Content-Length: 2"}, "ok"),
				want:     rewritten("Date", fixedDate)},
			{name: "date-asctime", action: enforced,
				upstream: rawResponse("HTTP/1.1 200 OK", []string{"Date: Mon Jan  2 15:04:05 2006", "Content-Type: text/plain", "Content-Length: 2"}, "ok"),
				want:     rewritten("Date", fixedDate)},
			// PHP's date('r'): a numeric zone, here two hours ahead.
			{name: "date-php", action: enforced,
				upstream: rawResponse("HTTP/1.1 200 OK", []string{"Date: Mon, 02 Jan 2006 17:04:05 +0200", "Content-Type: text/plain", "Content-Length: 2"}, "ok"),
				want:     rewritten("Date", fixedDate)},
			{name: "expires-plus0000", action: enforced, upstream: withDate("Expires", "Mon, 02 Jan 2006 15:04:05 +0000"),
				want: rewritten("Expires", fixedDate)},
			{name: "expires-utc", action: enforced, upstream: withDate("Expires", "Mon, 02 Jan 2006 15:04:05 UTC"),
				want: rewritten("Expires", fixedDate)},
			// Java's Date.toString().
			{name: "last-modified-java", action: enforced, upstream: withDate("Last-Modified", "Mon Jan 02 14:04:05 UTC 2006"),
				want: rewritten("Last-Modified", "Mon, 02 Jan 2006 14:04:05 GMT")},
			{name: "last-modified-rfc850", action: enforced, upstream: withDate("Last-Modified", "Sunday, 01-Jan-06 15:04:05 GMT"),
				want: rewritten("Last-Modified", "Sun, 01 Jan 2006 15:04:05 GMT")},
			{name: "retry-after-asctime", action: enforced,
				upstream: noContent("HTTP/1.1 503 Service Unavailable", "Retry-After: Mon Jan  2 16:04:05 2006"),
				want:     expect{status: 503, header: map[string]string{"Retry-After": "Mon, 02 Jan 2006 16:04:05 GMT"}}},
			// IMF-fixdates pass byte for byte, as do delay-seconds.
			{name: "all-imf",
				upstream: upstream("HTTP/1.1 200 OK", "ok", "Expires: "+epoch, "Last-Modified: Sun, 01 Jan 2006 15:04:05 GMT", "Content-Length: 2"),
				want:     expect{header: map[string]string{"Date": fixedDate, "Expires": epoch, "Last-Modified": "Sun, 01 Jan 2006 15:04:05 GMT"}}},
			{name: "retry-after-seconds", upstream: noContent("HTTP/1.1 503 Service Unavailable", "Retry-After: 120"),
				want: expect{status: 503, header: map[string]string{"Retry-After": "120"}}},
			{name: "retry-after-leap-day", upstream: noContent("HTTP/1.1 503 Service Unavailable", "Retry-After: Sat, 29 Feb 2020 23:59:59 GMT"),
				want: expect{status: 503, header: map[string]string{"Retry-After": "Sat, 29 Feb 2020 23:59:59 GMT"}}},
		},
	})
}

func TestRuleLastModifiedInvalid(t *testing.T) {
	lm := func(value string) string {
		return upstream("HTTP/1.1 200 OK", "ok", "Last-Modified: "+value, "Content-Length: 2")
	}
	removed := expect{absent: []string{"Last-Modified"}}
	runRuleTable(t, ruleTable{
		rule: "last-modified-invalid",
		cases: []ruleCase{
			{name: "lm-words", action: enforced, upstream: lm("yesterday"), want: removed},
			{name: "lm-unix", action: enforced, upstream: lm("1136214245"), want: removed},
			{name: "lm-cet", action: enforced, upstream: lm("Mon, 02 Jan 2006 15:04:05 CET"), want: removed},
			{name: "lm-valid", upstream: lm("Sun, 01 Jan 2006 15:04:05 GMT"),
				want: expect{header: map[string]string{"Last-Modified": "Sun, 01 Jan 2006 15:04:05 GMT"}}},
			{name: "lm-valid-304", upstream: noContent("HTTP/1.1 304 Not Modified", `ETag: W/"x"`, "Last-Modified: "+fixedDate),
				want: expect{header: map[string]string{"Last-Modified": fixedDate}}},
		},
	})
}

func TestRuleLastModifiedFuture(t *testing.T) {
	lm := func(value string) string {
		return upstream("HTTP/1.1 200 OK", "ok", "Last-Modified: "+value, "Content-Length: 2")
	}
	future := time.Now().Add(72 * time.Hour).UTC().Format(http.TimeFormat)
	runRuleTable(t, ruleTable{
		rule: "last-modified-future",
		cases: []ruleCase{
			{name: "lm-day-after", action: enforced, upstream: lm("Tue, 03 Jan 2006 15:04:05 GMT"),
				want: expect{header: map[string]string{"Last-Modified": fixedDate}}},
			{name: "lm-second-after", action: enforced, upstream: lm("Mon, 02 Jan 2006 15:04:06 GMT"),
				want: expect{header: map[string]string{"Last-Modified": fixedDate}}},
			{name: "lm-2100", action: enforced, upstream: lm("Fri, 01 Jan 2100 00:00:00 GMT"),
				want: expect{header: map[string]string{"Last-Modified": fixedDate}}},
			// With no Date from the upstream, the one Caddy adds is the
			// origination date.
			{name: "lm-future-no-date", action: enforced,
				upstream: rawResponse("HTTP/1.1 200 OK", []string{"Last-Modified: " + future, "Content-Type: text/plain", "Content-Length: 2"}, "ok"),
				want:     expect{ignore: []string{"Last-Modified", "Date"}, check: lastModifiedIsDate}},
			{name: "lm-equal", upstream: lm(fixedDate), want: expect{header: map[string]string{"Last-Modified": fixedDate}}},
			{name: "lm-second-before", upstream: lm("Mon, 02 Jan 2006 15:04:04 GMT"),
				want: expect{header: map[string]string{"Last-Modified": "Mon, 02 Jan 2006 15:04:04 GMT"}}},
		},
	})
}

// lastModifiedIsDate checks that Last-Modified is no later than Date and
// at most a moment before it.
func lastModifiedIsDate(t *testing.T, what string, got *wireResponse) {
	t.Helper()
	lm, d := got.header.Values("Last-Modified"), got.header.Values("Date")
	if len(lm) != 1 || len(d) != 1 {
		t.Errorf("%s: Last-Modified %q, Date %q: want one of each", what, lm, d)
		return
	}
	l, err1 := time.Parse(http.TimeFormat, lm[0])
	n, err2 := time.Parse(http.TimeFormat, d[0])
	if err1 != nil || err2 != nil || l.After(n) || n.Sub(l) > 5*time.Second {
		t.Errorf("%s: Last-Modified %q, want the Date %q", what, lm[0], d[0])
	}
}

// cc is an upstream 200 with the given Cache-Control lines.
func cc(lines ...string) string {
	h := []string{"Content-Length: 2"}
	for _, l := range lines {
		h = append(h, "Cache-Control: "+l)
	}
	return upstream("HTTP/1.1 200 OK", "ok", h...)
}

// ccWant expects one Cache-Control line with value v.
func ccWant(v string) expect { return expect{header: map[string]string{"Cache-Control": v}} }

func TestRuleCacheControlInvalid(t *testing.T) {
	runRuleTable(t, ruleTable{
		rule: "cache-control-invalid",
		cases: []ruleCase{
			{name: "cc-semicolons", action: enforced, upstream: cc("no-cache; no-store"), want: ccWant("no-cache, no-store")},
			{name: "cc-semicolons-mixed", action: enforced, upstream: cc(`Private;Max-Age = 0; no-cache="Set-Cookie; X"`),
				want: ccWant(`private, max-age=0, no-cache="Set-Cookie; X"`)},
			// Ambiguous: reported even under enforce, byte for byte.
			{name: "cc-unknown-piece", route: defaultRoute, action: reported, upstream: cc("no-store; x-foo"), want: ccWant("no-store; x-foo")},
			{name: "cc-negative", route: defaultRoute, action: reported, upstream: cc("max-age=-1"), want: ccWant("max-age=-1")},
			{name: "cc-max-age-no-value", route: defaultRoute, action: reported, upstream: cc("max-age"), want: ccWant("max-age")},
			// Valid forms pass byte for byte.
			{name: "cc-revalidate", upstream: cc("max-age=0, must-revalidate"), want: ccWant("max-age=0, must-revalidate")},
			// Directive names compare case-insensitively (RFC 9111 §5.2).
			// (No-Store beside a positive Max-Age would be the advisory
			// cache-control-conflict, which this case is not about.)
			{name: "cc-upper", upstream: cc("Max-Age=60, No-Cache"), want: ccWant("Max-Age=60, No-Cache")},
			{name: "cc-lists", upstream: cc(`no-cache="Set-Cookie, Set-Cookie2", private`), want: ccWant(`no-cache="Set-Cookie, Set-Cookie2", private`)},
			{name: "cc-extension", upstream: cc(`max-age=60, ext="a; b", stale-if-error=600`), want: ccWant(`max-age=60, ext="a; b", stale-if-error=600`)},
			{name: "cc-two-lines", upstream: cc("public", "max-age=31536000, immutable"),
				want: expect{check: func(t *testing.T, what string, got *wireResponse) {
					if v := got.header.Values("Cache-Control"); len(v) != 2 || v[0] != "public" || v[1] != "max-age=31536000, immutable" {
						t.Errorf("%s: Cache-Control %q, want both lines as sent", what, v)
					}
				}}},
		},
	})
}

func TestRuleCacheControlMaxAgeQuoted(t *testing.T) {
	runRuleTable(t, ruleTable{
		rule: "cache-control-max-age-quoted",
		cases: []ruleCase{
			{name: "cc-quoted-max-age", action: enforced, upstream: cc(`public, max-age="3600"`), want: ccWant("public, max-age=3600")},
			{name: "cc-quoted-s-maxage", action: enforced, upstream: cc(`s-maxage="60", max-age=0`), want: ccWant("s-maxage=60, max-age=0")},
			{name: "cc-token-max-age", upstream: cc("public, max-age=3600"), want: ccWant("public, max-age=3600")},
		},
	})
}

func TestRuleCacheControlListUnquoted(t *testing.T) {
	runRuleTable(t, ruleTable{
		rule: "cache-control-list-unquoted",
		cases: []ruleCase{
			{name: "cc-no-cache-token", action: enforced, upstream: cc("no-cache=Set-Cookie"), want: ccWant(`no-cache="Set-Cookie"`)},
			{name: "cc-private-token", action: enforced, upstream: cc("private=Authorization, max-age=60"), want: ccWant(`private="Authorization", max-age=60`)},
			{name: "cc-no-cache-quoted", upstream: cc(`no-cache="Set-Cookie"`), want: ccWant(`no-cache="Set-Cookie"`)},
			{name: "cc-private-bare", upstream: cc("private"), want: ccWant("private")},
		},
	})
}

func TestRuleCacheControlMustUnderstand(t *testing.T) {
	runRuleTable(t, ruleTable{
		rule: "cache-control-must-understand",
		cases: []ruleCase{
			{name: "cc-mu-alone", action: enforced, upstream: cc("must-understand, max-age=60"), want: ccWant("must-understand, max-age=60, no-store")},
			{name: "cc-mu-with-no-store", upstream: cc("must-understand, no-store"), want: ccWant("must-understand, no-store")},
		},
	})
}

func TestRuleETagInvalid(t *testing.T) {
	etag := func(value string) string {
		return upstream("HTTP/1.1 200 OK", "ok", "ETag: "+value, "Content-Length: 2")
	}
	tag := func(v string) expect { return expect{header: map[string]string{"Etag": v}} }
	gone := expect{absent: []string{"Etag"}}
	runRuleTable(t, ruleTable{
		rule: "etag-invalid",
		cases: []ruleCase{
			{name: "etag-unquoted", action: enforced, upstream: etag("abc123"), want: tag(`"abc123~unquoted"`)},
			{name: "etag-unquoted-weak", action: enforced, upstream: etag("W/abc123"), want: tag(`W/"abc123~unquoted"`)},
			{name: "etag-unquoted-304", action: enforced,
				upstream: noContent("HTTP/1.1 304 Not Modified", "ETag: 5f3c-1a2b"), want: expect{status: 304, header: map[string]string{"Etag": `"5f3c-1a2b~unquoted"`}}},
			{name: "etag-space", action: enforced, upstream: etag("abc 123"), want: gone},
			{name: "etag-unterminated", action: enforced, upstream: etag(`"abc123`), want: gone},
			{name: "etag-inner-quote", action: enforced, upstream: etag(`"a"b"`), want: gone},
			// Entity-tags pass byte for byte, in every form.
			{name: "etag-strong", upstream: etag(`"abc123"`), want: tag(`"abc123"`)},
			{name: "etag-weak", upstream: etag(`W/"abc123"`), want: tag(`W/"abc123"`)},
			{name: "etag-empty-weak", upstream: etag(`W/""`), want: tag(`W/""`)},
			{name: "etag-empty", upstream: etag(`""`), want: tag(`""`)},
			{name: "etag-punctuation", upstream: etag(`"a,b;c=d/e"`), want: tag(`"a,b;c=d/e"`)},
			{name: "etag-304", upstream: noContent("HTTP/1.1 304 Not Modified", `ETag: W/"v1"`),
				want: expect{status: 304, header: map[string]string{"Etag": `W/"v1"`}}},
		},
	})
}

// conditionalOrigin answers like an origin that compares If-None-Match
// with its ETag as strings: 304 when it is exactly tag, else 200 with a
// body large enough for encode to compress. It records the
// If-None-Match it last received.
type conditionalOrigin struct {
	mu       sync.Mutex
	lastINM  map[string]string
	lastIM   map[string]string // If-Match|If-Range
	upstream *rawUpstream
}

func newConditionalOrigin(t *testing.T, tags map[string]string) *conditionalOrigin {
	o := &conditionalOrigin{lastINM: map[string]string{}, lastIM: map[string]string{}, upstream: newRawUpstream(t)}
	body := strings.Repeat("the same representation, again and again. ", 64)
	for path, tag := range tags {
		o.upstream.Handle(path, func(conn net.Conn, _ *bufio.Reader, req *http.Request) {
			inm := req.Header.Get("If-None-Match")
			o.mu.Lock()
			o.lastINM[path] = inm
			o.lastIM[path] = req.Header.Get("If-Match") + "|" + req.Header.Get("If-Range")
			o.mu.Unlock()
			if inm == tag {
				_, _ = io.WriteString(conn, rawResponse("HTTP/1.1 304 Not Modified",
					[]string{"Date: " + fixedDate, "ETag: " + tag, "Cache-Control: max-age=0"}, ""))
				return
			}
			_, _ = io.WriteString(conn, rawResponse("HTTP/1.1 200 OK",
				[]string{"Date: " + fixedDate, "ETag: " + tag, "Cache-Control: max-age=0",
					"Content-Type: text/plain", "Content-Length: " + itoa(len(body))}, body))
		})
	}
	return o
}

func (o *conditionalOrigin) gotIM(path string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.lastIM[path]
}

func (o *conditionalOrigin) got(path string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.lastINM[path]
}

// TestETagThroughEncode: an origin sending an unquoted ETag, behind
// normalize and Caddy's encode in either order, and without encode: the
// client gets a valid entity-tag, and a conditional GET carrying it reaches
// the origin as the origin's own string and gets its 304. Tags the origin
// quoted itself, strong or weak, pass byte for byte as stock Caddy sends
// them and still get their 304.
func TestETagThroughEncode(t *testing.T) {
	needCaddy(t)
	tags := map[string]string{
		"/unquoted":      "abc123",
		"/unquoted-weak": "W/abc123",
		"/quoted":        `"abc123"`,
		"/weak":          `W/"abc123"`,
	}
	o := newConditionalOrigin(t, tags)
	// In a site block Caddy orders normalize before encode, whatever the
	// order written (/gz/); a route keeps the order written (/outer/).
	cfg := globalOptions + fmt.Sprintf(`
:9080 {
	handle_path /gz/* {
		encode gzip
		normalize
		reverse_proxy %[1]s
	}
	handle_path /outer/* {
		route {
			encode gzip
			normalize
			reverse_proxy %[1]s
		}
	}
	handle_path /plain/* {
		normalize
		reverse_proxy %[1]s
	}
	handle_path /stock-gz/* {
		encode gzip
		reverse_proxy %[1]s
	}
	handle_path /stock/* {
		reverse_proxy %[1]s
	}
}
`, o.upstream.Addr())
	startCaddy(t, cfg)
	gzip := map[string]string{"Accept-Encoding": "gzip"}
	for _, proto := range allProtos {
		for _, route := range []struct {
			name, stock string
			ae          map[string]string
			encodes     bool
		}{
			{"gz", "stock-gz", gzip, true},
			{"gz", "stock-gz", nil, false}, // encode in the chain, not encoding
			{"outer", "stock-gz", gzip, true},
			{"plain", "stock", gzip, false},
			{"plain", "stock", nil, false},
		} {
			for _, path := range sortedKeys(tags) {
				raw := tags[path]
				what := fmt.Sprintf("%s /%s%s (Accept-Encoding %q)", proto, route.name, path, route.ae["Accept-Encoding"])
				t.Run(what, func(t *testing.T) {
					first := fetch(t, proto, request{path: "/" + route.name + path, header: route.ae})
					etag := first.header.Values("Etag")
					if first.status != 200 || len(etag) != 1 || !responses.ValidETag(etag[0]) {
						t.Fatalf("first GET: %d ETag %q, want 200 with one entity-tag", first.status, etag)
					}
					if ce := first.header.Get("Content-Encoding"); (ce == "gzip") != route.encodes {
						t.Errorf("first GET: Content-Encoding %q; encoding by encode: want %v", ce, route.encodes)
					}
					stock := fetch(t, proto, request{path: "/" + route.stock + path, header: route.ae})
					if strings.HasPrefix(raw, `"`) || strings.HasPrefix(raw, `W/"`) {
						// A valid tag: exactly what stock Caddy sends.
						if got, want := etag[0], stock.header.Get("Etag"); got != want {
							t.Errorf("ETag %q, want %q as stock Caddy sends", got, want)
						}
					} else if !strings.Contains(etag[0], "~unquoted") {
						t.Errorf("ETag %q: want the marked quoted form", etag[0])
					}
					h := map[string]string{"If-None-Match": etag[0]}
					for k, v := range route.ae {
						h[k] = v
					}
					second := fetch(t, proto, request{path: "/" + route.name + path, header: h})
					if second.status != 304 {
						t.Errorf("GET with If-None-Match %s: %d, want 304 (the origin got If-None-Match %q, its tag is %q)",
							etag[0], second.status, o.got(path), raw)
					}
					if second.status == 304 && len(second.body) != 0 {
						t.Errorf("304 with content %q", second.body)
					}
					if v := second.header.Values("Etag"); len(v) != 1 || !responses.ValidETag(v[0]) {
						t.Errorf("304 ETag %q, want one entity-tag", v)
					}
					if got := o.got(path); got != raw {
						t.Errorf("the origin got If-None-Match %q, want its own tag %q", got, raw)
					}
					// If-Match and If-Range: a marked tag comes back as
					// the origin's; any other passes as the client sent
					// it (encode strips its suffix from If-None-Match
					// only).
					h = map[string]string{"If-Match": etag[0], "If-Range": etag[0], "Range": "bytes=0-9"}
					for k, v := range route.ae {
						h[k] = v
					}
					fetch(t, proto, request{path: "/" + route.name + path, header: h})
					want := etag[0]
					if strings.Contains(etag[0], "~unquoted") {
						want = raw
					}
					if got := o.gotIM(path); got != want+"|"+want {
						t.Errorf("the origin got If-Match|If-Range %q, want %q", got, want+"|"+want)
					}
				})
			}
		}
	}
	// The control: stock Caddy's encode breaks an unquoted tag further.
	got := fetch(t, protoH1, request{path: "/stock-gz/unquoted", header: gzip}).header.Get("Etag")
	if got != `abc123-gzip"` {
		t.Errorf("stock Caddy with encode: ETag %q, want abc123-gzip\" (the defect this rule repairs)", got)
	}
}
