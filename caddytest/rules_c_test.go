package caddytest

import (
	"net/http"
	"testing"
)

// The report-only field and status rules (group rules-c) and
// request-field-in-response. A report-only rule never changes the wire:
// its broken cases must come out of every route as stock Caddy sends
// them, counted as reported by /enforce/, /report/ and /rulereport/ and
// not at all by /off/; its correct cases, in unusual but valid forms, pass
// everywhere uncounted.

// ok200 is an upstream 200 with the given fields and a short body.
func ok200(headers ...string) string {
	return upstream("HTTP/1.1 200 OK", "ok", append(headers, "Content-Length: 2")...)
}

// same wants the field to come through with exactly this value.
func same(field, value string) expect {
	return expect{header: map[string]string{field: value}}
}

// reportOnlyTable runs rule's broken cases (reported, as stock) and its
// correct ones (untouched).
func reportOnlyTable(t *testing.T, rule string, broken, correct []ruleCase) {
	t.Helper()
	var cases []ruleCase
	for _, c := range broken {
		c.action = reported
		cases = append(cases, c)
	}
	cases = append(cases, correct...)
	runRuleTable(t, ruleTable{rule: rule, cases: cases})
}

func TestRuleVaryInvalid(t *testing.T) {
	reportOnlyTable(t, "vary-invalid",
		[]ruleCase{
			{name: "vary-space", upstream: ok200("Vary: Accept Encoding")},
			{name: "vary-quoted", upstream: ok200(`Vary: "Accept"`, "Vary: Origin")},
		},
		[]ruleCase{
			{name: "vary-star-and-names", upstream: ok200("Vary: Accept-Encoding, *"), want: same("Vary", "Accept-Encoding, *")},
			{name: "vary-two-lines", upstream: ok200("Vary: origin ,accept-language", "Vary: Accept"),
				want: expect{ignore: []string{"Vary"}}},
		})
}

func TestRuleContentTypeInvalid(t *testing.T) {
	reportOnlyTable(t, "content-type-invalid",
		[]ruleCase{
			{name: "type-no-subtype", upstream: ok200("Content-Type: html")},
			{name: "type-param-no-value", upstream: ok200("Content-Type: text/html;charset")},
			{name: "type-respond", fixture: dateLine + "header Content-Type \"text /plain\"\nrespond \"ok\" 200"},
		},
		[]ruleCase{
			{name: "type-upper-no-space", upstream: ok200("Content-Type: TEXT/HTML;Charset=UTF-8"), want: same("Content-Type", "TEXT/HTML;Charset=UTF-8")},
			{name: "type-quoted-boundary", upstream: ok200(`Content-Type: multipart/form-data; boundary="a; b,c"`),
				want: same("Content-Type", `multipart/form-data; boundary="a; b,c"`)},
		})
}

func TestRuleContentEncodingInvalid(t *testing.T) {
	gzip := map[string]string{"Accept-Encoding": "gzip"}
	reportOnlyTable(t, "content-encoding-invalid",
		[]ruleCase{
			{name: "coding-with-q", reqHeader: gzip, upstream: ok200("Content-Encoding: gzip; q=1", "Vary: Accept-Encoding")},
			{name: "coding-space", reqHeader: gzip, upstream: ok200("Content-Encoding: x gzip", "Vary: Accept-Encoding")},
		},
		[]ruleCase{
			{name: "coding-list", reqHeader: map[string]string{"Accept-Encoding": "*"}, upstream: ok200("Content-Encoding: deflate ,BR", "Vary: Accept-Encoding"),
				want: same("Content-Encoding", "deflate ,BR")},
		})
}

func TestRuleContentEncodingUnaccepted(t *testing.T) {
	reportOnlyTable(t, "content-encoding-unaccepted",
		[]ruleCase{
			{name: "br-to-gzip", reqHeader: map[string]string{"Accept-Encoding": "gzip, deflate"}, upstream: ok200("Content-Encoding: br", "Vary: Accept-Encoding")},
			{name: "gzip-refused", reqHeader: map[string]string{"Accept-Encoding": "gzip;q=0, *"}, upstream: ok200("Content-Encoding: gzip", "Vary: Accept-Encoding")},
		},
		[]ruleCase{
			{name: "x-gzip-to-gzip", reqHeader: map[string]string{"Accept-Encoding": "br;q=1.0, GZIP;q=0.5"}, upstream: ok200("Content-Encoding: x-gzip", "Vary: Accept-Encoding"),
				want: same("Content-Encoding", "x-gzip")},
			{name: "star", reqHeader: map[string]string{"Accept-Encoding": "*;q=0.1"}, upstream: ok200("Content-Encoding: zstd", "Vary: Accept-Encoding"),
				want: same("Content-Encoding", "zstd")},
		})
}

