package normalize

import (
	"strings"

	"github.com/respnorm/caddy-normalize/responses"
)

// RuleCacheControlExtensionInvalid: a Cache-Control extension directive
// with a value its definition does not allow: immutable with a value
// (RFC 8246 §2 defines it with no argument), stale-while-revalidate or
// stale-if-error without delta-seconds (RFC 5861 §3, §4:
// "stale-while-revalidate" "=" delta-seconds; a quoted number is not
// delta-seconds). Recipients ignore what they cannot parse, so the
// directive is lost; the level is that of any grammar (RFC 9110 §2.2: a
// sender MUST NOT generate what does not match it). The rule reports.
var RuleCacheControlExtensionInvalid = register(&rule{
	ID:       "cache-control-extension-invalid",
	Ref:      "RFC 5861 §3, §4; RFC 8246 §2",
	Level:    responses.Must,
	Summary:  "immutable with a value, or stale-while-revalidate / stale-if-error not delta-seconds",
	Triggers: []string{responses.HeaderCacheControl},
	Detect: func(r *response) bool {
		bad := false
		ccDirectives(r.Header[responses.HeaderCacheControl], func(d directive) bool {
			switch {
			case strings.EqualFold(d.name, "immutable"):
				bad = d.hasValue
			case strings.EqualFold(d.name, "stale-while-revalidate"), strings.EqualFold(d.name, "stale-if-error"):
				bad = d.quoted || !responses.ValidDigits(d.value)
			}
			return !bad
		})
		return bad
	},
})
