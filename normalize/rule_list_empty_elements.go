package normalize

import (
	"strings"

	"github.com/respnorm/caddy-normalize/responses"
)

// RuleListEmptyElements: an empty element in a list-based field ("a,,b",
// ", a", "a,"): RFC 9110 §5.6.1.1, a sender MUST NOT generate empty list
// elements (recipients must accept them, but not all do). Enforce removes
// them, and a field line left with nothing. Only the list fields of
// RFC 9110 and 9111 a proxy may rewrite are judged: Accept-Encoding,
// Accept-Ranges, Cache-Control, Content-Encoding, Content-Language and
// Vary; never Allow or WWW-Authenticate (a proxy must not modify them,
// §10.2.1, §11.6.1), nor Set-Cookie or Link. Commas inside quoted-strings
// (Cache-Control's no-cache="a, b") do not separate elements.
var RuleListEmptyElements = register(&rule{
	ID:       "list-empty-elements",
	Ref:      "RFC 9110 §5.6.1.1",
	Level:    responses.Must,
	Summary:  "an empty element in a list-based field",
	Fix:      "removes the empty elements",
	Triggers: emptyElementFields,
	Detect: func(r *response) bool {
		for _, k := range emptyElementFields {
			for _, v := range r.Header[k] {
				if hasEmptyElement(v) {
					return true
				}
			}
		}
		return false
	},
	Repair: func(r *response, _ *values) bool {
		for _, k := range emptyElementFields {
			vs, changed := r.Header[k], false
			kept := make([]string, 0, len(vs))
			for _, v := range vs {
				if !hasEmptyElement(v) {
					kept = append(kept, v)
					continue
				}
				changed = true
				var elems []string
				splitList(v, func(e string) bool {
					if e != "" {
						elems = append(elems, e)
					}
					return false
				})
				if len(elems) > 0 {
					kept = append(kept, strings.Join(elems, ", "))
				}
			}
			switch {
			case !changed:
			case len(kept) == 0:
				delete(r.Header, k)
			default:
				r.Header[k] = kept
			}
		}
		return true
	},
})

// emptyElementFields are the list-based fields list-empty-elements judges.
var emptyElementFields = []string{"Accept-Encoding", "Accept-Ranges", "Cache-Control", "Content-Encoding", "Content-Language", "Vary"}