func TestRuleAllowInvalid(t *testing.T) {
	reportOnlyTable(t, "allow-invalid",
		[]ruleCase{
			{name: "allow-spaces", method: http.MethodDelete, upstream: noContent("HTTP/1.1 405 Method Not Allowed", "Allow: GET HEAD")},
			{name: "allow-semicolons", upstream: ok200("Allow: GET; POST")},
		},
		[]ruleCase{
			{name: "allow-empty", method: http.MethodDelete, upstream: noContent("HTTP/1.1 405 Method Not Allowed", "Allow: "),
				want: expect{status: 405}},
			{name: "allow-extension-methods", method: http.MethodDelete,
				upstream: noContent("HTTP/1.1 405 Method Not Allowed", "Allow: GET,HEAD", "Allow: PROPFIND"),
				want:     expect{status: 405, ignore: []string{"Allow"}}},
		})
}

func TestRuleAcceptRangesInvalid(t *testing.T) {
	reportOnlyTable(t, "accept-ranges-invalid",
		[]ruleCase{
			{name: "ranges-spec", upstream: ok200("Accept-Ranges: bytes=0-")},
		},
		[]ruleCase{
			{name: "ranges-none", upstream: ok200("Accept-Ranges: none"), want: same("Accept-Ranges", "none")},
			{name: "ranges-two", upstream: ok200("Accept-Ranges: bytes, x-rows"), want: same("Accept-Ranges", "bytes, x-rows")},
		})
}

func TestRuleWWWAuthenticateInvalid(t *testing.T) {
	unauthorized := func(challenge string) string {
		return upstream("HTTP/1.1 401 Unauthorized", "who?", "WWW-Authenticate: "+challenge, "Content-Length: 4")
	}
	reportOnlyTable(t, "www-authenticate-invalid",
		[]ruleCase{
			{name: "challenge-no-scheme", upstream: unauthorized(`realm="app"`)},
			{name: "challenge-repeated-param", upstream: unauthorized(`Basic realm="a", REALM="b"`)},
			{name: "challenge-unterminated", upstream: unauthorized(`Bearer realm="a`)},
		},
		[]ruleCase{
			{name: "challenges-two-with-escapes", upstream: unauthorized(`Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple"`),
				want: expect{status: 401, header: map[string]string{"Www-Authenticate": `Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple"`}}},
			{name: "challenge-token68", upstream: unauthorized("Negotiate YIIBzgYGKwYBBQUCoIIBwjCCAb6gMDAuBgkqhkiC9xIBAgIGCSqGSIb3EgECAgYKKwYBBAGCNwICHgYKKwYBBAGCNwICCqKCAYgEggGETlRMTVNTUAABAAAAl4II4g=="),
				want: expect{status: 401}},
		})
}

// TestRuleProxyAuthenticateInvalid: Caddy's reverse_proxy strips an
// upstream's Proxy-Authenticate (hop-by-hop), so the challenges come from
// respond fixtures.
func TestRuleProxyAuthenticateInvalid(t *testing.T) {
	respond407 := func(challenge string) string {
		return dateLine + "header Proxy-Authenticate `" + challenge + "`\nrespond \"who?\" 407"
	}
	reportOnlyTable(t, "proxy-authenticate-invalid",
		[]ruleCase{
			{name: "proxy-challenge-comma", fixture: respond407(`Basic, realm="p"`)},
		},
		[]ruleCase{
			{name: "proxy-challenge-params", fixture: respond407(`Basic realm="proxy", charset="UTF-8"`),
				want: expect{status: 407, header: map[string]string{"Proxy-Authenticate": `Basic realm="proxy", charset="UTF-8"`}}},
		})
}

