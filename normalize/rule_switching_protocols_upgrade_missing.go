package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleSwitchingProtocolsUpgradeMissing: a 101 Switching Protocols without
// Upgrade (RFC 9110 §15.2.2: the server MUST generate an Upgrade header
// field that indicates the protocols switched to; §7.8). Only the origin
// knows which protocol it switched to, so the rule reports. Behind Caddy's
// reverse_proxy it never fires: Caddy refuses to switch when the upstream's
// 101 does not name the protocol the request asked for (it writes no 101);
// it judges the 101s of other handlers.
var RuleSwitchingProtocolsUpgradeMissing = register(&rule{
	ID:       "switching-protocols-upgrade-missing",
	Ref:      "RFC 9110 §15.2.2",
	Level:    responses.Must,
	Summary:  "no Upgrade on 101",
	Statuses: "101",
	Detect:   func(r *response) bool { return !hasValue(r.Header, responses.HeaderUpgrade) },
})
