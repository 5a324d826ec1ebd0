package caddytest

import (
	"net/http"
	"testing"
)

// The rules for fields a status requires: normalize adds the configured
// value, or only reports when there is none to add.

func noContent(statusLine string, headers ...string) string {
	return upstream(statusLine, "", append(headers, "Content-Length: 0")...)
}

// unconfigured is a route with normalize in its default setup.
var unconfigured = route{name: "unconfigured", normalize: normalizeWith()}

func TestRuleAllowMissing(t *testing.T) {
	// Allow describes one resource (RFC 9110 §10.2.1): the list added to a
	// 405 never names the refused method, GET going with HEAD.
	getHead := route{name: "gethead", normalize: normalizeWith("allow GET HEAD")}
	runRuleTable(t, ruleTable{
		rule:     "allow-missing",
		settings: []string{"allow GET HEAD POST"},
		extra:    []route{unconfigured, getHead},
		cases: []ruleCase{
			{name: "405-no-allow", method: http.MethodDelete, action: enforced,
				upstream: noContent("HTTP/1.1 405 Method Not Allowed"),
				want:     expect{status: 405, header: map[string]string{"Allow": "GET, HEAD, POST"}}},
			{name: "405-get-no-allow", action: enforced,
				upstream: noContent("HTTP/1.1 405 Method Not Allowed"),
				want:     expect{status: 405, header: map[string]string{"Allow": "POST"}}},
			{name: "405-post-no-allow", method: http.MethodPost, action: enforced,
				upstream: noContent("HTTP/1.1 405 Method Not Allowed"),
				want:     expect{status: 405, header: map[string]string{"Allow": "GET, HEAD"}}},
			// Nothing left of GET, HEAD when GET is refused: reported only.
			{name: "405-get-nothing-left", route: getHead.name, action: reported,
				upstream: noContent("HTTP/1.1 405 Method Not Allowed"),
				want:     expect{status: 405, absent: []string{"Allow"}}},
			{name: "405-no-allow-unconfigured", route: unconfigured.name, action: reported,
				upstream: noContent("HTTP/1.1 405 Method Not Allowed"),
				want:     expect{status: 405, absent: []string{"Allow"}}},
			// Correct responses keep their own Allow, byte for byte.
			{name: "405-with-allow", method: http.MethodPost,
				upstream: noContent("HTTP/1.1 405 Method Not Allowed", "Allow: GET,PUT ,  DELETE"),
				want:     expect{status: 405, header: map[string]string{"Allow": "GET,PUT ,  DELETE"}}},
			{name: "405-empty-allow", method: http.MethodPost,
				upstream: noContent("HTTP/1.1 405 Method Not Allowed", "Allow: "),
				want:     expect{status: 405}},
			{name: "get-200-no-allow",
				upstream: noContent("HTTP/1.1 200 OK"),
				want:     expect{status: 200, absent: []string{"Allow"}}},
		},
	})
}

// TestRuleOptionsAllowMissing: a 2xx to OPTIONS SHOULD carry Allow
// (RFC 9110 §9.3.7); a CORS preflight is not this rule's business.
func TestRuleOptionsAllowMissing(t *testing.T) {
	allow := map[string]string{"Allow": "GET, HEAD, POST"}
	preflight := map[string]string{"Origin": "https://app.example", "Access-Control-Request-Method": "PUT"}
	runRuleTable(t, ruleTable{
		rule:     "options-allow-missing",
		settings: []string{"allow GET HEAD POST"},
		extra:    []route{unconfigured},
		cases: []ruleCase{
			{name: "options-200-no-allow", method: http.MethodOptions, action: enforced,
				upstream: noContent("HTTP/1.1 200 OK"),
				want:     expect{status: 200, header: allow}},
			{name: "options-204-no-allow", method: http.MethodOptions, action: enforced,
				upstream: upstream("HTTP/1.1 204 No Content", ""),
				want:     expect{status: 204, header: allow}},
			{name: "options-200-no-allow-unconfigured", method: http.MethodOptions, route: unconfigured.name, action: reported,
				upstream: noContent("HTTP/1.1 200 OK"),
				want:     expect{status: 200, absent: []string{"Allow"}}},
			// Correct.
			{name: "options-with-allow", method: http.MethodOptions,
				upstream: noContent("HTTP/1.1 200 OK", "Allow: OPTIONS, GET"),
				want:     expect{status: 200, header: map[string]string{"Allow": "OPTIONS, GET"}}},
			{name: "options-cors-preflight", method: http.MethodOptions, reqHeader: preflight,
				upstream: upstream("HTTP/1.1 204 No Content", "", "Access-Control-Allow-Origin: https://app.example", "Access-Control-Allow-Methods: PUT"),
				want:     expect{status: 204, absent: []string{"Allow"}}},
			{name: "options-404-no-allow", method: http.MethodOptions,
				upstream: noContent("HTTP/1.1 404 Not Found"),
				want:     expect{status: 404, absent: []string{"Allow"}}},
		},
	})
}

