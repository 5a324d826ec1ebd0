package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleCacheControlListUnquoted: a no-cache or private field list in token
// form (RFC 9111 §5.2.2.4, §5.2.2.7: "a sender SHOULD NOT generate the
// token form (even if quoting appears not to be needed for single-entry
// lists)"). Enforce quotes it; recipients read both forms alike.
var RuleCacheControlListUnquoted = register(&rule{
	ID:       "cache-control-list-unquoted",
	Ref:      "RFC 9111 §5.2.2.4",
	Level:    responses.Should,
	Summary:  "no-cache or private field list in token form (no-cache=Set-Cookie)",
	Fix:      `quotes it (no-cache="Set-Cookie")`,
	Triggers: []string{responses.HeaderCacheControl},
	Detect: func(r *response) bool {
		return ccAnyWith(r.Header, func(e ccElem) bool { return e.hasArg && !e.quoted && ccIsList(e.name) }, "no-cache=", "private=")
	},
	Repair: func(r *response, _ *values) bool {
		return ccEdit(r.Header, func(e ccElem) (string, bool, bool) {
			if e.hasArg && !e.quoted && ccIsList(e.name) {
				return `"` + e.arg + `"`, true, false
			}
			return "", false, false
		})
	},
})
