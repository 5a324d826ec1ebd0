package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleRetryAfter413Missing: a 413 Content Too Large without Retry-After.
// RFC 9110 §15.5.14: if the condition is temporary, the server SHOULD
// generate one. Whether it is temporary only the origin knows, so the
// rule only reports.
var RuleRetryAfter413Missing = register(&rule{
	ID:       "retry-after-413-missing",
	Ref:      "RFC 9110 §15.5.14",
	Level:    responses.Should,
	Summary:  "no Retry-After on 413 (if the condition is temporary)",
	Requires: responses.HeaderRetryAfter,
	Detect:   func(r *response) bool { return !present(r.Header, responses.HeaderRetryAfter) },
})
