package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleContentEncodingInvalid: a Content-Encoding that is not a list of
// content codings (RFC 9110 §8.4: Content-Encoding = #content-coding,
// content-coding = token), such as "gzip; q=1" or "x gzip". Which codings
// were applied only the origin knows, so the rule reports.
var RuleContentEncodingInvalid = register(&rule{
	ID:       "content-encoding-invalid",
	Ref:      "RFC 9110 §8.4",
	Level:    responses.Must,
	Summary:  "Content-Encoding is not a list of content codings",
	Triggers: []string{"Content-Encoding"},
	Detect: func(r *response) bool {
		return !validList(r.Header["Content-Encoding"], false, isToken)
	},
})
