package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleStatusInvalid: a status code outside 100-599 (RFC 9110 §15). Nothing
// else of such a response can be judged; enforce answers 502 Bad Gateway
// (§15.6.3) in its place.
var RuleStatusInvalid = register(&rule{
	ID:       "status-invalid",
	Ref:      "RFC 9110 §15",
	Level:    responses.Must,
	Summary:  "status code outside 100-599",
	Fix:      "answers 502 Bad Gateway in its place",
	Statuses: "invalid",
	Detect:   func(*response) bool { return true },
	Repair: func(r *response, _ *values) bool {
		r.Replace = true
		return true
	},
})
