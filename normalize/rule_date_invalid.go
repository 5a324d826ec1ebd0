package normalize

import (
	"sync/atomic"

	"github.com/respnorm/caddy-normalize/responses"
)

// RuleDateInvalid: a Date that is not an HTTP-date, or that is repeated
// (RFC 9110 §6.6.1, §5.6.7, §5.3). A missing Date is not reported: the
// recipient that forwards the response adds one (§6.6.1), as net/http's
// server does. A date in a near-miss form ("+0000" for GMT) is
// http-date-obsolete's, which keeps its instant.
var RuleDateInvalid = register(&rule{
	ID:       "date-invalid",
	Ref:      "RFC 9110 §6.6.1",
	Level:    responses.Must,
	Summary:  "Date is not an HTTP-date",
	Fix:      "sets the current time",
	Statuses: "2xx 3xx 4xx 5xx",
	Triggers: []string{responses.HeaderDate},
	Detect: func(r *response) bool {
		v := r.Header[responses.HeaderDate]
		return len(v) != 1 || !validDate(v[0]) && notADate(v[0])
	},
	Repair: func(r *response, _ *values) bool {
		r.Header[responses.HeaderDate] = []string{httpDate()}
		return true
	},
})

// lastDate remembers the last Date value found valid. Responses from one
// server carry the same Date for a whole second, so a per-response check
// is mostly a string comparison.
var lastDate atomic.Pointer[string]

func validDate(v string) bool {
	if p := lastDate.Load(); p != nil && *p == v {
		return true
	}
	if !responses.ValidHTTPDate(v) {
		return false
	}
	p := new(string) // only on the slow path: v itself stays where it is
	*p = v
	lastDate.Store(p)
	return true
}
