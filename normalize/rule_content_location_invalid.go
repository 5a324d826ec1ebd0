package normalize

import (
	"strings"

	"github.com/respnorm/caddy-normalize/responses"
)

// RuleContentLocationInvalid: a Content-Location that is neither an
// absolute-URI nor a partial-URI (RFC 9110 §8.7): characters a URI cannot
// hold (spaces, non-ASCII, control characters, a stray "%"), or a
// fragment, which neither form allows. Enforce percent-encodes what a URI
// cannot hold, as location-invalid does, and drops the fragment (it
// identifies part of a representation, not the representation).
// Repeated lines that differ are field-repeated's.
var RuleContentLocationInvalid = register(&rule{
	ID:       "content-location-invalid",
	Ref:      "RFC 9110 §8.7",
	Level:    responses.Must,
	Summary:  "Content-Location is not an absolute-URI or partial-URI",
	Fix:      "percent-encodes what is not allowed; drops a fragment",
	Triggers: []string{responses.HeaderContentLocation},
	Detect: func(r *response) bool {
		v := r.Header[responses.HeaderContentLocation]
		if len(v) == 0 || len(v) > 1 && !repeatedSame(v) {
			return false
		}
		return !validContentLocation(v[0])
	},
	Repair: func(r *response, _ *values) bool {
		v, _, _ := strings.Cut(r.Header[responses.HeaderContentLocation][0], "#")
		r.Header[responses.HeaderContentLocation] = []string{responses.RepairLocation(v)}
		return true
	},
})

// validContentLocation reports whether v is an absolute-URI or a
// partial-URI: a URI-reference without a fragment.
func validContentLocation(v string) bool {
	return strings.IndexByte(v, '#') < 0 && responses.ValidLocation(v)
}
