package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleContentRangeMissing: a single-part 206 Partial Content without
// Content-Range (RFC 9110 §15.3.7.1 MUST; the status comes from the
// catalogue). A multipart/byteranges 206 carries its ranges in the parts.
// What range was sent only the origin knows: the rule only reports.
var RuleContentRangeMissing = register(&rule{
	ID:       "content-range-missing",
	Ref:      "RFC 9110 §15.3.7",
	Level:    responses.Must,
	Summary:  "no Content-Range on a single-part 206",
	Requires: responses.HeaderContentRange,
	Detect: func(r *response) bool {
		return !hasValue(r.Header, responses.HeaderContentRange) && !isMultipartByteranges(r.Header)
	},
})
