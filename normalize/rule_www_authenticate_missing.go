package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleWWWAuthenticateMissing: a 401 Unauthorized without a challenge
// (RFC 9110 §11.6.1, §15.5.2 MUST; the status comes from the catalogue).
// An existing WWW-Authenticate is never modified (§11.6.1).
var RuleWWWAuthenticateMissing = register(&rule{
	ID:       "www-authenticate-missing",
	Ref:      "RFC 9110 §15.5.2",
	Level:    responses.Must,
	Summary:  "no WWW-Authenticate on 401",
	Fix:      "adds the configured challenge",
	Requires: responses.HeaderWWWAuthenticate,
	Repair: func(r *response, v *values) bool {
		r.Header[responses.HeaderWWWAuthenticate] = []string{v.wwwAuthenticate}
		return true
	},
	Needs: ValueWWWAuthenticate,
})
