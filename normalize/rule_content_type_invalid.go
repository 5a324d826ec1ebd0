package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleContentTypeInvalid: a Content-Type that is not a media-type
// (RFC 9110 §8.3.1: type "/" subtype *( OWS ";" OWS parameter )), such as
// "text/html;charset" or "html". The type is the origin's to state, so
// the rule reports. Repeated Content-Type lines are field-repeated's
// business; each line is judged here.
var RuleContentTypeInvalid = register(&rule{
	ID:       "content-type-invalid",
	Ref:      "RFC 9110 §8.3.1",
	Level:    responses.Must,
	Summary:  "Content-Type is not a media-type",
	Triggers: []string{"Content-Type"},
	Detect: func(r *response) bool {
		for _, v := range r.Header["Content-Type"] {
			if !responses.ValidMediaType(v) {
				return true
			}
		}
		return false
	},
})