func TestRuleLinkInvalid(t *testing.T) {
	reportOnlyTable(t, "link-invalid",
		[]ruleCase{
			{name: "link-no-rel", upstream: ok200("Link: </style.css>")},
			{name: "link-no-brackets", upstream: ok200("Link: /style.css; rel=preload")},
			{name: "link-two-rels", upstream: ok200("Link: </a>; rel=next; rel=prev")},
		},
		[]ruleCase{
			{name: "link-comma-in-uri-ext-value", upstream: ok200(`Link: </a,b>; rel="next prev"; title*=UTF-8'en'a%20b, <https://example.com/>; REL=canonical`),
				want: same("Link", `</a,b>; rel="next prev"; title*=UTF-8'en'a%20b, <https://example.com/>; REL=canonical`)},
		})
}

// TestRuleViaInvalid: Caddy adds its own "1.1 Caddy" to a proxied
// response's Via; it is valid and the upstream's entries are judged with
// it.
func TestRuleViaInvalid(t *testing.T) {
	reportOnlyTable(t, "via-invalid",
		[]ruleCase{
			{name: "via-no-protocol", upstream: ok200("Via: proxy1")},
		},
		[]ruleCase{
			{name: "via-comment-ipv6", upstream: ok200("Via: 1.0 fred, 1.1 p.example.net (Apache/1.1)", "Via: 2 [2001:db8::1]:8443"),
				want: expect{ignore: []string{"Via"}}},
		})
}

func TestRuleProxyStatusInvalid(t *testing.T) {
	badGatewayWith := func(v string) string {
		return upstream("HTTP/1.1 502 Bad Gateway", "down", "Proxy-Status: "+v, "Content-Length: 4")
	}
	reportOnlyTable(t, "proxy-status-invalid",
		[]ruleCase{
			{name: "proxy-status-words", upstream: badGatewayWith("connection refused")},
			{name: "proxy-status-trailing-comma", upstream: badGatewayWith("ExampleCDN; error=http_request_error,")},
		},
		[]ruleCase{
			{name: "proxy-status-params", upstream: badGatewayWith(`ExampleCDN; error=connection_refused; details="port 8080", "r2"`),
				want: expect{status: 502, header: map[string]string{"Proxy-Status": `ExampleCDN; error=connection_refused; details="port 8080", "r2"`}}},
		})
}

func TestRuleCacheStatusInvalid(t *testing.T) {
	reportOnlyTable(t, "cache-status-invalid",
		[]ruleCase{
			{name: "cache-status-words", upstream: ok200("Cache-Status: HIT from cache1")},
		},
		[]ruleCase{
			{name: "cache-status-params", upstream: ok200(`Cache-Status: OriginCache; hit; ttl=1100, "CDN Company Here"; fwd=uri-miss; stored`),
				want: same("Cache-Status", `OriginCache; hit; ttl=1100, "CDN Company Here"; fwd=uri-miss; stored`)},
		})
}

func TestRuleCacheControlConflict(t *testing.T) {
	reportOnlyTable(t, "cache-control-conflict",
		[]ruleCase{
			{name: "cc-public-private", upstream: ok200("Cache-Control: public, private")},
			{name: "cc-no-store-max-age", upstream: ok200("Cache-Control: no-store", "Cache-Control: max-age=3600")},
			{name: "cc-two-max-ages", upstream: ok200("Cache-Control: max-age=60, max-age=3600")},
		},
		[]ruleCase{
			{name: "cc-no-store-max-age-0", upstream: ok200("Cache-Control: no-store, max-age=0"), want: same("Cache-Control", "no-store, max-age=0")},
			{name: "cc-must-revalidate", upstream: ok200("Cache-Control: max-age=0, must-revalidate"), want: same("Cache-Control", "max-age=0, must-revalidate")},
		})
}

func TestRuleCacheControlExtensionInvalid(t *testing.T) {
	reportOnlyTable(t, "cache-control-extension-invalid",
		[]ruleCase{
			{name: "cc-immutable-value", upstream: ok200("Cache-Control: max-age=60, immutable=1")},
			{name: "cc-swr-quoted", upstream: ok200(`Cache-Control: max-age=60, stale-while-revalidate="30"`)},
		},
		[]ruleCase{
			{name: "cc-extensions", upstream: ok200("Cache-Control: max-age=31536000, Immutable, stale-while-revalidate=60, stale-if-error=86400"),
				want: same("Cache-Control", "max-age=31536000, Immutable, stale-while-revalidate=60, stale-if-error=86400")},
		})
}

