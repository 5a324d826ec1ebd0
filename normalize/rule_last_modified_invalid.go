package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleLastModifiedInvalid: a Last-Modified that is no date (RFC 9110
// §8.8.2, whose grammar is HTTP-date). Nobody can know the modification
// time it meant, and a response without one is valid: enforce removes it.
// A date in another form than IMF-fixdate is http-date-obsolete's.
var RuleLastModifiedInvalid = register(&rule{
	ID:       "last-modified-invalid",
	Ref:      "RFC 9110 §8.8.2",
	Level:    responses.Must,
	Summary:  "Last-Modified is not an HTTP-date",
	Fix:      "removes it",
	Triggers: []string{responses.HeaderLastModified},
	Detect:   func(r *response) bool { return anyLine(r.Header, responses.HeaderLastModified, notADate) },
	Repair: func(r *response, _ *values) bool {
		var keep []string
		for _, v := range r.Header[responses.HeaderLastModified] {
			if !notADate(v) {
				keep = append(keep, v)
			}
		}
		if keep == nil {
			delete(r.Header, responses.HeaderLastModified)
		} else {
			r.Header[responses.HeaderLastModified] = keep
		}
		return true
	},
})
