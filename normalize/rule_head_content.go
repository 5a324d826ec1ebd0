package normalize

import (
	"net/http"

	"github.com/respnorm/caddy-normalize/responses"
)

// RuleHeadContent: content in a response to HEAD (RFC 9110 §9.3.2).
// Content-Length on such a response states the GET's length (§8.6) and
// is kept; only the bytes are dropped.
var RuleHeadContent = register(&rule{
	ID:      "head-content",
	Ref:     "RFC 9110 §9.3.2",
	Level:   responses.Must,
	Summary: "content in a response to HEAD",
	Fix:     "drops the content",
	Methods: "HEAD",
	Content: true,
	When: func(r *response) bool {
		// A status that forbids content itself is content-forbidden's
		// or reset-content's.
		return responses.ContentAllowed(http.MethodGet, r.Status) && r.Status != http.StatusResetContent
	},
	Detect: func(r *response) bool { return r.HasContent },
	Repair: func(*response, *values) bool { return true },
})
