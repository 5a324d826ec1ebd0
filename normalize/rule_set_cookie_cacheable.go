package normalize

import (
	"net/http"
	"strings"

	"github.com/respnorm/caddy-normalize/responses"
)

// RuleSetCookieCacheable: a Set-Cookie on a 304 Not Modified, or on a
// response a shared cache may store. RFC 9111 §7.3 notes that Set-Cookie
// "does not inhibit caching": a shared cache may store the cookie with the
// response and hand it to other users, and a cache merges a 304's fields
// into the stored response (§3.2, §4.3.4). No BCP 14 keyword forbids it,
// so this is an advisory, at the engine's lowest level, MAY. Only the
// origin can say whether the cookie is per user (Cache-Control: private
// or no-store); the rule reports.
//
// A response is taken as storable by a shared cache (§3, §3.5, §4.2.2)
// when its Cache-Control has neither no-store nor private (nor no-cache
// with s-maxage=0, a common way to say "not shared"), and it has explicit
// freshness (public, max-age, s-maxage, Expires) or a status that is
// heuristically cacheable (§4.2.2; RFC 9110 §15.1).
var RuleSetCookieCacheable = register(&rule{
	ID:       "set-cookie-cacheable",
	Ref:      "RFC 9111 §7.3",
	Level:    responses.May,
	Summary:  "Set-Cookie on a 304 or on a response a shared cache may store (advisory)",
	Triggers: []string{"Set-Cookie"},
	Detect: func(r *response) bool {
		return r.Status == http.StatusNotModified || sharedCacheMayStore(r)
	},
})

// sharedCacheMayStore reports whether a shared cache may store r.
func sharedCacheMayStore(r *response) bool {
	explicit := false
	refused := false
	ccDirectives(r.Header[responses.HeaderCacheControl], func(d directive) bool {
		switch {
		case strings.EqualFold(d.name, "no-store"), strings.EqualFold(d.name, "private"):
			refused = true
		case strings.EqualFold(d.name, "public"), strings.EqualFold(d.name, "max-age"), strings.EqualFold(d.name, "s-maxage"):
			explicit = true
		}
		return !refused
	})
	if refused {
		return false
	}
	if explicit || present(r.Header, "Expires") {
		return true
	}
	switch r.Status {
	case 200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501:
		return true
	}
	return false
}
