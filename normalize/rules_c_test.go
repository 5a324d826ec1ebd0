package normalize

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// The report-only field and status rules (group rules-c): each judged by
// Check on broken responses and on correct ones in unusual forms, then
// driven through the wrapper over HTTP/1.1 and HTTP/2 in enforce, report
// and off.

// rulesCReportOnly are the rules of this group that only report.
var rulesCReportOnly = []Rule{
	RuleVaryInvalid, RuleContentTypeInvalid, RuleContentEncodingInvalid, RuleAllowInvalid,
	RuleAcceptRangesInvalid, RuleWWWAuthenticateInvalid, RuleProxyAuthenticateInvalid, RuleLinkInvalid,
	RuleViaInvalid, RuleProxyStatusInvalid, RuleCacheStatusInvalid, RuleCacheControlConflict,
	RuleCacheControlExtensionInvalid, RuleSetCookieInvalid, RuleSetCookieRepeated, RuleSetCookieCacheable,
	RuleStatusDeprecated, RuleSwitchingProtocolsUpgradeMissing, RuleUpgradeNotOffered,
	RuleMultipartByterangesInvalid, RuleContentEncodingUnaccepted,
}

// cCheckCase is one response for Check: broken or not for rule.
type cCheckCase struct {
	rule   Rule
	code   int
	method string   // GET when empty
	req    []string // request header lines
	resp   []string // response header lines (a Date is added)
	broken bool
}

