package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleStatusDeprecated: a status code the specification retired: 305 Use
// Proxy (deprecated, RFC 9110 §15.4.6), 306 (unused, §15.4.7) and 418
// (reserved, §15.5.19). No BCP 14 keyword forbids sending them, so this is
// an advisory, at the engine's lowest level, MAY. Clients treat them as
// the class's generic status (300, 400); the right status is the
// origin's to choose, so the rule reports.
var RuleStatusDeprecated = register(&rule{
	ID:       "status-deprecated",
	Ref:      "RFC 9110 §15.4.6, §15.4.7, §15.5.19",
	Level:    responses.May,
	Summary:  "305, 306 or 418: deprecated, unused or reserved (advisory)",
	Statuses: "305 306 418",
	Detect:   func(*response) bool { return true },
})
