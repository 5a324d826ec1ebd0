package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleAllowInvalid: an Allow that is not a list of methods (RFC 9110
// §10.2.1: Allow = #method, method = token). An empty Allow is valid (the
// resource allows no method). A proxy MUST NOT modify Allow (§10.2.1), so
// the rule reports.
var RuleAllowInvalid = register(&rule{
	ID:       "allow-invalid",
	Ref:      "RFC 9110 §10.2.1",
	Level:    responses.Must,
	Summary:  "Allow is not a list of method tokens",
	Triggers: []string{responses.HeaderAllow},
	Detect: func(r *response) bool {
		return !validList(r.Header[responses.HeaderAllow], false, isToken)
	},
})
