package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleProxyStatusInvalid: a Proxy-Status that is not a structured field
// List of Strings or Tokens with parameters (RFC 9209 §2: its members
// MUST be a String or a Token). Origin servers MUST NOT send Proxy-Status
// (§2), but from behind a reverse proxy an upstream proxy's field and an
// origin's look alike, so only the syntax is judged. The rule reports.
var RuleProxyStatusInvalid = register(&rule{
	ID:       "proxy-status-invalid",
	Ref:      "RFC 9209 §2",
	Level:    responses.Must,
	Summary:  "Proxy-Status is not a List of Strings or Tokens",
	Triggers: []string{"Proxy-Status"},
	Detect: func(r *response) bool {
		return !validSFStringTokenList(r.Header["Proxy-Status"])
	},
})
