package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleFieldConflicting: a singleton field (Age, Content-Location,
// Content-Range, Content-Type, ETag, Expires, Last-Modified) sent on more
// than one field line with different values (RFC 9110 §5.3 MUST NOT).
// Recipients pick different lines (or treat the field as invalid); which
// one the origin meant is not for a proxy to guess: reported only. Two
// different Content-Types pass stock Caddy.
var RuleFieldConflicting = register(&rule{
	ID:       "field-conflicting",
	Ref:      "RFC 9110 §5.3",
	Level:    responses.Must,
	Summary:  "a singleton field repeated, with different values",
	Triggers: singletonFields,
	Detect: func(r *response) bool {
		return anyField(r.Header, singletonFields, repeatedDiffering)
	},
})