// TestRuleAllowListsRefused: an origin's Allow that lists the refused
// method is reported, never modified (RFC 9110 §10.2.1).
func TestRuleAllowListsRefused(t *testing.T) {
	runRuleTable(t, ruleTable{
		rule:     "allow-lists-refused",
		settings: []string{"allow GET HEAD POST"},
		cases: []ruleCase{
			{name: "405-get-allow-get", action: reported,
				upstream: noContent("HTTP/1.1 405 Method Not Allowed", "Allow: GET, HEAD"),
				want:     expect{status: 405, header: map[string]string{"Allow": "GET, HEAD"}}},
			{name: "405-delete-allow-delete", method: http.MethodDelete, action: reported,
				upstream: noContent("HTTP/1.1 405 Method Not Allowed", "Allow: GET", "Allow: DELETE"),
				want:     expect{status: 405}},
			// Correct.
			{name: "405-delete-allow-get", method: http.MethodDelete,
				upstream: noContent("HTTP/1.1 405 Method Not Allowed", "Allow: GET, HEAD"),
				want:     expect{status: 405, header: map[string]string{"Allow": "GET, HEAD"}}},
		},
	})
}

func TestRuleWWWAuthenticateMissing(t *testing.T) {
	runRuleTable(t, ruleTable{
		rule:     "www-authenticate-missing",
		settings: []string{"www_authenticate `Bearer realm=\"api\"`"},
		extra:    []route{unconfigured},
		cases: []ruleCase{
			{name: "401-no-challenge", action: enforced,
				upstream: noContent("HTTP/1.1 401 Unauthorized"),
				want:     expect{status: 401, header: map[string]string{"WWW-Authenticate": `Bearer realm="api"`}}},
			{name: "401-respond-no-challenge", action: enforced,
				fixture: dateLine + `respond "who are you?" 401`,
				want:    expect{status: 401, header: map[string]string{"WWW-Authenticate": `Bearer realm="api"`}}},
			{name: "401-no-challenge-unconfigured", route: unconfigured.name, action: reported,
				upstream: noContent("HTTP/1.1 401 Unauthorized"),
				want:     expect{status: 401, absent: []string{"WWW-Authenticate"}}},
			{name: "401-with-challenge",
				upstream: noContent("HTTP/1.1 401 Unauthorized", `WWW-Authenticate: Basic realm="upstream", charset="UTF-8"`),
				want:     expect{status: 401, header: map[string]string{"WWW-Authenticate": `Basic realm="upstream", charset="UTF-8"`}}},
			{name: "401-two-challenges",
				upstream: noContent("HTTP/1.1 401 Unauthorized", `WWW-Authenticate: Newauth realm="apps"`, `WWW-Authenticate: Basic realm="simple"`)},
		},
	})
}

// Caddy's reverse_proxy drops Proxy-Authenticate and Upgrade from
// upstream responses (hop-by-hop fields), so the cases that carry them
// set them with the header directive after normalize.

func TestRuleProxyAuthenticateMissing(t *testing.T) {
	challenge := map[string]string{"Proxy-Authenticate": `Basic realm="proxy"`}
	runRuleTable(t, ruleTable{
		rule:     "proxy-authenticate-missing",
		settings: []string{"proxy_authenticate `Basic realm=\"proxy\"`"},
		extra:    []route{unconfigured},
		cases: []ruleCase{
			{name: "407-no-challenge", action: enforced,
				upstream: noContent("HTTP/1.1 407 Proxy Authentication Required"),
				want:     expect{status: 407, header: challenge}},
			{name: "407-respond-no-challenge", action: enforced,
				fixture: dateLine + "respond 407",
				want:    expect{status: 407, header: challenge}},
			{name: "407-no-challenge-unconfigured", route: unconfigured.name, action: reported,
				fixture: dateLine + "respond 407",
				want:    expect{status: 407, absent: []string{"Proxy-Authenticate"}}},
			{name: "407-with-challenge",
				fixture: dateLine + "header Proxy-Authenticate `Basic realm=\"edge\"`\nrespond 407",
				want:    expect{status: 407, header: map[string]string{"Proxy-Authenticate": `Basic realm="edge"`}}},
		},
	})
}

