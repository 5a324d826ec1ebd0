package normalize

import (
	"strings"

	"github.com/respnorm/caddy-normalize/responses"
)

// RuleMultipartByterangesInvalid: a 206 Partial Content in
// multipart/byteranges form without a boundary parameter, or with a
// Content-Range in its header section (RFC 9110 §15.3.7.2: the server
// MUST generate a "multipart/byteranges" payload with a boundary, and
// MUST NOT generate a Content-Range header field in the HTTP header
// section of a multiple part response; each part carries its own). The
// parts are the origin's; the rule reports.
var RuleMultipartByterangesInvalid = register(&rule{
	ID:       "multipart-byteranges-invalid",
	Ref:      "RFC 9110 §15.3.7.2",
	Level:    responses.Must,
	Summary:  "multipart/byteranges 206 without boundary, or with Content-Range",
	Statuses: "206",
	Triggers: []string{"Content-Type"},
	When:     func(r *response) bool { return isMultipartByteranges(r.Header) },
	Detect: func(r *response) bool {
		return present(r.Header, responses.HeaderContentRange) || !hasBoundary(r.Header["Content-Type"][0])
	},
})

// hasBoundary reports whether the media type ct has a non-empty boundary
// parameter.
func hasBoundary(ct string) bool {
	_, params, _ := strings.Cut(ct, ";")
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		name, value, _ := strings.Cut(trimOWS(p), "=")
		if strings.EqualFold(name, "boundary") && value != "" && value != `""` {
			return true
		}
	}
	return false
}
