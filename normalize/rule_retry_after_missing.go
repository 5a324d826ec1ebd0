package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleRetryAfterMissing: a 503 or 429 without Retry-After. RFC 9110
// §15.6.4 and RFC 6585 §4 say the server MAY send one (the statuses come
// from the catalogue's MAY entries for Retry-After): not a violation but
// an advisory, counted and logged with level MAY. Enforced, it adds the
// configured delay.
var RuleRetryAfterMissing = register(&rule{
	ID:       "retry-after-missing",
	Ref:      "RFC 9110 §10.2.3",
	Level:    responses.May,
	Summary:  "no Retry-After on 503 or 429 (advisory)",
	Fix:      "adds the configured delay",
	Requires: responses.HeaderRetryAfter,
	Detect:   func(r *response) bool { return !present(r.Header, responses.HeaderRetryAfter) },
	Repair: func(r *response, v *values) bool {
		r.Header[responses.HeaderRetryAfter] = []string{v.retryAfter}
		return true
	},
	Needs: ValueRetryAfter,
})
