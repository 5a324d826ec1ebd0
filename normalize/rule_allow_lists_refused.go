package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleAllowListsRefused: a 405 whose Allow, sent by the origin, lists the
// very method it refused. Allow lists the target resource's currently
// supported methods (RFC 9110 §10.2.1, §15.5.6), so one of the two is
// wrong; a proxy MUST NOT modify Allow (§10.2.1) and cannot tell which, so
// the rule only reports.
var RuleAllowListsRefused = register(&rule{
	ID:       "allow-lists-refused",
	Ref:      "RFC 9110 §15.5.6",
	Level:    responses.Must,
	Summary:  "the Allow of a 405 lists the refused method",
	Statuses: "405",
	Triggers: []string{responses.HeaderAllow},
	Detect:   func(r *response) bool { return listContains(r.Header[responses.HeaderAllow], r.Method) },
})
