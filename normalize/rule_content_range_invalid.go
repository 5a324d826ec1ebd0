package normalize

import (
	"strconv"
	"strings"

	"github.com/respnorm/caddy-normalize/responses"
)

// RuleContentRangeInvalid: a Content-Range on a 206 or 416 that does not
// match its grammar, or whose last-pos is below its first-pos or not
// below its complete-length (RFC 9110 §14.4: such a value is invalid).
// Where the intended value can be derived, enforce writes it:
//   - "bytes=0-99/100" (the request's syntax): "bytes 0-99/100";
//   - no range unit: the unit of the request's Range;
//   - no complete length ("bytes 0-99"): "bytes 0-99/*", the length not
//     being known;
//   - a last-pos off by one (the error of hand-written range code): on a
//     single-part 206 with one Content-Length, last-pos is first-pos +
//     Content-Length - 1.
//
// Anything else is only reported: a proxy cannot know the range. Only 206
// and 416 give Content-Range a meaning (§14.4); a multipart/byteranges 206
// carries its ranges in the parts. Repeated lines that differ are
// field-repeated's.
var RuleContentRangeInvalid = register(&rule{
	ID:       "content-range-invalid",
	Ref:      "RFC 9110 §14.4",
	Level:    responses.Must,
	Summary:  "Content-Range on 206 or 416 is not valid",
	Fix:      "rewrites it where the range can be derived (unit, separator, length, last-pos from Content-Length)",
	Statuses: "206 416",
	Triggers: []string{responses.HeaderContentRange},
	Detect: func(r *response) bool {
		v := r.Header[responses.HeaderContentRange]
		if len(v) == 0 || len(v) > 1 && !repeatedSame(v) || isMultipartByteranges(r.Header) {
			return false
		}
		return !responses.ValidContentRange(v[0])
	},
	Repair: func(r *response, _ *values) bool {
		fixed, ok := deriveContentRange(r)
		if !ok {
			return false
		}
		r.Header[responses.HeaderContentRange] = []string{fixed}
		return true
	},
})

// deriveContentRange returns the Content-Range r's invalid one stands for,
// and false when it cannot be derived.
func deriveContentRange(r *response) (string, bool) {
	s := strings.TrimSpace(r.Header[responses.HeaderContentRange][0])
	// The request's syntax: "bytes=0-99/100".
	if unit, rest, ok := strings.Cut(s, "="); ok && responses.ValidToken(unit) && !strings.Contains(unit, " ") {
		s = unit + " " + rest
	}
	// No unit: take the request's.
	if s != "" && (s[0] == '*' || '0' <= s[0] && s[0] <= '9') {
		unit := ""
		if r.Request != nil {
			unit, _, _ = strings.Cut(r.Request.Header.Get("Range"), "=")
			unit = strings.TrimSpace(unit)
		}
		if !responses.ValidToken(unit) {
			return "", false
		}
		s = unit + " " + s
	}
	// No complete length.
	if !strings.Contains(s, "/") && !strings.Contains(s, "*") {
		s += "/*"
	}
	if responses.ValidContentRange(s) {
		return s, true
	}
	// An off-by-one last-pos, on a single-part 206 whose Content-Length
	// says where the range ends.
	unit, rest, _ := strings.Cut(s, " ")
	rng, complete, _ := strings.Cut(rest, "/")
	first, last, _ := strings.Cut(rng, "-")
	cl := r.Header["Content-Length"]
	if r.Status != 206 || len(cl) != 1 {
		return "", false
	}
	f, err1 := strconv.ParseInt(first, 10, 64)
	l, err2 := strconv.ParseInt(last, 10, 64)
	n, err3 := strconv.ParseInt(cl[0], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || f < 0 || n <= 0 {
		return "", false
	}
	if d := f + n - 1 - l; d < -1 || d > 1 {
		return "", false // not an off-by-one: which end is wrong?
	}
	s = unit + " " + first + "-" + strconv.FormatInt(f+n-1, 10) + "/" + complete
	return s, responses.ValidContentRange(s)
}
