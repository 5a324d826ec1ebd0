package normalize

import (
	"net/http"

	"github.com/respnorm/caddy-normalize/responses"
)

// RuleLocationMissing: a redirect (301, 302, 303, 307, 308) or a 201 to
// POST without Location (RFC 9110 §15.4.2-§15.4.9 SHOULD; §9.3.3 for the
// 201 to POST; the statuses come from the catalogue). A 201 to PUT names
// the target URI itself (§15.3.2: without Location, the target URI is
// meant), and a 300 carries one only when there is a preferred choice.
// Where the resource went only the origin knows: the rule only reports.
var RuleLocationMissing = register(&rule{
	ID:       "location-missing",
	Ref:      "RFC 9110 §15.4",
	Level:    responses.Should,
	Summary:  "no Location on a redirect or a 201 to POST",
	Requires: responses.HeaderLocation,
	Except:   map[int]string{http.StatusMultipleChoices: "only when there is a preferred choice, which a proxy cannot know"},
	When: func(r *response) bool {
		return r.Status != http.StatusCreated || r.Method == http.MethodPost
	},
})
