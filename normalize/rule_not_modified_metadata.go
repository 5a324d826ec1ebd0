package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleNotModifiedMetadata: representation metadata on a 304 Not Modified.
// RFC 9110 §15.4.5: a server SHOULD NOT generate representation metadata
// other than the listed fields (Content-Location, Date, ETag, Vary,
// Cache-Control, Expires), since caches merge a 304's fields into the
// stored response (RFC 9111 §4.3.4). net/http's HTTP/1 server drops
// Content-Type on a 304 but its HTTP/2 server sends it, as do HTTP/3
// servers. Content-Length is kept: §8.6 lets a 304 state the length the
// 200 would have had, and a proxy cannot tell a right one from a wrong
// one, so removing it would change a response that may be correct (and
// content-forbidden keeps it too). Last-Modified, which §15.4.5 allows
// for guiding cache updates, is kept.
var RuleNotModifiedMetadata = register(&rule{
	ID:       "not-modified-metadata",
	Ref:      "RFC 9110 §15.4.5",
	Level:    responses.Should,
	Summary:  "Content-Type, Content-Encoding or Content-Language on 304",
	Fix:      "removes them",
	Statuses: "304",
	Triggers: notModifiedMetadata[:],
	Detect: func(r *response) bool {
		for _, f := range notModifiedMetadata {
			if present(r.Header, f) {
				return true
			}
		}
		return false
	},
	Repair: func(r *response, _ *values) bool {
		for _, f := range notModifiedMetadata {
			delete(r.Header, f)
		}
		return true
	},
})

var notModifiedMetadata = [...]string{"Content-Type", "Content-Encoding", "Content-Language"}
