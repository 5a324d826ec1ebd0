package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleExpiresInvalid: an Expires that is no date ("0", "-1", "now"; RFC 9111
// §5.3, whose grammar is HTTP-date). A cache must read it as a time in the
// past, "already expired", so enforce says that in a form every recipient
// parses: the epoch. A date in another form than IMF-fixdate is
// http-date-obsolete's, not this rule's.
var RuleExpiresInvalid = register(&rule{
	ID:       "expires-invalid",
	Ref:      "RFC 9111 §5.3",
	Level:    responses.Must,
	Summary:  "Expires is not an HTTP-date (0, -1, now)",
	Fix:      "sets a date in the past (1 Jan 1970), which is what caches must read it as",
	Triggers: []string{responses.HeaderExpires},
	Detect:   func(r *response) bool { return anyLine(r.Header, responses.HeaderExpires, notADate) },
	Repair: func(r *response, _ *values) bool {
		vs := r.Header[responses.HeaderExpires]
		for i, v := range vs {
			if notADate(v) {
				vs[i] = epochDate
			}
		}
		return true
	},
})

// notADate reports whether v is no date at all, not even a near miss.
func notADate(v string) bool {
	if isIMF(v) {
		return false
	}
	_, ok := parseDate(v)
	return !ok
}
