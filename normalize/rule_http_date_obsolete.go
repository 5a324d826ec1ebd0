package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleHTTPDateObsolete: an HTTP-date in Date, Expires, Last-Modified or
// Retry-After in another form than IMF-fixdate (RFC 9110 §5.6.7: "the
// sender MUST generate those timestamps in the IMF-fixdate format"): the
// obsolete RFC 850 and asctime forms, and the near misses that still name
// one instant ("+0000" or "UTC" for GMT, Java's Date.toString; see
// responses.ParseHTTPDateLenient). Enforce writes the same instant as an
// IMF-fixdate. What is no date at all is left to date-invalid,
// expires-invalid, last-modified-invalid and retry-after-invalid.
var RuleHTTPDateObsolete = register(&rule{
	ID:       "http-date-obsolete",
	Ref:      "RFC 9110 §5.6.7",
	Level:    responses.Must,
	Summary:  "Date, Expires, Last-Modified or Retry-After not in the IMF-fixdate form",
	Fix:      "rewrites the same instant as an IMF-fixdate",
	Triggers: dateFields[:],
	Detect: func(r *response) bool {
		for _, f := range dateFields {
			if anyLine(r.Header, f, obsoleteDate) {
				return true
			}
		}
		return false
	},
	Repair: func(r *response, _ *values) bool {
		for _, f := range dateFields {
			vs := r.Header[f]
			for i, v := range vs {
				if obsoleteDate(v) {
					t, _ := parseDate(v)
					vs[i] = responses.FormatHTTPDate(t)
				}
			}
		}
		return true
	},
})
