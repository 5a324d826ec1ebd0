package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleSetCookieRepeated: two Set-Cookie fields for one cookie name in a
// response, or a cookie attribute given twice in one Set-Cookie
// (RFC 6265 §4.1.1: servers SHOULD NOT include more than one Set-Cookie
// header field in the same response with the same cookie-name, and SHOULD
// NOT include more than one cookie-attribute with the same name). Which
// one the origin meant it alone knows; the rule reports.
var RuleSetCookieRepeated = register(&rule{
	ID:       "set-cookie-repeated",
	Ref:      "RFC 6265 §4.1.1",
	Level:    responses.Should,
	Summary:  "two Set-Cookie for one cookie name, or an attribute given twice",
	Triggers: []string{"Set-Cookie"},
	Detect: func(r *response) bool {
		vs := r.Header["Set-Cookie"]
		for i, v := range vs {
			name, res := checkSetCookie(v)
			if res&cookieRepeatedAV != 0 {
				return true
			}
			if name == "" {
				continue
			}
			for _, w := range vs[:i] {
				if other, _ := responses.CutToken(w); other == name && len(w) > len(name) && w[len(name)] == '=' {
					return true
				}
			}
		}
		return false
	},
})
