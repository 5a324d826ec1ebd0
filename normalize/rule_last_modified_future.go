package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleLastModifiedFuture: a Last-Modified later than the response's Date,
// its time of origination (RFC 9110 §8.8.2.1: an origin "MUST NOT generate
// a Last-Modified date that is later than the server's time of message
// origination"; a value in the future "MUST" be replaced with the message
// origination date). Enforce does what the origin should have: it sets
// the Date (or, with none, the current time, which the server forwarding
// the response puts in Date).
var RuleLastModifiedFuture = register(&rule{
	ID:       "last-modified-future",
	Ref:      "RFC 9110 §8.8.2.1",
	Level:    responses.Must,
	Summary:  "Last-Modified is later than Date",
	Fix:      "replaces it with the Date",
	Triggers: []string{responses.HeaderLastModified},
	Detect: func(r *response) bool {
		lm := r.Header[responses.HeaderLastModified]
		if len(lm) == 0 {
			return false
		}
		// The common case, two IMF-fixdates, compares without a clock
		// or a time.Time.
		if d := r.Header[responses.HeaderDate]; len(lm) == 1 && len(d) == 1 {
			l, ok1 := responses.IMFFixdateOrder(lm[0])
			o, ok2 := responses.IMFFixdateOrder(d[0])
			if ok1 && ok2 {
				return l > o
			}
		}
		origin := originDate(r.Header)
		for _, v := range lm {
			if t, ok := parseDate(v); ok && t.After(origin) {
				return true
			}
		}
		return false
	},
	Repair: func(r *response, _ *values) bool {
		origin := originDate(r.Header)
		vs := r.Header[responses.HeaderLastModified]
		for i, v := range vs {
			if t, ok := parseDate(v); ok && t.After(origin) {
				vs[i] = originDateValue(r.Header)
			}
		}
		return true
	},
})
