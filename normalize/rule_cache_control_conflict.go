package normalize

import (
	"strings"

	"github.com/respnorm/caddy-normalize/responses"
)

// RuleCacheControlConflict: Cache-Control directives that contradict each
// other: public with private, public with no-store, private with s-maxage
// (a freshness for the shared caches that must not store it), no-store
// with a positive max-age or s-maxage, or one directive given twice with
// different values (max-age=60, max-age=3600). With must-understand,
// no-store beside a freshness is what §5.2.2.3 asks for (caches that
// understand the status code store the response, the others do not), and
// the no-store combinations pass. RFC 9111 §5.2.2 defines
// each directive but states no requirement against combining them (caches
// resolve them, the most restrictive winning, §4.2.1 and §5.2), so this
// is an advisory: the level is MAY, the lowest the engine has, for a rule
// with no BCP 14 keyword behind it. Which directive was meant only the
// origin knows; the rule reports.
var RuleCacheControlConflict = register(&rule{
	ID:       "cache-control-conflict",
	Ref:      "RFC 9111 §5.2.2",
	Level:    responses.May,
	Summary:  "contradictory Cache-Control directives (advisory)",
	Triggers: []string{responses.HeaderCacheControl},
	Detect:   func(r *response) bool { return ccConflict(r.Header[responses.HeaderCacheControl]) },
})

// The directives whose combinations ccConflict judges, as bits.
const (
	ccPublic = 1 << iota
	ccPrivate
	ccNoStore
	ccMaxAgePositive
	ccSMaxAge
	ccSMaxAgePositive
	ccMustUnderstand
)

func ccConflict(vs []string) bool {
	var seen uint8
	conflict := false
	var maxAge, sMaxAge string
	var hasMaxAge, hasSMaxAge bool
	ccDirectives(vs, func(d directive) bool {
		name, value, hasValue := d.name, d.value, d.hasValue
		switch {
		case strings.EqualFold(name, "public"):
			seen |= ccPublic
		case strings.EqualFold(name, "private"):
			seen |= ccPrivate
		case strings.EqualFold(name, "no-store"):
			seen |= ccNoStore
		case strings.EqualFold(name, "must-understand"):
			seen |= ccMustUnderstand
		case strings.EqualFold(name, "max-age") && hasValue:
			if hasMaxAge && value != maxAge {
				conflict = true
			}
			maxAge, hasMaxAge = value, true
			if positive(value) {
				seen |= ccMaxAgePositive
			}
		case strings.EqualFold(name, "s-maxage") && hasValue:
			if hasSMaxAge && value != sMaxAge {
				conflict = true
			}
			sMaxAge, hasSMaxAge = value, true
			seen |= ccSMaxAge
			if positive(value) {
				seen |= ccSMaxAgePositive
			}
		}
		return !conflict
	})
	has := func(bits uint8) bool { return seen&bits == bits }
	if conflict || has(ccPublic|ccPrivate) || has(ccPrivate|ccSMaxAge) {
		return true
	}
	return !has(ccMustUnderstand) && (has(ccPublic|ccNoStore) || has(ccNoStore|ccMaxAgePositive) || has(ccNoStore|ccSMaxAgePositive))
}

// positive reports whether s is delta-seconds other than zero.
func positive(s string) bool {
	return responses.ValidDigits(s) && strings.TrimLeft(s, "0") != ""
}
