package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleProxyAuthenticateMissing: a 407 Proxy Authentication Required
// without a challenge (RFC 9110 §11.7.1, §15.5.8 MUST; the status comes
// from the catalogue). Caddy's reverse_proxy strips an upstream's
// Proxy-Authenticate as hop-by-hop, so a proxied 407 always gets the
// configured one.
var RuleProxyAuthenticateMissing = register(&rule{
	ID:       "proxy-authenticate-missing",
	Ref:      "RFC 9110 §15.5.8",
	Level:    responses.Must,
	Summary:  "no Proxy-Authenticate on 407",
	Fix:      "adds the configured challenge",
	Requires: responses.HeaderProxyAuthenticate,
	Repair: func(r *response, v *values) bool {
		r.Header[responses.HeaderProxyAuthenticate] = []string{v.proxyAuthenticate}
		return true
	},
	Needs: ValueProxyAuthenticate,
})