func cCheckCases() []cCheckCase {
	bad := func(r Rule, code int, resp ...string) cCheckCase {
		return cCheckCase{rule: r, code: code, resp: resp, broken: true}
	}
	ok := func(r Rule, code int, resp ...string) cCheckCase { return cCheckCase{rule: r, code: code, resp: resp} }
	withReq := func(c cCheckCase, req ...string) cCheckCase { c.req = req; return c }
	return []cCheckCase{
		// vary-invalid
		bad(RuleVaryInvalid, 200, "Vary: Accept Encoding"),
		bad(RuleVaryInvalid, 200, "Vary: Accept-Encoding", "Vary: User-Agent;q=1"),
		bad(RuleVaryInvalid, 200, `Vary: "Accept"`),
		ok(RuleVaryInvalid, 200, "Vary: Accept-Encoding", "Vary: origin , accept-language"),
		ok(RuleVaryInvalid, 200, "Vary: *"),
		ok(RuleVaryInvalid, 200, "Vary: Accept-Encoding, *"), // within #( "*" / field-name )
		ok(RuleVaryInvalid, 304, "Vary: Accept-Encoding"),

		// content-type-invalid
		bad(RuleContentTypeInvalid, 200, "Content-Type: html"),
		bad(RuleContentTypeInvalid, 200, "Content-Type: text/html;charset"),
		bad(RuleContentTypeInvalid, 200, "Content-Type: text/html; charset=utf-8; "+`x="unterminated`),
		bad(RuleContentTypeInvalid, 404, "Content-Type: "),
		ok(RuleContentTypeInvalid, 200, "Content-Type: text/html;charset=UTF-8"),
		ok(RuleContentTypeInvalid, 200, `Content-Type: multipart/form-data; boundary="--a; b"`),
		ok(RuleContentTypeInvalid, 200, "Content-Type: application/problem+json ; charset=utf-8"),

		// content-encoding-invalid
		bad(RuleContentEncodingInvalid, 200, "Content-Encoding: gzip; q=1"),
		bad(RuleContentEncodingInvalid, 200, "Content-Encoding: x gzip"),
		ok(RuleContentEncodingInvalid, 200, "Content-Encoding: gzip"),
		ok(RuleContentEncodingInvalid, 200, "Content-Encoding: deflate ,br", "Content-Encoding: zstd"),

		// allow-invalid
		bad(RuleAllowInvalid, 405, "Allow: GET HEAD"),
		bad(RuleAllowInvalid, 200, "Allow: GET; POST"),
		ok(RuleAllowInvalid, 405, "Allow: "),
		ok(RuleAllowInvalid, 405, "Allow: GET,HEAD", "Allow: PROPFIND"),

		// accept-ranges-invalid
		bad(RuleAcceptRangesInvalid, 200, "Accept-Ranges: "),
		bad(RuleAcceptRangesInvalid, 200, "Accept-Ranges: bytes=0-"),
		ok(RuleAcceptRangesInvalid, 200, "Accept-Ranges: none"),
		ok(RuleAcceptRangesInvalid, 206, "Accept-Ranges: bytes, x-custom", "Content-Range: bytes 0-1/2"),

		// www-authenticate-invalid / proxy-authenticate-invalid
		bad(RuleWWWAuthenticateInvalid, 401, `WWW-Authenticate: realm="app"`),
		bad(RuleWWWAuthenticateInvalid, 401, `WWW-Authenticate: Basic realm="a", realm="b"`),
		bad(RuleWWWAuthenticateInvalid, 401, `WWW-Authenticate: Basic realm="a`),
		ok(RuleWWWAuthenticateInvalid, 401, `WWW-Authenticate: Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple"`),
		ok(RuleWWWAuthenticateInvalid, 401, "WWW-Authenticate: Negotiate", "WWW-Authenticate: NTLM"),
		ok(RuleWWWAuthenticateInvalid, 200, "WWW-Authenticate: Negotiate oYG3MIG0oAMKAQChCwYJKoZIgvcSAQICooGfBIGcYIGZBgkqhkiG9xIBAgICAG+BiTCBhqADAgEFoQMCAQ+iejB4oAMCARKicQRv=="),
		bad(RuleProxyAuthenticateInvalid, 407, `Proxy-Authenticate: Basic, realm="p"`),
		ok(RuleProxyAuthenticateInvalid, 407, `Proxy-Authenticate: Basic realm="proxy", charset="UTF-8"`),

		// link-invalid
		bad(RuleLinkInvalid, 200, "Link: </style.css>"),
		bad(RuleLinkInvalid, 200, "Link: /style.css; rel=preload"),
		bad(RuleLinkInvalid, 200, `Link: </a>; rel=next; rel=prev`),
		bad(RuleLinkInvalid, 200, "Link: </a>; rel=next", "Link: <b>; rel=x y"),
		ok(RuleLinkInvalid, 200, `Link: </a,b>; rel="next prev"; title*=UTF-8'en'a%20b, <https://example.com/>; REL=canonical`),
		ok(RuleLinkInvalid, 103, "Link: </s.css>; rel=preload; as=style; crossorigin"),

		// via-invalid
		bad(RuleViaInvalid, 200, "Via: proxy1"),
		bad(RuleViaInvalid, 200, "Via: 1.1 a b"),
		ok(RuleViaInvalid, 200, "Via: 1.0 fred, 1.1 p.example.net (Apache/1.1)", "Via: 1.1 Caddy"),
		ok(RuleViaInvalid, 200, "Via: HTTP/2 [2001:db8::1]:8443"),

		// proxy-status-invalid / cache-status-invalid
		bad(RuleProxyStatusInvalid, 502, "Proxy-Status: connection refused"),
		bad(RuleProxyStatusInvalid, 502, "Proxy-Status: ExampleCDN; error=http_request_error,"),
		ok(RuleProxyStatusInvalid, 502, `Proxy-Status: ExampleCDN; error=connection_refused; details="port 8080", "r2"`),
		bad(RuleCacheStatusInvalid, 200, "Cache-Status: HIT from cache1"),
		bad(RuleCacheStatusInvalid, 200, "Cache-Status: cache; ttl=1.2.3"),
		ok(RuleCacheStatusInvalid, 200, "Cache-Status: OriginCache; hit; ttl=1100, \"CDN Company Here\"; fwd=uri-miss; stored"),

		// cache-control-conflict (advisory)
		bad(RuleCacheControlConflict, 200, "Cache-Control: public, private"),
		bad(RuleCacheControlConflict, 200, "Cache-Control: no-store", "Cache-Control: max-age=3600"),
		bad(RuleCacheControlConflict, 200, "Cache-Control: max-age=60, max-age=3600"),
		bad(RuleCacheControlConflict, 200, "Cache-Control: private, s-maxage=60"),
		bad(RuleCacheControlConflict, 200, "Cache-Control: PUBLIC, no-store"),
		ok(RuleCacheControlConflict, 200, "Cache-Control: no-store, max-age=0"),
		ok(RuleCacheControlConflict, 200, "Cache-Control: max-age=0, must-revalidate"),
		ok(RuleCacheControlConflict, 200, "Cache-Control: private, max-age=60", "Cache-Control: no-cache"),
		ok(RuleCacheControlConflict, 200, "Cache-Control: max-age=60, max-age=60"),
		ok(RuleCacheControlConflict, 200, "Cache-Control: must-understand, no-store, max-age=3600, public"), // RFC 9111 §5.2.2.3
		bad(RuleCacheControlConflict, 200, "Cache-Control: must-understand, no-store, public, private"),

		// cache-control-extension-invalid
		bad(RuleCacheControlExtensionInvalid, 200, "Cache-Control: max-age=60, immutable=1"),
		bad(RuleCacheControlExtensionInvalid, 200, `Cache-Control: max-age=60, stale-while-revalidate="30"`),
		bad(RuleCacheControlExtensionInvalid, 200, "Cache-Control: stale-if-error"),
		bad(RuleCacheControlExtensionInvalid, 200, "Cache-Control: stale-if-error=1d"),
		ok(RuleCacheControlExtensionInvalid, 200, "Cache-Control: max-age=31536000, immutable, stale-while-revalidate=60, stale-if-error=86400"),
		ok(RuleCacheControlExtensionInvalid, 200, "Cache-Control: Immutable"),

		// set-cookie-invalid
		bad(RuleSetCookieInvalid, 200, "Set-Cookie: id=a b; Secure"),
		bad(RuleSetCookieInvalid, 200, "Set-Cookie: id=x;Path=/;Secure"),
		bad(RuleSetCookieInvalid, 200, "Set-Cookie: =x; Secure"),
		bad(RuleSetCookieInvalid, 200, "Set-Cookie: id=x; Max-Age=-1"),
		bad(RuleSetCookieInvalid, 200, "Set-Cookie: a=1, b=2; Path=/"),
		ok(RuleSetCookieInvalid, 200, `Set-Cookie: id="q"; Path=/; Domain=.example.com; Max-Age=0; SameSite=Strict; Secure; HttpOnly`),
		ok(RuleSetCookieInvalid, 200, "Set-Cookie: id=x; Expires=Wed, 21-Oct-2015 07:28:00 GMT"), // set-cookie-expires-date's

		// set-cookie-repeated
		bad(RuleSetCookieRepeated, 200, "Set-Cookie: id=1", "Set-Cookie: id=2"),
		bad(RuleSetCookieRepeated, 200, "Set-Cookie: id=1; Path=/; path=/a"),
		ok(RuleSetCookieRepeated, 200, "Set-Cookie: id=1", "Set-Cookie: ID=2", "Set-Cookie: idx=3"),

		// set-cookie-cacheable (advisory)
		bad(RuleSetCookieCacheable, 304, "Set-Cookie: id=1", "Cache-Control: private"),
		bad(RuleSetCookieCacheable, 200, "Set-Cookie: id=1"),
		bad(RuleSetCookieCacheable, 302, "Set-Cookie: id=1", "Cache-Control: max-age=60", "Location: /"),
		bad(RuleSetCookieCacheable, 500, "Set-Cookie: id=1", "Expires: "+date),
		ok(RuleSetCookieCacheable, 200, "Set-Cookie: id=1", "Cache-Control: private, max-age=60"),
		ok(RuleSetCookieCacheable, 200, "Set-Cookie: id=1", "Cache-Control: public", "Cache-Control: no-store"),
		ok(RuleSetCookieCacheable, 302, "Set-Cookie: id=1", "Location: /"),

		// status-deprecated, status-511-from-origin
		bad(RuleStatusDeprecated, 305, "Location: http://proxy.example/"),
		bad(RuleStatusDeprecated, 418),
		ok(RuleStatusDeprecated, 307, "Location: /"),

		// switching-protocols-upgrade-missing, upgrade-not-offered
		bad(RuleSwitchingProtocolsUpgradeMissing, 101, "Connection: upgrade"),
		withReq(ok(RuleSwitchingProtocolsUpgradeMissing, 101, "Upgrade: websocket", "Connection: upgrade"), "Upgrade: websocket"),
		withReq(bad(RuleUpgradeNotOffered, 101, "Upgrade: h2c", "Connection: upgrade"), "Upgrade: websocket"),
		withReq(bad(RuleUpgradeNotOffered, 101, "Upgrade: websocket/2"), "Upgrade: websocket"),
		withReq(ok(RuleUpgradeNotOffered, 101, "Upgrade: WebSocket", "Connection: Upgrade"), "Upgrade: foo/2, websocket"),

		// multipart-byteranges-invalid
		bad(RuleMultipartByterangesInvalid, 206, "Content-Type: multipart/byteranges"),
		bad(RuleMultipartByterangesInvalid, 206, "Content-Type: multipart/byteranges; boundary=x", "Content-Range: bytes 0-1/10"),
		ok(RuleMultipartByterangesInvalid, 206, `Content-Type: multipart/byteranges; Boundary="3d6b6a416f9b5"`),

		// content-encoding-unaccepted
		withReq(bad(RuleContentEncodingUnaccepted, 200, "Content-Encoding: br"), "Accept-Encoding: gzip, deflate"),
		withReq(bad(RuleContentEncodingUnaccepted, 200, "Content-Encoding: gzip"), "Accept-Encoding: gzip;q=0, *"),
		withReq(bad(RuleContentEncodingUnaccepted, 200, "Content-Encoding: gzip"), "Accept-Encoding: identity"),
		withReq(ok(RuleContentEncodingUnaccepted, 200, "Content-Encoding: x-gzip"), "Accept-Encoding: br;q=1.0, GZIP;q=0.5"),
		withReq(ok(RuleContentEncodingUnaccepted, 200, "Content-Encoding: zstd"), "Accept-Encoding: *;q=0.1"),
		ok(RuleContentEncodingUnaccepted, 200, "Content-Encoding: br"),                                   // no Accept-Encoding: no preference
		withReq(bad(RuleContentEncodingUnaccepted, 200, "Content-Encoding: gzip"), "Accept-Encoding: "),  // none wanted
		withReq(ok(RuleContentEncodingUnaccepted, 200, "Content-Type: text/plain"), "Accept-Encoding: "), // no coding
		withReq(ok(RuleContentEncodingUnaccepted, 304, "Content-Encoding: br"), "Accept-Encoding: gzip"),

		// set-cookie-expires-date
		bad(RuleSetCookieExpiresDate, 200, "Set-Cookie: id=x; Expires=Wed, 21-Oct-2015 07:28:00 GMT"),
		bad(RuleSetCookieExpiresDate, 200, "Set-Cookie: id=x; Expires=0"),
		bad(RuleSetCookieExpiresDate, 200, "Set-Cookie: a=1", "Set-Cookie: id=x; expires=Wed, 21 Oct 2015 07:28:00 +0000"),
		ok(RuleSetCookieExpiresDate, 200, "Set-Cookie: id=x; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Path=/"),
		ok(RuleSetCookieExpiresDate, 200, "Set-Cookie: id=x; Max-Age=60"),

		// server-detail
		bad(RuleServerDetail, 200, "Server: Apache/2.4.41 (Ubuntu)"),
		bad(RuleServerDetail, 200, "Server: nginx/1.25.3"),
		bad(RuleServerDetail, 500, "Server: Microsoft-IIS/10.0 ASP.NET"),
		ok(RuleServerDetail, 200, "Server: Caddy"),
		ok(RuleServerDetail, 200, "Server: gws"),

		// request-field-in-response
		bad(RuleRequestFieldInResponse, 200, "Host: example.com"),
		bad(RuleRequestFieldInResponse, 404, "Cookie: session=1"),
		bad(RuleRequestFieldInResponse, 304, `If-None-Match: "x"`),
		ok(RuleRequestFieldInResponse, 415, "Accept-Encoding: gzip", "Accept: application/json"),
	}
}

