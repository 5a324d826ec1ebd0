package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleServerDetail: a Server field with fine-grained detail: product
// versions, comments ("(Ubuntu)") or subproducts ("Apache/2.4.41
// (Ubuntu) OpenSSL/1.1.1f PHP/7.4.3"). RFC 9110 §10.2.4: an origin server
// SHOULD NOT generate a Server header field containing needlessly
// fine-grained detail and SHOULD limit the addition of subproducts by
// third parties; such detail helps attackers find known holes. Enforced,
// the field keeps the name of its first product only ("Apache"), which is
// what a client may use it for. A value that does not start with a
// product, or Server on several lines, is left alone (and reported).
//
//	Server  = product *( RWS ( product / comment ) )
//	product = token [ "/" product-version ]
var RuleServerDetail = register(&rule{
	ID:       "server-detail",
	Ref:      "RFC 9110 §10.2.4",
	Level:    responses.Should,
	Summary:  "Server carries versions, comments or subproducts",
	Fix:      "keeps the first product's name only",
	Triggers: []string{"Server"},
	Detect: func(r *response) bool {
		for _, v := range r.Header["Server"] {
			if name, _ := responses.CutToken(v); name != v {
				return true
			}
		}
		return false
	},
	Repair: func(r *response, _ *values) bool {
		vs := r.Header["Server"]
		if len(vs) != 1 {
			return false // repeated: which one is meant is not known
		}
		name, _ := responses.CutToken(vs[0])
		if name == "" {
			return false
		}
		r.Header["Server"] = []string{name}
		return true
	},
})
