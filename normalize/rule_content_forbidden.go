package normalize

import (
	"net/http"

	"github.com/respnorm/caddy-normalize/responses"
)

// RuleContentForbidden: content, Content-Length or Transfer-Encoding on a
// 1xx, 204 or 304, or on a 2xx to CONNECT (RFC 9110 §8.6, §9.3.6,
// §15.3.5, §15.4.5; RFC 9112 §6.1). A 304's Content-Length may state the
// 200's length (§8.6) and is kept. The bytes after a 2xx to CONNECT are a
// tunnel, not content, and pass.
var RuleContentForbidden = register(&rule{
	ID:       "content-forbidden",
	Ref:      "RFC 9110 §8.6",
	Level:    responses.Must,
	Summary:  "content or framing on 1xx, 204, 304 or a 2xx to CONNECT",
	Fix:      "drops the content, Content-Length and Transfer-Encoding",
	Statuses: "1xx 2xx 304",
	Content:  true,
	When: func(r *response) bool {
		if r.Status == http.StatusResetContent { // reset-content's
			return false
		}
		return !responses.ContentAllowed(http.MethodGet, r.Status) || r.Method == http.MethodConnect
	},
	Detect: func(r *response) bool {
		if r.HasContent {
			return true
		}
		if r.Status == http.StatusNotModified {
			return present(r.Header, "Transfer-Encoding")
		}
		return present(r.Header, "Content-Length") || present(r.Header, "Transfer-Encoding")
	},
	Repair: func(r *response, _ *values) bool {
		if r.Status != http.StatusNotModified {
			// A 304's Content-Length describes the selected
			// representation (§15.4.5); elsewhere Content-Length and
			// Content-Type describe content that is not there.
			delete(r.Header, "Content-Length")
			delete(r.Header, "Content-Type")
		}
		delete(r.Header, "Transfer-Encoding")
		return true
	},
})