func TestRulesCCheck(t *testing.T) {
	for _, c := range cCheckCases() {
		method := c.method
		if method == "" {
			method = "GET"
		}
		req := httptest.NewRequest(method, "/", nil)
		req.Header = hdr(c.req...)
		h := hdr(append([]string{"Date: " + date}, c.resp...)...)
		got := slices.ContainsFunc(Check(req, c.code, h, false), func(v Violation) bool { return v.Rule == c.rule })
		if got != c.broken {
			t.Errorf("%s: %d %q (request %q): reported %v, want %v", c.rule, c.code, c.resp, c.req, got, c.broken)
		}
	}
}

// TestRulesCDetectDoesNotAllocate: the syntax rules judge what they see
// without allocating, broken or not.
func TestRulesCDetectDoesNotAllocate(t *testing.T) {
	dst := make([]Violation, 0, NumRules())
	for _, c := range cCheckCases() {
		req := httptest.NewRequest("GET", "/", nil)
		req.Header = hdr(c.req...)
		h := hdr(append([]string{"Date: " + date}, c.resp...)...)
		if n := testing.AllocsPerRun(20, func() { dst = AppendViolations(dst[:0], req, c.code, h, false) }); n != 0 {
			t.Errorf("%s: %d %q: %v allocations, want 0", c.rule, c.code, c.resp, n)
		}
	}
}

