package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleLinkInvalid: a Link that is not a list of link-values, or a
// link-value without exactly one rel parameter (RFC 8288 §3: link-value =
// "<" URI-Reference ">" *( OWS ";" OWS link-param ); §3.3: the rel
// parameter MUST be present and MUST NOT appear more than once). The
// links are the origin's, so the rule reports.
var RuleLinkInvalid = register(&rule{
	ID:       "link-invalid",
	Ref:      "RFC 8288 §3",
	Level:    responses.Must,
	Summary:  "Link is not a list of link-values with one rel each",
	Triggers: []string{responses.HeaderLink},
	Detect: func(r *response) bool {
		return !validList(r.Header[responses.HeaderLink], false, responses.ValidLinkValue)
	},
})