func TestRuleSetCookieInvalid(t *testing.T) {
	reportOnlyTable(t, "set-cookie-invalid",
		[]ruleCase{
			{name: "cookie-space", upstream: ok200("Set-Cookie: id=a b", "Cache-Control: private")},
			{name: "cookie-no-space-after-semicolon", upstream: ok200("Set-Cookie: id=x;Path=/", "Cache-Control: private")},
			{name: "cookie-negative-max-age", upstream: ok200("Set-Cookie: id=x; Max-Age=-1", "Cache-Control: private")},
		},
		[]ruleCase{
			{name: "cookie-every-attribute", upstream: ok200(`Set-Cookie: id="q"; Path=/; Domain=.example.com; Max-Age=0; SameSite=Strict; Secure; HttpOnly`, "Cache-Control: private"),
				want: same("Set-Cookie", `id="q"; Path=/; Domain=.example.com; Max-Age=0; SameSite=Strict; Secure; HttpOnly`)},
		})
}

func TestRuleSetCookieRepeated(t *testing.T) {
	reportOnlyTable(t, "set-cookie-repeated",
		[]ruleCase{
			{name: "cookie-twice", upstream: ok200("Set-Cookie: id=1", "Set-Cookie: id=2", "Cache-Control: no-store")},
			{name: "cookie-path-twice", upstream: ok200("Set-Cookie: id=1; Path=/; path=/a", "Cache-Control: no-store")},
		},
		[]ruleCase{
			{name: "cookies-differ-in-case", upstream: ok200("Set-Cookie: id=1", "Set-Cookie: ID=2", "Cache-Control: no-store"),
				want: expect{ignore: []string{"Set-Cookie"}}},
		})
}

func TestRuleSetCookieCacheable(t *testing.T) {
	reportOnlyTable(t, "set-cookie-cacheable",
		[]ruleCase{
			{name: "cookie-on-200", upstream: ok200("Set-Cookie: id=1")},
			{name: "cookie-on-304", upstream: upstream("HTTP/1.1 304 Not Modified", "", `ETag: "v1"`, "Set-Cookie: id=1", "Cache-Control: private")},
			{name: "cookie-on-fresh-redirect", upstream: noContent("HTTP/1.1 302 Found", "Location: /", "Cache-Control: max-age=60", "Set-Cookie: id=1")},
		},
		[]ruleCase{
			{name: "cookie-private", upstream: ok200("Set-Cookie: id=1", "Cache-Control: private, max-age=60"), want: same("Set-Cookie", "id=1")},
			{name: "cookie-on-plain-redirect", upstream: noContent("HTTP/1.1 302 Found", "Location: /", "Set-Cookie: id=1"),
				want: expect{status: 302, header: map[string]string{"Set-Cookie": "id=1"}}},
		})
}

func TestRuleStatusDeprecated(t *testing.T) {
	reportOnlyTable(t, "status-deprecated",
		[]ruleCase{
			{name: "status-418", upstream: upstream("HTTP/1.1 418 I'm a teapot", "tea", "Content-Length: 3")},
			{name: "status-305", upstream: noContent("HTTP/1.1 305 Use Proxy", "Location: http://proxy.example/")},
		},
		[]ruleCase{
			{name: "status-307", upstream: noContent("HTTP/1.1 307 Temporary Redirect", "Location: /there"), want: expect{status: 307}},
		})
}

func TestRuleMultipartByterangesInvalid(t *testing.T) {
	const parts = "--3d\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/10\r\n\r\nab\r\n--3d--\r\n"
	partial := func(headers ...string) string {
		return upstream("HTTP/1.1 206 Partial Content", parts, append(headers, "Content-Length: 74")...)
	}
	reportOnlyTable(t, "multipart-byteranges-invalid",
		[]ruleCase{
			{name: "multipart-no-boundary", upstream: partial("Content-Type: multipart/byteranges")},
			{name: "multipart-with-content-range", upstream: partial("Content-Type: multipart/byteranges; boundary=3d", "Content-Range: bytes 0-1/10")},
		},
		[]ruleCase{
			{name: "multipart-quoted-boundary", upstream: partial(`Content-Type: multipart/byteranges; Boundary="3d"`),
				want: expect{status: 206, header: map[string]string{"Content-Type": `multipart/byteranges; Boundary="3d"`}}},
		})
}

