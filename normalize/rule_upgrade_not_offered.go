package normalize

import (
	"strings"

	"github.com/respnorm/caddy-normalize/responses"
)

// RuleUpgradeNotOffered: a 101 Switching Protocols to a protocol the
// request's Upgrade did not offer (RFC 9110 §7.8: a server MUST NOT
// switch to a protocol that was not indicated by the client in the
// corresponding request's Upgrade header field). Upgrade is an HTTP/1.1
// mechanism: the rule applies over HTTP/1.x, to a request that is known.
// Protocol names are compared without regard to case, versions exactly
// (a server may name "websocket" for "WebSocket"). The switch has
// happened; the rule reports. Behind Caddy's reverse_proxy it never fires:
// Caddy itself refuses an upstream's switch to another protocol than the
// one requested; it judges the 101s of other handlers.
var RuleUpgradeNotOffered = register(&rule{
	ID:        "upgrade-not-offered",
	Ref:       "RFC 9110 §7.8",
	Level:     responses.Must,
	Summary:   "101 switches to a protocol the request did not offer",
	Statuses:  "101",
	Protocols: HTTP10 | HTTP11,
	Triggers:  []string{responses.HeaderUpgrade},
	When:      func(r *response) bool { return r.Request != nil },
	Detect: func(r *response) bool {
		offered := r.Request.Header[responses.HeaderUpgrade]
		for _, v := range r.Header[responses.HeaderUpgrade] {
			for rest := v; rest != ""; {
				var p string
				p, rest = responses.NextListElement(rest)
				if p != "" && !protocolOffered(offered, p) {
					return true
				}
			}
		}
		return false
	},
})

// protocolOffered reports whether the Upgrade lines offered list p.
func protocolOffered(offered []string, p string) bool {
	for _, v := range offered {
		for rest := v; rest != ""; {
			var o string
			o, rest = responses.NextListElement(rest)
			on, ov, _ := strings.Cut(o, "/")
			pn, pv, _ := strings.Cut(p, "/")
			if strings.EqualFold(on, pn) && ov == pv {
				return true
			}
		}
	}
	return false
}
