package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleResetContent: content on a 205 Reset Content (RFC 9110 §15.3.6),
// which a server MUST NOT generate. The header side breaks it only with a
// Content-Length other than 0: a 205 without Content-Length (HTTP/2 and
// HTTP/3 frame the end of the stream; net/http's HTTP/1.1 server writes
// Content-Length: 0 for an empty body) or with an empty chunked body
// carries no content.
var RuleResetContent = register(&rule{
	ID:       "reset-content",
	Ref:      "RFC 9110 §15.3.6",
	Level:    responses.Must,
	Summary:  "content on 205 Reset Content",
	Fix:      "drops the content; Content-Length: 0",
	Statuses: "205",
	Content:  true,
	Detect: func(r *response) bool {
		if r.HasContent {
			return true
		}
		cl, ok := r.Header["Content-Length"]
		return ok && (len(cl) != 1 || cl[0] != "0")
	},
	Repair: func(r *response, _ *values) bool {
		r.Header["Content-Length"] = []string{"0"}
		delete(r.Header, "Content-Type")
		delete(r.Header, "Transfer-Encoding")
		return true
	},
})