// cWireCase is one broken response per rule, through the wrapper.
type cWireCase struct {
	rule   Rule
	method string
	req    []string
	h      http.HandlerFunc
	// enforced, if set, is what enforce must leave of the fields (the
	// rule repairs); otherwise enforce reports and changes nothing.
	enforced map[string]string
}

func TestRulesCWire(t *testing.T) {
	cases := []cWireCase{
		{rule: RuleVaryInvalid, h: reply(200, "ok", "Vary", "Accept Encoding")},
		{rule: RuleContentTypeInvalid, h: reply(200, "ok", "Content-Type", "text/html;charset")},
		{rule: RuleContentEncodingInvalid, h: reply(200, "ok", "Content-Encoding", "gzip; q=1", "Vary", "Accept-Encoding")},
		{rule: RuleAllowInvalid, method: "DELETE", h: reply(405, "no", "Allow", "GET HEAD")},
		{rule: RuleAcceptRangesInvalid, h: reply(200, "ok", "Accept-Ranges", "bytes=0-")},
		{rule: RuleWWWAuthenticateInvalid, h: reply(401, "who?", "WWW-Authenticate", `realm="app"`)},
		{rule: RuleProxyAuthenticateInvalid, h: reply(407, "who?", "Proxy-Authenticate", `Basic, realm="p"`)},
		{rule: RuleLinkInvalid, h: reply(200, "ok", "Link", "</style.css>")},
		{rule: RuleViaInvalid, h: reply(200, "ok", "Via", "proxy1")},
		{rule: RuleProxyStatusInvalid, h: reply(502, "down", "Proxy-Status", "connection refused")},
		{rule: RuleCacheStatusInvalid, h: reply(200, "ok", "Cache-Status", "HIT from cache1")},
		{rule: RuleCacheControlConflict, h: reply(200, "ok", "Cache-Control", "public, private")},
		{rule: RuleCacheControlExtensionInvalid, h: reply(200, "ok", "Cache-Control", "max-age=60, immutable=1")},
		{rule: RuleSetCookieInvalid, h: reply(200, "ok", "Set-Cookie", "id=a b", "Cache-Control", "no-store")},
		{rule: RuleSetCookieRepeated, h: reply(200, "ok", "Set-Cookie", "id=1", "Set-Cookie", "id=2", "Cache-Control", "private")},
		{rule: RuleSetCookieCacheable, h: reply(200, "ok", "Set-Cookie", "id=1")},
		{rule: RuleStatusDeprecated, h: reply(418, "teapot")},
		{rule: RuleMultipartByterangesInvalid, h: reply(206, "--x\r\n\r\n--x--\r\n", "Content-Type", "multipart/byteranges")},
		{rule: RuleContentEncodingUnaccepted, req: []string{"Accept-Encoding", "gzip"}, h: reply(200, "ok", "Content-Encoding", "br", "Vary", "Accept-Encoding")},
		{rule: RuleSetCookieExpiresDate, h: reply(200, "ok", "Set-Cookie", "id=x; Expires=Wed, 21-Oct-2015 07:28:00 GMT; Secure", "Set-Cookie", "b=2; Path=/; expires=Thu, 1 Jan 2099 10:00:00 -0200", "Cache-Control", "private"),
			enforced: map[string]string{"Set-Cookie": "id=x; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Secure|b=2; Path=/; expires=Thu, 01 Jan 2099 12:00:00 GMT"}},
		// Not a date: enforce can only report.
		{rule: RuleSetCookieExpiresDate, h: reply(200, "ok", "Set-Cookie", "id=x; Expires=Wed, 21-Oct-2015 07:28:00 GMT", "Set-Cookie", "b=2; Expires=0", "Cache-Control", "private")},
		{rule: RuleServerDetail, h: reply(200, "ok", "Server", "Apache/2.4.41 (Ubuntu) OpenSSL/1.1.1f"),
			enforced: map[string]string{"Server": "Apache"}},
		{rule: RuleRequestFieldInResponse, h: reply(200, "ok", "Host", "internal:8080", "Cookie", "a=1", "X-Kept", "1"),
			enforced: map[string]string{"Host": absent, "Cookie": absent, "X-Kept": "1"}},
	}
	for _, c := range cases {
		method := c.method
		if method == "" {
			method = "GET"
		}
		for _, a := range []Action{Enforce, Report, Off} {
			t.Run(fmt.Sprintf("%s/%s", c.rule, a), func(t *testing.T) {
				f := newFixture(t, with(full, c.rule, a), c.h)
				var want []ev
				switch {
				case a == Off:
				case a == Enforce && c.enforced != nil:
					want = []ev{{c.rule, Enforce, 0}}
				default:
					want = []ev{{c.rule, Report, 0}}
				}
				raw := rawDo(t, f.h1.Listener.Addr().String(), method, "/x", c.req...)
				checkCEvents(t, "HTTP/1.1", f.events(), want, raw.status)
				r2 := do(t, f.h2, method, "/x", c.req...)
				checkCEvents(t, "HTTP/2", f.events(), want, r2.status)
				if a == Enforce && c.enforced != nil {
					for _, h := range []http.Header{raw.header, r2.header} {
						for k, v := range c.enforced {
							if got, ok := h[k]; (v == absent) == ok || (ok && strings.Join(got, "|") != v) {
								t.Errorf("%s: %q, want %q", k, got, v)
							}
						}
					}
					return
				}
				// Nothing changes on the wire.
				direct := rawDo(t, f.h1.Listener.Addr().String(), method, "/direct/x", c.req...)
				if !bytes.Equal(raw.bytes, direct.bytes) {
					t.Errorf("HTTP/1.1 bytes differ\nwrapped: %q\ndirect:  %q", raw.bytes, direct.bytes)
				}
				d2 := do(t, f.h2, method, "/direct/x", c.req...)
				if r2.status != d2.status || !reflect.DeepEqual(r2.header, d2.header) || !bytes.Equal(r2.body, d2.body) {
					t.Errorf("HTTP/2 responses differ\nwrapped: %d %v %q\ndirect:  %d %v %q", r2.status, r2.header, r2.body, d2.status, d2.header, d2.body)
				}
			})
		}
	}
}

