package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleFieldRepeated: a singleton field (Age, Content-Location,
// Content-Range, Content-Type, ETag, Expires, Last-Modified) sent on more
// than one field line, every line the same (RFC 9110 §5.3: a sender MUST
// NOT generate multiple field lines with the same name unless the field is
// a list). One copy says the same: enforce keeps one. Lines that differ
// are field-conflicting's.
var RuleFieldRepeated = register(&rule{
	ID:       "field-repeated",
	Ref:      "RFC 9110 §5.3",
	Level:    responses.Must,
	Summary:  "a singleton field repeated, with the same value",
	Fix:      "keeps one copy",
	Triggers: singletonFields,
	Detect: func(r *response) bool {
		return anyField(r.Header, singletonFields, repeatedSame)
	},
	Repair: func(r *response, _ *values) bool {
		for _, k := range singletonFields {
			if vs := r.Header[k]; repeatedSame(vs) {
				r.Header[k] = vs[:1:1]
			}
		}
		return true
	},
})
