package normalize

import (
	"net/http"

	"github.com/respnorm/caddy-normalize/responses"
)

// RuleInterimHTTP10: an interim (1xx) response to an HTTP/1.0 request.
// RFC 9110 §15.2: a server MUST NOT send a 1xx response to an HTTP/1.0
// client, which cannot read it. Enforced, the interim response is not
// written; the final one follows as usual.
var RuleInterimHTTP10 = register(&rule{
	ID:        "interim-http10",
	Ref:       "RFC 9110 §15.2",
	Level:     responses.Must,
	Summary:   "1xx response to an HTTP/1.0 request",
	Fix:       "drops the interim response",
	Statuses:  "1xx",
	Protocols: HTTP10,
	Interim:   true,
	When:      func(r *response) bool { return r.Status != http.StatusSwitchingProtocols },
	Detect:    func(*response) bool { return true },
	Repair: func(r *response, _ *values) bool {
		r.Drop = true
		return true
	},
})
