package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleSetCookieInvalid: a Set-Cookie that is not a set-cookie-string
// (RFC 6265 §4.1.1: servers SHOULD NOT send Set-Cookie header fields that
// fail to conform to the grammar): no cookie name, a cookie value with
// spaces, commas or semicolons, attributes not separated by "; ", a
// negative Max-Age, a Domain that is not a host name, a folded pair of
// cookies. What the cookie should have been only the origin knows, so the
// rule reports. An Expires that is not an rfc1123-date is
// set-cookie-expires-date's business; see checkSetCookie for the two
// tolerances ("Max-Age=0", a leading "." in Domain).
var RuleSetCookieInvalid = register(&rule{
	ID:       "set-cookie-invalid",
	Ref:      "RFC 6265 §4.1.1",
	Level:    responses.Should,
	Summary:  "Set-Cookie does not follow the set-cookie-string grammar",
	Triggers: []string{"Set-Cookie"},
	Detect: func(r *response) bool {
		for _, v := range r.Header["Set-Cookie"] {
			if _, res := checkSetCookie(v); res&cookieInvalid != 0 {
				return true
			}
		}
		return false
	},
})
