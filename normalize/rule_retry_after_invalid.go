package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleRetryAfterInvalid: a Retry-After that is neither delay-seconds nor
// an HTTP-date, or that is repeated (RFC 9110 §10.2.3, §5.3). A date in a
// near-miss form ("+0000" for GMT) is http-date-obsolete's.
var RuleRetryAfterInvalid = register(&rule{
	ID:       "retry-after-invalid",
	Ref:      "RFC 9110 §10.2.3",
	Level:    responses.Must,
	Summary:  "Retry-After is neither delay-seconds nor an HTTP-date",
	Fix:      "replaces it with the configured delay, or removes it",
	Triggers: []string{responses.HeaderRetryAfter},
	Detect: func(r *response) bool {
		v := r.Header[responses.HeaderRetryAfter]
		return len(v) != 1 || !responses.ValidRetryAfter(v[0]) && notADate(v[0])
	},
	Repair: func(r *response, v *values) bool {
		if v.retryAfter == "" {
			delete(r.Header, responses.HeaderRetryAfter)
		} else {
			r.Header[responses.HeaderRetryAfter] = []string{v.retryAfter}
		}
		return true
	},
})
