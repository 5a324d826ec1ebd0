package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleVaryInvalid: a Vary that is not a list of "*" and field names
// (RFC 9110 §12.5.5: Vary = #( "*" / field-name )). Only the origin knows
// what it selected on, so the rule reports. "*" beside field names is
// within the grammar (it makes them redundant) and passes.
var RuleVaryInvalid = register(&rule{
	ID:       "vary-invalid",
	Ref:      "RFC 9110 §12.5.5",
	Level:    responses.Must,
	Summary:  `Vary is not a list of "*" and field names`,
	Triggers: []string{responses.HeaderVary},
	Detect: func(r *response) bool {
		return !validList(r.Header[responses.HeaderVary], false, validVaryElement)
	},
})
