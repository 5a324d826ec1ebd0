package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleWWWAuthenticateInvalid: a WWW-Authenticate that is not a list of
// challenges, or a challenge with an auth-param given twice (RFC 9110
// §11.6.1: WWW-Authenticate = #challenge; §11.2: each parameter name MUST
// only occur once per challenge). A proxy MUST NOT modify it (§11.6.1),
// so the rule reports.
var RuleWWWAuthenticateInvalid = register(&rule{
	ID:       "www-authenticate-invalid",
	Ref:      "RFC 9110 §11.6.1",
	Level:    responses.Must,
	Summary:  "WWW-Authenticate is not a list of challenges",
	Triggers: []string{responses.HeaderWWWAuthenticate},
	Detect: func(r *response) bool {
		return !validChallenges(r.Header[responses.HeaderWWWAuthenticate])
	},
})