// checkCEvents compares events, the status taken from the response.
func checkCEvents(t *testing.T, what string, got, want []ev, status int) {
	t.Helper()
	for i := range want {
		want[i].Status = status
	}
	if !equalEvents(got, want) {
		t.Errorf("%s: events %v, want %v", what, got, want)
	}
}

// TestRulesCConformantPassUnchanged: correct responses in unusual forms
// that the rules above judge go through byte for byte, with no event.
func TestRulesCConformantPassUnchanged(t *testing.T) {
	conformant := []struct {
		name   string
		method string
		h      http.HandlerFunc
	}{
		{"Vary star beside names, two lines", "GET", reply(200, "ok", "Vary", "Accept-Encoding, *", "Vary", "origin")},
		{"Content-Type with quoted parameter", "GET", reply(200, "ok", "Content-Type", `multipart/form-data; boundary="a;b"`)},
		// net/http's client asks Accept-Encoding: gzip.
		{"Content-Encoding list", "GET", reply(200, "ok", "Content-Encoding", "GZIP ,x-gzip", "Vary", "Accept-Encoding")},
		{"empty Allow", "DELETE", reply(405, "no", "Allow", "")},
		{"Accept-Ranges none", "GET", reply(200, "ok", "Accept-Ranges", "none")},
		{"two challenges with escaped quotes", "GET", reply(401, "who?", "WWW-Authenticate", `Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple"`)},
		{"Link with comma in URI and ext-value", "GET", reply(200, "ok", "Link", `</a,b>; rel="next prev"; title*=UTF-8'en'a%20b, <https://example.com/>; REL=canonical`)},
		{"Via with comment and IPv6", "GET", reply(200, "ok", "Via", "1.0 fred, 1.1 p.example.net (Apache/1.1)", "Via", "2 [2001:db8::1]:8443")},
		{"Cache-Status with parameters", "GET", reply(200, "ok", "Cache-Status", `OriginCache; hit; ttl=1100, "CDN Company Here"; fwd=uri-miss; stored`)},
		{"no-store with max-age=0", "GET", reply(200, "ok", "Cache-Control", "no-store, max-age=0")},
		{"immutable and stale-*", "GET", reply(200, "ok", "Cache-Control", "max-age=31536000, immutable, stale-while-revalidate=60, stale-if-error=86400")},
		{"private cookie deleted with Max-Age=0", "GET", reply(200, "ok", "Set-Cookie", `id="q"; Path=/; Domain=.example.com; Max-Age=0; SameSite=Strict; Secure; HttpOnly`, "Cache-Control", "private")},
		{"cookie on a redirect without freshness", "GET", reply(302, "", "Set-Cookie", "id=1", "Location", "/")},
		{"multipart/byteranges with quoted boundary", "GET", reply(206, "--3d\r\n\r\n--3d--\r\n", "Content-Type", `multipart/byteranges; Boundary="3d"`)},
		{"Accept on a 415", "POST", reply(415, "no", "Accept", "application/json", "Accept-Encoding", "gzip")},
	}
	for _, c := range conformant {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, full, c.h)
			addr := f.h1.Listener.Addr().String()
			wrapped := rawDo(t, addr, c.method, "/x")
			if evs := f.events(); len(evs) != 0 {
				t.Errorf("HTTP/1.1: events %v, want none", evs)
			}
			direct := rawDo(t, addr, c.method, "/direct/x")
			if !bytes.Equal(wrapped.bytes, direct.bytes) {
				t.Errorf("HTTP/1.1 bytes differ\nwrapped: %q\ndirect:  %q", wrapped.bytes, direct.bytes)
			}
			w2 := do(t, f.h2, c.method, "/x")
			if evs := f.events(); len(evs) != 0 {
				t.Errorf("HTTP/2: events %v, want none", evs)
			}
			d2 := do(t, f.h2, c.method, "/direct/x")
			if w2.status != d2.status || !reflect.DeepEqual(w2.header, d2.header) || !bytes.Equal(w2.body, d2.body) {
				t.Errorf("HTTP/2 responses differ\nwrapped: %d %v %q\ndirect:  %d %v %q", w2.status, w2.header, w2.body, d2.status, d2.header, d2.body)
			}
		})
	}
}