func TestRuleUpgradeMissing(t *testing.T) {
	upgraded := expect{status: 426, header: map[string]string{"Upgrade": "websocket"},
		ignore: []string{"Connection"}, check: connectionOptions("upgrade", "close")}
	reportedOnly := outcome{action: reported, want: expect{status: 426, absent: []string{"Upgrade"}}}
	upgradeOnlyReported := map[string]outcome{protoH2: reportedOnly, protoH2C: reportedOnly, protoH3: reportedOnly}
	runRuleTable(t, ruleTable{
		rule:     "upgrade-missing",
		settings: []string{"upgrade websocket"},
		extra:    []route{unconfigured},
		cases: []ruleCase{
			// Over HTTP/1.1 the added Upgrade comes with the "upgrade"
			// connection option (RFC 9110 §7.8), next to the "close"
			// the raw client asked for. Over h2, h2c and h3 an Upgrade
			// field makes the response malformed (RFC 9113 §8.2.2, RFC
			// 9114 §4.2): the rule only reports there.
			{name: "426-no-upgrade", action: enforced,
				upstream: noContent("HTTP/1.1 426 Upgrade Required"),
				want:     upgraded, over: upgradeOnlyReported},
			{name: "426-respond-no-upgrade", action: enforced,
				fixture: dateLine + "respond 426",
				want:    upgraded, over: upgradeOnlyReported},
			{name: "426-no-upgrade-unconfigured", route: unconfigured.name, action: reported,
				fixture: dateLine + "respond 426",
				want:    expect{status: 426, absent: []string{"Upgrade"}}},
			// Over h2, h2c and h3 the header directive's Upgrade makes
			// stock Caddy's response malformed too, and normalize passes
			// it on as stock: the client refuses both alike.
			{name: "426-with-upgrade",
				fixture: dateLine + "header Upgrade TLS/1.3\nrespond 426",
				want:    expect{status: 426, header: map[string]string{"Upgrade": "TLS/1.3"}}},
		},
	})
}

func TestRuleRetryAfterMissing(t *testing.T) {
	retry := map[string]string{"Retry-After": "120"}
	runRuleTable(t, ruleTable{
		rule:     "retry-after-missing",
		settings: []string{"retry_after 120"},
		cases: []ruleCase{
			{name: "503-missing", action: enforced,
				upstream: noContent("HTTP/1.1 503 Service Unavailable"),
				want:     expect{status: 503, header: retry}},
			{name: "429-missing", action: enforced,
				upstream: upstream("HTTP/1.1 429 Too Many Requests", "slow down", "Content-Length: 9"),
				want:     expect{status: 429, header: retry, body: str("slow down")}},
			{name: "503-respond-missing", action: enforced,
				fixture: dateLine + `respond "come back later" 503`,
				want:    expect{status: 503, header: retry, body: str("come back later")}},
			{name: "503-seconds",
				upstream: noContent("HTTP/1.1 503 Service Unavailable", "Retry-After: 30"),
				want:     expect{status: 503, header: map[string]string{"Retry-After": "30"}}},
			{name: "429-date",
				upstream: noContent("HTTP/1.1 429 Too Many Requests", "Retry-After: Fri, 31 Dec 1999 23:59:59 GMT"),
				want:     expect{status: 429, header: map[string]string{"Retry-After": "Fri, 31 Dec 1999 23:59:59 GMT"}}},
			{name: "200-no-retry",
				upstream: noContent("HTTP/1.1 200 OK"),
				want:     expect{status: 200, absent: []string{"Retry-After"}}},
		},
	})
}

func TestRuleLocationMissing(t *testing.T) {
	// Report only: nothing changes on the wire, in any mode.
	runRuleTable(t, ruleTable{
		rule: "location-missing",
		cases: []ruleCase{
			{name: "301-no-location", action: reported,
				upstream: noContent("HTTP/1.1 301 Moved Permanently"),
				want:     expect{status: 301, absent: []string{"Location"}}},
			{name: "201-no-location", method: http.MethodPost, action: reported,
				upstream: upstream("HTTP/1.1 201 Created", `{"id":1}`, "Content-Type: application/json", "Content-Length: 8"),
				want:     expect{status: 201, absent: []string{"Location"}, body: str(`{"id":1}`)}},
			// Correct: a 201 to PUT means the target URI (RFC 9110 §15.3.2).
			{name: "201-put-no-location", method: http.MethodPut,
				upstream: upstream("HTTP/1.1 201 Created", `{"id":1}`, "Content-Type: application/json", "Content-Length: 8"),
				want:     expect{status: 201, absent: []string{"Location"}, body: str(`{"id":1}`)}},
			{name: "308-respond-no-location", action: reported,
				fixture: dateLine + "respond 308",
				want:    expect{status: 308, absent: []string{"Location"}}},
			{name: "302-location",
				upstream: noContent("HTTP/1.1 302 Found", "Location: /there"),
				want:     expect{status: 302, header: map[string]string{"Location": "/there"}}},
			{name: "200-no-location",
				upstream: noContent("HTTP/1.1 200 OK"),
				want:     expect{status: 200, absent: []string{"Location"}}},
		},
	})
}

