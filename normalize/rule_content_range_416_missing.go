package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleContentRange416Missing: a 416 Range Not Satisfiable without
// Content-Range. RFC 9110 §15.5.17: the server SHOULD send one stating
// the selected representation's length (bytes */length); only the origin
// knows it, so the rule only reports.
var RuleContentRange416Missing = register(&rule{
	ID:       "content-range-416-missing",
	Ref:      "RFC 9110 §15.5.17",
	Level:    responses.Should,
	Summary:  "no Content-Range on 416",
	Requires: responses.HeaderContentRange,
})