func TestFixCookieExpires(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"id=x; Expires=Wed, 21-Oct-2015 07:28:00 GMT", "id=x; Expires=Wed, 21 Oct 2015 07:28:00 GMT"},
		{"id=x; Expires=Wednesday, 21-Oct-2015 07:28:00 UTC; Path=/", "id=x; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Path=/"},
		{"id=x; Path=/; EXPIRES=Sun, 6 Nov 1994 08:49:37 UTC", "id=x; Path=/; EXPIRES=Sun, 06 Nov 1994 08:49:37 GMT"},
		{"id=x; Expires=Sun, 06 Nov 1994 10:49:37 +0200", "id=x; Expires=Sun, 06 Nov 1994 08:49:37 GMT"},
		{"id=x; Expires=Sun Nov  6 08:49:37 1994; Secure", "id=x; Expires=Sun, 06 Nov 1994 08:49:37 GMT; Secure"},
		{"id=x; Expires=Sun, 06 Nov 1994 08:49:37 GMT", "id=x; Expires=Sun, 06 Nov 1994 08:49:37 GMT"},
		// Not derivable: reported only.
		{"id=x; Expires=0", ""},
		{"id=x; Expires=Sunday, 06-Nov-94 08:49:37 GMT", ""}, // two-digit year
		{"id=x; Expires=Sun, 06 Nov 1994 08:49:37 CET", ""},  // a zone without an offset
		{"id=x; Expires=tomorrow", ""},
	} {
		got, ok := fixCookieExpires(c.in)
		if c.want == "" {
			if ok {
				t.Errorf("fixCookieExpires(%q) = %q, want it refused", c.in, got)
			}
			continue
		}
		if !ok || got != c.want {
			t.Errorf("fixCookieExpires(%q) = %q, %v; want %q", c.in, got, ok, c.want)
		}
	}
}

