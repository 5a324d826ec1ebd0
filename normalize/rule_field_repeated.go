package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleFieldRepeated: a singleton field (Age, Content-Location,
// Content-Range, Content-Type, ETag, Expires, Last-Modified) sent on more
// than one field line (RFC 9110 §5.3: a sender MUST NOT generate multiple
// field lines with the same name unless the field is a list). Where every
// line is the same, one copy says the same: enforce keeps one. Where the
// lines differ, recipients pick different ones (or take the field as
// invalid), and which one the origin meant is not for a proxy to guess:
// such a response is only reported (its identical copies of other fields
// are still collapsed). Two different Content-Types pass stock Caddy.
var RuleFieldRepeated = register(&rule{
	ID:       "field-repeated",
	Ref:      "RFC 9110 §5.3",
	Level:    responses.Must,
	Summary:  "a singleton field on more than one line",
	Fix:      "keeps one of identical copies; differing ones are only reported",
	Triggers: singletonFields,
	Detect: func(r *response) bool {
		// The dispatch has looked at the fields once: with none of
		// its triggers on two lines, nothing is repeated.
		if !r.multiLine {
			return false
		}
		for _, k := range singletonFields {
			if len(r.Header[k]) > 1 {
				return true
			}
		}
		return false
	},
	Repair: func(r *response, _ *values) bool {
		repaired := true
		for _, k := range singletonFields {
			switch vs := r.Header[k]; {
			case repeatedSame(vs):
				r.Header[k] = vs[:1:1]
			case len(vs) > 1:
				repaired = false
			}
		}
		return repaired
	},
})
