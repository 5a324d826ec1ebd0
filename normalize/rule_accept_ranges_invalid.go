package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleAcceptRangesInvalid: an Accept-Ranges that is not a non-empty list
// of range units (RFC 9110 §14.3: Accept-Ranges = acceptable-ranges,
// acceptable-ranges = 1#range-unit, range-unit = token), such as an empty
// value or "bytes=0-". "none" is a token and valid. Which units the
// resource supports only the origin knows, so the rule reports.
var RuleAcceptRangesInvalid = register(&rule{
	ID:       "accept-ranges-invalid",
	Ref:      "RFC 9110 §14.3",
	Level:    responses.Must,
	Summary:  "Accept-Ranges is not a list of range units",
	Triggers: []string{"Accept-Ranges"},
	Detect: func(r *response) bool {
		return !validList(r.Header["Accept-Ranges"], true, isToken)
	},
})
