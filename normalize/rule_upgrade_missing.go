package normalize

import (
	"net/http"
	"strings"

	"github.com/respnorm/caddy-normalize/responses"
)

// RuleUpgradeMissing: a 426 Upgrade Required without Upgrade (RFC 9110
// §7.8, §15.5.22 MUST; the statuses come from the catalogue, less 101,
// whose Upgrade names the protocol switched to, which only the origin
// knows).
//
// Upgrade is an HTTP/1.1 mechanism. Over HTTP/1.x the configured Upgrade
// goes out with Connection: upgrade, which a sender of Upgrade MUST send
// (§7.8). To a request that asked to close the connection, the value is
// "upgrade, close" in one field line: Go's HTTP/1 server replaces the
// Connection field of such a response with "close" unless its first
// line already has the close option, which would lose the upgrade one.
// Over HTTP/2 and HTTP/3 connection-specific fields are forbidden
// (RFC 9113 §8.2.2, RFC 9114 §4.2): adding Upgrade would make the client
// fail the stream, so there the rule only reports.
//
// Behind Caddy's reverse_proxy an upstream's own Upgrade never reaches
// this rule: Caddy strips it, with Connection, as a hop-by-hop field
// before the response is written. Every proxied 426 is then missing
// Upgrade, and gets the configured one (over HTTP/1.x).
var RuleUpgradeMissing = register(&rule{
	ID:       "upgrade-missing",
	Ref:      "RFC 9110 §15.5.22",
	Level:    responses.Must,
	Summary:  "no Upgrade on 426",
	Fix:      "adds the configured protocols with Connection: upgrade (HTTP/1.x only)",
	Requires: responses.HeaderUpgrade,
	Except:   map[int]string{http.StatusSwitchingProtocols: "the protocol switched to is the origin's to name"},
	Repair: func(r *response, v *values) bool {
		if r.Proto&(HTTP10|HTTP11) == 0 {
			return false // a connection-specific field (RFC 9113 §8.2.2)
		}
		r.Header[responses.HeaderUpgrade] = []string{v.upgrade}
		addToken(r.Header, responses.HeaderConnection, "upgrade")
		if r.Request != nil && r.Request.Close {
			addToken(r.Header, responses.HeaderConnection, "close")
			if c := r.Header[responses.HeaderConnection]; len(c) > 1 {
				r.Header[responses.HeaderConnection] = []string{strings.Join(c, ", ")}
			}
		}
		return true
	},
	Needs: ValueUpgrade,
})
