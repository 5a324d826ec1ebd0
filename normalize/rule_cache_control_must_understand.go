package normalize

import (
	"strings"

	"github.com/respnorm/caddy-normalize/responses"
)

// RuleCacheControlMustUnderstand: must-understand without no-store
// (RFC 9111 §5.2.2.3: "When sending the must-understand directive, a
// sender SHOULD also send the no-store directive, so that caches that do
// not understand the must-understand directive will not store the
// response"). Enforce adds no-store: a cache that understands
// must-understand and the status may still store the response (§3); the
// others, which do not, must not.
var RuleCacheControlMustUnderstand = register(&rule{
	ID:       "cache-control-must-understand",
	Ref:      "RFC 9111 §5.2.2.3",
	Level:    responses.Should,
	Summary:  "must-understand without no-store",
	Fix:      "adds no-store",
	Triggers: []string{responses.HeaderCacheControl},
	Detect: func(r *response) bool {
		return ccAnyWith(r.Header, isMustUnderstand, "must-understand") && !ccAny(r.Header, isNoStore)
	},
	Repair: func(r *response, _ *values) bool {
		lines := r.Header[responses.HeaderCacheControl]
		for i, line := range lines {
			for e, pos, more := ccNext(line, 0); more; e, pos, more = ccNext(line, pos) {
				if e.ok && isMustUnderstand(e) {
					lines[i] = strings.TrimRight(line, " \t,") + ", no-store"
					return true
				}
			}
		}
		return false
	},
})

func isMustUnderstand(e ccElem) bool { return strings.EqualFold(e.name, "must-understand") }
func isNoStore(e ccElem) bool        { return strings.EqualFold(e.name, "no-store") }