// TestRulesC101 drives a handler that switches protocols over raw
// HTTP/1.1 (Upgrade is an HTTP/1.1 mechanism): a 101 naming a protocol
// the request did not offer, and one naming none, are reported in every
// mode but off and pass unchanged; a correct one passes uncounted.
func TestRulesC101(t *testing.T) {
	switchTo := func(upgrade string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Date", fixedDate)
			w.Header().Set("Connection", "Upgrade")
			if upgrade != "" {
				w.Header().Set("Upgrade", upgrade)
			}
			w.WriteHeader(http.StatusSwitchingProtocols)
		}
	}
	for _, c := range []struct {
		name    string
		upgrade string
		rule    Rule
		broken  bool
	}{
		{"h2c for websocket", "h2c", RuleUpgradeNotOffered, true},
		{"no Upgrade", "", RuleSwitchingProtocolsUpgradeMissing, true},
		{"websocket in another case", "WebSocket", RuleUpgradeNotOffered, false},
	} {
		for _, a := range []Action{Enforce, Report, Off} {
			t.Run(c.name+"/"+a.String(), func(t *testing.T) {
				f := newFixture(t, with(full, c.rule, a), switchTo(c.upgrade))
				addr := f.h1.Listener.Addr().String()
				wrapped := rawDo(t, addr, "GET", "/x", "Upgrade", "websocket")
				var want []ev
				if c.broken && a != Off {
					want = []ev{{c.rule, Report, 101}}
				}
				if got := f.events(); !equalEvents(got, want) {
					t.Errorf("events %v, want %v", got, want)
				}
				if wrapped.status != 101 {
					t.Errorf("status %d, want 101", wrapped.status)
				}
				direct := rawDo(t, addr, "GET", "/direct/x", "Upgrade", "websocket")
				if !bytes.Equal(wrapped.bytes, direct.bytes) {
					t.Errorf("bytes differ\nwrapped: %q\ndirect:  %q", wrapped.bytes, direct.bytes)
				}
			})
		}
	}
}
