package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleLocationInvalid: a Location that is not a URI-reference, or that is
// repeated (RFC 9110 §10.2.2, §5.3).
var RuleLocationInvalid = register(&rule{
	ID:       "location-invalid",
	Ref:      "RFC 9110 §10.2.2",
	Level:    responses.Must,
	Summary:  "Location is not a valid URI-reference",
	Fix:      "percent-encodes what is not allowed; keeps the first",
	Triggers: []string{responses.HeaderLocation},
	Detect: func(r *response) bool {
		v := r.Header[responses.HeaderLocation]
		return len(v) != 1 || !responses.ValidLocation(v[0])
	},
	Repair: func(r *response, _ *values) bool {
		r.Header[responses.HeaderLocation] = []string{responses.RepairLocation(r.Header.Get(responses.HeaderLocation))}
		return true
	},
})
