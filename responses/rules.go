package responses

// Rule identifies one requirement of the specification that a response can
// break. Its ID is stable: configuration, logs and metrics name rules by it.
type Rule uint8

// The rules Check applies. Their order is not part of the API; their IDs are.
const (
	// RuleStatusInvalid: the status is outside 100–599 (§15).
	RuleStatusInvalid Rule = iota
	// RuleContentForbidden: content, Content-Length or Transfer-Encoding on
	// 1xx, 204 or 304 (§8.6, §15.3.5, §15.4.5).
	RuleContentForbidden
	// RuleResetContent: content on 205 Reset Content (§15.3.6).
	RuleResetContent
	// RuleHeadContent: content in a response to HEAD (§9.3.2).
	RuleHeadContent
	// RuleAllowMissing: 405 without Allow, or a 2xx response to OPTIONS
	// without Allow (§15.5.6, §9.3.7).
	RuleAllowMissing
	// RuleWWWAuthenticateMissing: 401 without WWW-Authenticate (§15.5.2).
	RuleWWWAuthenticateMissing
	// RuleProxyAuthenticateMissing: 407 without Proxy-Authenticate (§15.5.8).
	RuleProxyAuthenticateMissing
	// RuleUpgradeMissing: 426 without Upgrade (§15.5.22).
	RuleUpgradeMissing
	// RuleRetryAfterMissing: 503 or 429 without Retry-After (§10.2.3).
	RuleRetryAfterMissing
	// RuleRetryAfterInvalid: a Retry-After that is neither delay-seconds nor
	// an HTTP-date (§10.2.3).
	RuleRetryAfterInvalid
	// RuleLocationInvalid: a Location that is not a URI-reference (§10.2.2).
	RuleLocationInvalid
	// RuleLocationMissing: 201 or a redirect (301, 302, 303, 307, 308)
	// without Location (§15.3.2, §15.4).
	RuleLocationMissing
	// RuleContentRangeMissing: 206 (single part) or 416 without
	// Content-Range (§15.3.7, §15.5.17).
	RuleContentRangeMissing
	// RuleDateInvalid: a Date that is not an HTTP-date (§6.6.1, §5.6.7).
	RuleDateInvalid

	// NumRules is the number of rules; valid rules are below it.
	NumRules
)

type ruleInfo struct {
	id, ref string
	level   Level
	summary string
}

var rules = [NumRules]ruleInfo{
	RuleStatusInvalid:            {"status-invalid", "RFC 9110 §15", Must, "status code outside 100-599"},
	RuleContentForbidden:         {"content-forbidden", "RFC 9110 §8.6", Must, "content or framing on a status that cannot carry content"},
	RuleResetContent:             {"reset-content", "RFC 9110 §15.3.6", Must, "content on 205 Reset Content"},
	RuleHeadContent:              {"head-content", "RFC 9110 §9.3.2", Must, "content in a response to HEAD"},
	RuleAllowMissing:             {"allow-missing", "RFC 9110 §15.5.6", Must, "no Allow on 405, or on a 2xx response to OPTIONS"},
	RuleWWWAuthenticateMissing:   {"www-authenticate-missing", "RFC 9110 §15.5.2", Must, "no WWW-Authenticate on 401"},
	RuleProxyAuthenticateMissing: {"proxy-authenticate-missing", "RFC 9110 §15.5.8", Must, "no Proxy-Authenticate on 407"},
	RuleUpgradeMissing:           {"upgrade-missing", "RFC 9110 §15.5.22", Must, "no Upgrade on 426"},
	RuleRetryAfterMissing:        {"retry-after-missing", "RFC 9110 §10.2.3", May, "no Retry-After on 503 or 429"},
	RuleRetryAfterInvalid:        {"retry-after-invalid", "RFC 9110 §10.2.3", Must, "Retry-After is neither delay-seconds nor an HTTP-date"},
	RuleLocationInvalid:          {"location-invalid", "RFC 9110 §10.2.2", Must, "Location is not a valid URI-reference"},
	RuleLocationMissing:          {"location-missing", "RFC 9110 §15.4", Should, "no Location on 201 or a redirect"},
	RuleContentRangeMissing:      {"content-range-missing", "RFC 9110 §15.3.7", Must, "no Content-Range on 206 or 416"},
	RuleDateInvalid:              {"date-invalid", "RFC 9110 §6.6.1", Must, "Date is not an HTTP-date"},
}

// ID returns the rule's stable identifier, e.g. "allow-missing".
func (r Rule) ID() string {
	if r >= NumRules {
		return "unknown"
	}
	return rules[r].id
}

// String returns the rule's ID.
func (r Rule) String() string { return r.ID() }

// Ref returns the section the rule enforces, e.g. "RFC 9110 §15.5.6".
func (r Rule) Ref() string {
	if r >= NumRules {
		return ""
	}
	return rules[r].ref
}

// Level returns the requirement level of the rule.
func (r Rule) Level() Level {
	if r >= NumRules {
		return 0
	}
	return rules[r].level
}

// Summary describes in a few words what breaks the rule.
func (r Rule) Summary() string {
	if r >= NumRules {
		return ""
	}
	return rules[r].summary
}

// Rules returns every rule, in order.
func Rules() []Rule {
	out := make([]Rule, NumRules)
	for i := range out {
		out[i] = Rule(i)
	}
	return out
}

// ParseRule returns the rule whose ID is id.
func ParseRule(id string) (Rule, bool) {
	for i, info := range rules {
		if info.id == id {
			return Rule(i), true
		}
	}
	return 0, false
}
