package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleCacheControlMaxAgeQuoted: max-age or s-maxage sent as a
// quoted-string (RFC 9111 §5.2.2.1, §5.2.2.10: "a sender MUST NOT generate
// the quoted-string form"). Enforce writes the digits in token form; a
// quoted value that is not delta-seconds is cache-control-invalid's, and
// only reported.
var RuleCacheControlMaxAgeQuoted = register(&rule{
	ID:       "cache-control-max-age-quoted",
	Ref:      "RFC 9111 §5.2.2.1",
	Level:    responses.Must,
	Summary:  `max-age or s-maxage as a quoted-string (max-age="60")`,
	Fix:      "writes it in token form (max-age=60)",
	Triggers: []string{responses.HeaderCacheControl},
	Detect: func(r *response) bool {
		return ccAnyWith(r.Header, func(e ccElem) bool { return e.quoted && ccIsAge(e.name) }, `age="`)
	},
	Repair: func(r *response, _ *values) bool {
		return ccEdit(r.Header, func(e ccElem) (string, bool, bool) {
			if !e.quoted || !ccIsAge(e.name) {
				return "", false, false
			}
			if digits := e.arg[1 : len(e.arg)-1]; responses.ValidDigits(digits) {
				return digits, true, false
			}
			return "", false, true
		})
	},
})