func TestRuleContentRangeMissing(t *testing.T) {
	const part = "--sep\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/10\r\n\r\nhe\r\n--sep--\r\n"
	runRuleTable(t, ruleTable{
		rule: "content-range-missing",
		cases: []ruleCase{
			{name: "206-no-range", action: reported,
				upstream: upstream("HTTP/1.1 206 Partial Content", "hello", "Content-Length: 5"),
				want:     expect{status: 206, absent: []string{"Content-Range"}, body: str("hello")}},
			{name: "206-with-range",
				upstream: upstream("HTTP/1.1 206 Partial Content", "hello", "Content-Range: bytes 0-4/10", "Content-Length: 5"),
				want:     expect{status: 206, header: map[string]string{"Content-Range": "bytes 0-4/10"}, body: str("hello")}},
			{name: "206-multipart",
				upstream: upstream("HTTP/1.1 206 Partial Content", part,
					"Content-Type: multipart/byteranges; boundary=sep", "Content-Length: "+itoa(len(part))),
				want: expect{status: 206, absent: []string{"Content-Range"}, body: str(part)}},
		},
	})
}

// TestRuleContentRange416Missing: a 416 SHOULD state the length in
// Content-Range (RFC 9110 §15.5.17); only the origin knows it: reported.
func TestRuleContentRange416Missing(t *testing.T) {
	runRuleTable(t, ruleTable{
		rule: "content-range-416-missing",
		cases: []ruleCase{
			{name: "416-no-range", action: reported,
				upstream: noContent("HTTP/1.1 416 Range Not Satisfiable"),
				want:     expect{status: 416, absent: []string{"Content-Range"}}},
			{name: "416-with-range",
				upstream: noContent("HTTP/1.1 416 Range Not Satisfiable", "Content-Range: bytes */10"),
				want:     expect{status: 416, header: map[string]string{"Content-Range": "bytes */10"}}},
		},
	})
}

// TestRuleRetryAfter413Missing: a 413 for a temporary condition SHOULD
// carry Retry-After (RFC 9110 §15.5.14); whether it is temporary only the
// origin knows: reported, even with retry_after configured.
func TestRuleRetryAfter413Missing(t *testing.T) {
	runRuleTable(t, ruleTable{
		rule:     "retry-after-413-missing",
		settings: []string{"retry_after 120"},
		cases: []ruleCase{
			{name: "413-no-retry-after", method: http.MethodPost, action: reported,
				upstream: noContent("HTTP/1.1 413 Content Too Large"),
				want:     expect{status: 413, absent: []string{"Retry-After"}}},
			{name: "413-with-retry-after", method: http.MethodPost,
				upstream: noContent("HTTP/1.1 413 Content Too Large", "Retry-After: 60"),
				want:     expect{status: 413, header: map[string]string{"Retry-After": "60"}}},
		},
	})
}

// TestRuleLink451Missing: a 451 SHOULD link to the blocking entity with
// rel="blocked-by" (RFC 7725 §4): reported.
func TestRuleLink451Missing(t *testing.T) {
	runRuleTable(t, ruleTable{
		rule: "link-451-missing",
		cases: []ruleCase{
			{name: "451-no-link", action: reported,
				upstream: noContent("HTTP/1.1 451 Unavailable For Legal Reasons"),
				want:     expect{status: 451, absent: []string{"Link"}}},
			{name: "451-other-link", action: reported,
				upstream: noContent("HTTP/1.1 451 Unavailable For Legal Reasons", `Link: </terms>; rel="terms-of-service"`),
				want:     expect{status: 451, header: map[string]string{"Link": `</terms>; rel="terms-of-service"`}}},
			{name: "451-blocked-by",
				upstream: noContent("HTTP/1.1 451 Unavailable For Legal Reasons", `Link: <https://authority.example/>; rel="blocked-by"`),
				want:     expect{status: 451, header: map[string]string{"Link": `<https://authority.example/>; rel="blocked-by"`}}},
		},
	})
}