// TestRuleRequestFieldInResponse: request-only fields an upstream echoes
// are removed when enforced; the response's own fields stay.
func TestRuleRequestFieldInResponse(t *testing.T) {
	removed := []string{"Host", "Cookie", "Authorization", "If-None-Match"}
	runRuleTable(t, ruleTable{
		rule: "request-field-in-response",
		cases: []ruleCase{
			{name: "echoed-request-fields", action: enforced,
				upstream: ok200("Host: internal:8080", "Cookie: session=secret", "Authorization: Basic YTpi", "X-Kept: 1"),
				want:     expect{header: map[string]string{"X-Kept": "1"}, absent: removed, body: str("ok")}},
			{name: "conditional-on-304", action: enforced,
				upstream: upstream("HTTP/1.1 304 Not Modified", "", `ETag: "v1"`, `If-None-Match: "v1"`),
				want:     expect{status: 304, header: map[string]string{"ETag": `"v1"`}, absent: removed}},
			// Correct: Accept and Accept-Encoding belong in a 415.
			{name: "accept-on-415",
				upstream: noContent("HTTP/1.1 415 Unsupported Media Type", "Accept: application/json", "Accept-Encoding: gzip"),
				want:     expect{status: 415, header: map[string]string{"Accept": "application/json", "Accept-Encoding": "gzip"}}},
		},
	})
}

// TestRuleSetCookieExpiresDate: an unambiguous cookie date is rewritten as
// an IMF-fixdate; what is no date is only reported.
func TestRuleSetCookieExpiresDate(t *testing.T) {
	runRuleTable(t, ruleTable{
		rule: "set-cookie-expires-date",
		cases: []ruleCase{
			{name: "cookie-netscape-date", action: enforced,
				upstream: ok200("Set-Cookie: id=x; Expires=Wed, 21-Oct-2015 07:28:00 GMT; Secure", "Cache-Control: private"),
				want:     expect{header: map[string]string{"Set-Cookie": "id=x; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Secure"}, body: str("ok")}},
			{name: "cookie-offset-date", action: enforced,
				upstream: ok200("Set-Cookie: id=x; Path=/; expires=Thu, 1 Jan 2099 10:00:00 -0200", "Cache-Control: private"),
				want:     expect{header: map[string]string{"Set-Cookie": "id=x; Path=/; expires=Thu, 01 Jan 2099 12:00:00 GMT"}, body: str("ok")}},
			// Not a date: enforce reports, the wire is as stock.
			{name: "cookie-expires-zero", action: reported,
				upstream: ok200("Set-Cookie: id=x; Expires=0", "Cache-Control: private")},
			// Correct.
			{name: "cookie-imf-fixdate",
				upstream: ok200("Set-Cookie: id=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/", "Cache-Control: private"),
				want:     same("Set-Cookie", "id=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/")},
		},
	})
}

// TestRuleServerDetail: an upstream's detailed Server is cut to its first
// product's name.
func TestRuleServerDetail(t *testing.T) {
	runRuleTable(t, ruleTable{
		rule: "server-detail",
		cases: []ruleCase{
			{name: "server-apache", action: enforced,
				upstream: ok200("Server: Apache/2.4.41 (Ubuntu) OpenSSL/1.1.1f PHP/7.4.3"),
				want:     expect{header: map[string]string{"Server": "Apache"}, body: str("ok")}},
			{name: "server-nginx-404", action: enforced,
				upstream: upstream("HTTP/1.1 404 Not Found", "no", "Server: nginx/1.25.3", "Content-Length: 2"),
				want:     expect{status: 404, header: map[string]string{"Server": "nginx"}, body: str("no")}},
			// Correct.
			{name: "server-name-only", upstream: ok200("Server: gws"), want: same("Server", "gws")},
		},
	})
}
