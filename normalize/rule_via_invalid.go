package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleViaInvalid: a Via that is not a list of received-protocol,
// received-by and optional comment (RFC 9110 §7.6.3), such as "proxy1" or
// "1.1". Each Via entry is the intermediary's that added it, so the rule
// reports. Caddy's own "1.1 Caddy" passes.
var RuleViaInvalid = register(&rule{
	ID:       "via-invalid",
	Ref:      "RFC 9110 §7.6.3",
	Level:    responses.Must,
	Summary:  "Via does not follow its grammar",
	Triggers: []string{"Via"},
	Detect: func(r *response) bool {
		return !validList(r.Header["Via"], true, validViaElement)
	},
})
