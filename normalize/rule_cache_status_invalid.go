package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleCacheStatusInvalid: a Cache-Status that is not a structured field
// List of Strings or Tokens with parameters (RFC 9211 §2: its members
// MUST be a String or a Token), such as "HIT" with spaces, or "hit,".
// The field is the caches' that added to it, so the rule reports.
var RuleCacheStatusInvalid = register(&rule{
	ID:       "cache-status-invalid",
	Ref:      "RFC 9211 §2",
	Level:    responses.Must,
	Summary:  "Cache-Status is not a List of Strings or Tokens",
	Triggers: []string{"Cache-Status"},
	Detect: func(r *response) bool {
		return !validSFStringTokenList(r.Header["Cache-Status"])
	},
})
