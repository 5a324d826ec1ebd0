package normalize

import (
	"net/http"

	"github.com/respnorm/caddy-normalize/responses"
)

// RuleOptionsAllowMissing: a 2xx to OPTIONS without Allow. RFC 9110
// §9.3.7 says a server generating a successful response to OPTIONS SHOULD
// send the fields that indicate optional features, Allow among them. A
// CORS preflight (OPTIONS with Origin and Access-Control-Request-Method)
// is answered with Access-Control-Allow-Methods, not Allow: it is not
// this rule's business.
var RuleOptionsAllowMissing = register(&rule{
	ID:       "options-allow-missing",
	Ref:      "RFC 9110 §9.3.7",
	Level:    responses.Should,
	Summary:  "no Allow on a 2xx to OPTIONS (not a CORS preflight)",
	Fix:      "adds the configured methods",
	Field:    responses.HeaderAllow,
	Statuses: "2xx",
	Methods:  http.MethodOptions,
	When:     func(r *response) bool { return !corsPreflight(r.Request) },
	Detect:   func(r *response) bool { return !present(r.Header, responses.HeaderAllow) },
	Repair: func(r *response, v *values) bool {
		if learnedAllow(r, v, "") {
			return present(r.Header, responses.HeaderAllow)
		}
		r.Header[responses.HeaderAllow] = []string{v.allow}
		return true
	},
	Needs: ValueAllow,
})

// corsPreflight reports whether req is a CORS preflight request (Fetch
// standard, "CORS-preflight request").
func corsPreflight(req *http.Request) bool {
	if req == nil {
		return false
	}
	_, origin := req.Header["Origin"]
	_, acrm := req.Header["Access-Control-Request-Method"]
	return origin && acrm
}
