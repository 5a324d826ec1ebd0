package normalize

import (
	"strings"

	"github.com/respnorm/caddy-normalize/responses"
)

// RuleLink451Missing: a 451 Unavailable For Legal Reasons without a Link
// to the blocking entity. RFC 7725 §4: responses SHOULD include a Link
// with the relation "blocked-by". Who blocks only the origin knows: the
// rule only reports.
var RuleLink451Missing = register(&rule{
	ID:       "link-451-missing",
	Ref:      "RFC 7725 §4",
	Level:    responses.Should,
	Summary:  `no Link rel="blocked-by" on 451`,
	Requires: responses.HeaderLink,
	Detect: func(r *response) bool {
		for _, v := range r.Header[responses.HeaderLink] {
			if strings.Contains(v, "blocked-by") {
				return false
			}
		}
		return true
	},
})
