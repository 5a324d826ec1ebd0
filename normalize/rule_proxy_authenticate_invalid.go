package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleProxyAuthenticateInvalid: a Proxy-Authenticate that is not a list
// of challenges, or a challenge with an auth-param given twice (RFC 9110
// §11.7.1: Proxy-Authenticate = #challenge; §11.2). The challenge is the
// proxy's that sent it, so the rule reports. Caddy's reverse_proxy strips
// an upstream's Proxy-Authenticate as hop-by-hop: this rule sees the
// values set by other handlers.
var RuleProxyAuthenticateInvalid = register(&rule{
	ID:       "proxy-authenticate-invalid",
	Ref:      "RFC 9110 §11.7.1",
	Level:    responses.Must,
	Summary:  "Proxy-Authenticate is not a list of challenges",
	Triggers: []string{responses.HeaderProxyAuthenticate},
	Detect: func(r *response) bool {
		return !validChallenges(r.Header[responses.HeaderProxyAuthenticate])
	},
})
