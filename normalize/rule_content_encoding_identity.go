package normalize

import (
	"strings"

	"github.com/respnorm/caddy-normalize/responses"
)

// RuleContentEncodingIdentity: "identity" listed in Content-Encoding
// (RFC 9110 §8.4: identity is reserved as the synonym of "no encoding" in
// Accept-Encoding, §12.5.3, and SHOULD NOT be sent in Content-Encoding).
// It says nothing was applied, so removing it changes nothing: enforce
// drops it, and the field when nothing else is left. Some clients take
// an unknown coding for one they must undo and fail.
var RuleContentEncodingIdentity = register(&rule{
	ID:       "content-encoding-identity",
	Ref:      "RFC 9110 §8.4",
	Level:    responses.Should,
	Summary:  `"identity" in Content-Encoding`,
	Fix:      "removes it (and the field when nothing else is left)",
	Triggers: []string{"Content-Encoding"},
	Detect: func(r *response) bool {
		return eachElement(r.Header["Content-Encoding"], isIdentity)
	},
	Repair: func(r *response, _ *values) bool {
		var kept []string
		for _, v := range r.Header["Content-Encoding"] {
			if !eachElement([]string{v}, isIdentity) {
				kept = append(kept, v) // untouched
				continue
			}
			var codings []string
			eachElement([]string{v}, func(c string) bool {
				if !isIdentity(c) {
					codings = append(codings, c)
				}
				return false
			})
			if len(codings) > 0 {
				kept = append(kept, strings.Join(codings, ", "))
			}
		}
		if len(kept) == 0 {
			delete(r.Header, "Content-Encoding")
		} else {
			r.Header["Content-Encoding"] = kept
		}
		return true
	},
})

func isIdentity(coding string) bool { return strings.EqualFold(coding, "identity") }
