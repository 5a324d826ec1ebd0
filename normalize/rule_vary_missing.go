package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleVaryMissing: a response a cache may store, with a content coding,
// to a request that carried Accept-Encoding, and no Vary naming
// Accept-Encoding (or "*"). RFC 9110 §12.5.5: an origin server SHOULD
// send Vary when its selection of a representation varies on the request
// (§12.5.3, content codings); without it, a shared cache hands the coded
// representation to clients that cannot decode it (RFC 9111 §4.1).
// Adding Accept-Encoding only narrows reuse: never wrong. Caddy's encode
// does it for what it compresses itself, not for what an upstream sent
// compressed.
var RuleVaryMissing = register(&rule{
	ID:       "vary-missing",
	Ref:      "RFC 9110 §12.5.5",
	Level:    responses.Should,
	Summary:  "a storable response with Content-Encoding and no Vary: Accept-Encoding",
	Fix:      "adds Vary: Accept-Encoding",
	Statuses: "2xx 3xx 4xx 5xx",
	Methods:  "GET HEAD",
	Triggers: []string{"Content-Encoding"},
	Detect: func(r *response) bool {
		// A 304's Content-Encoding is not-modified-metadata's.
		if r.Status == 304 || r.Request == nil || len(r.Request.Header["Accept-Encoding"]) == 0 {
			return false
		}
		if !eachElement(r.Header["Content-Encoding"], notIdentity) {
			return false
		}
		vary := r.Header[responses.HeaderVary]
		if listHasFold(vary, "Accept-Encoding") || listHasFold(vary, "*") {
			return false
		}
		return mayBeStored(r)
	},
	Repair: func(r *response, _ *values) bool {
		r.Header[responses.HeaderVary] = append(r.Header[responses.HeaderVary], "Accept-Encoding")
		return true
	},
})

// notIdentity reports whether a content coding is one applied to the
// content ("identity" is none, RFC 9110 §8.4.1).
func notIdentity(coding string) bool { return !isIdentity(coding) }
