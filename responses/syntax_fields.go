package responses

import (
	"net/http"
	"strings"
	"time"
)

// fieldCheck is what WithHeader checks of one field: its grammar, and
// whether it is a singleton (RFC 9110 §5.3: one field line only), which
// WithHeader then sets rather than adds.
type fieldCheck struct {
	valid     func(string) bool
	what      string // what the value must be
	singleton bool
}

// checkedFields are the fields WithHeader checks against their grammar,
// each a requirement a sender MUST meet.
var checkedFields = map[string]fieldCheck{
	"Age":                   {ValidDigits, "not delta-seconds (RFC 9111 §5.1)", true},
	HeaderExpires:           {IsIMFFixdate, "not an IMF-fixdate (RFC 9111 §5.3, RFC 9110 §5.6.7)", true},
	HeaderLastModified:      {pastIMFFixdate, "not an IMF-fixdate in the past (RFC 9110 §8.8.2, §5.6.7)", true},
	HeaderETag:              {ValidETag, "not an entity-tag (RFC 9110 §8.8.3)", true},
	HeaderLink:              {validLink, "not a link-value with one rel (RFC 8288 §3)", false},
	HeaderWWWAuthenticate:   {validChallenge, "not a challenge (RFC 9110 §11.6.1)", false},
	HeaderProxyAuthenticate: {validChallenge, "not a challenge (RFC 9110 §11.6.1)", false},
	HeaderVary:              {validVary, `neither "*" nor a list of field names (RFC 9110 §12.5.5)`, false},
	HeaderCacheControl:      {validCacheControl, "not a list of cache directives (RFC 9111 §5.2)", false},
	"Accept-Ranges":         {validTokenList, "not a list of range units (RFC 9110 §14.3)", false},
	"Content-Encoding":      {validTokenList, "not a list of content codings (RFC 9110 §8.4)", false},
	"Content-Language":      {validLanguageList, "not a list of language tags (RFC 9110 §8.5)", false},
}

// requestOnlyFields are the fields RFC 9110 and RFC 6265 define for
// requests only, which a response MUST NOT carry (RFC 9110 §2.2): Host
// (§7.2), User-Agent (§10.1.5), Referer (§10.1.3), From (§10.1.2), Expect
// (§10.1.1), Max-Forwards (§7.6.2), Authorization (§11.6.2),
// Proxy-Authorization (§11.7.2), Range (§14.2), the conditional fields
// (§13.1) and Cookie (RFC 6265 §5.4). Accept and Accept-Encoding are not
// among them: a response may carry them (§12.5.1, §12.5.3, on a 415).
// The names are canonical (http.CanonicalHeaderKey).
var requestOnlyFields = [...]string{
	"Host", "User-Agent", "Referer", "From", "Expect", "Max-Forwards",
	"Authorization", "Proxy-Authorization", "Range",
	"If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since", "If-Range",
	"Cookie",
}

// RequestOnlyFields returns the fields defined for requests only, which a
// response MUST NOT carry (RFC 9110 §2.2): Host, User-Agent, Referer,
// From, Expect, Max-Forwards, Authorization, Proxy-Authorization, Range,
// the conditional fields and Cookie, in canonical form. The slice is the
// caller's own: changing it changes nothing here.
func RequestOnlyFields() []string { return append([]string(nil), requestOnlyFields[:]...) }

// refusedFields are the fields WithHeader refuses outright, with the
// reason: the request-only fields, and the fields that proxies and caches
// add about themselves.
var refusedFields = func() map[string]string {
	m := map[string]string{
		"Via":          "added by each proxy about itself (RFC 9110 §7.6.3)",
		"Proxy-Status": "added by proxies about themselves (RFC 9209)",
		"Cache-Status": "added by caches about themselves (RFC 9211)",
	}
	for _, f := range requestOnlyFields {
		m[f] = "a request field (RFC 9110 §2.2)"
	}
	return m
}()

// pastIMFFixdate reports whether v is an IMF-fixdate no later than now:
// a Last-Modified later than the response's Date is one the origin MUST
// NOT send (RFC 9110 §8.8.2.1), and Date is the time it is served.
func pastIMFFixdate(v string) bool {
	t, err := time.Parse(http.TimeFormat, v)
	return IsIMFFixdate(v) && err == nil && !t.After(time.Now())
}

// listElements calls f with each element of the #list s (split by
// NextListElement) and reports whether f accepted every one
// and none was empty (RFC 9110 §5.6.1.1: a sender MUST NOT generate empty
// list elements).
func listElements(s string, f func(string) bool) bool {
	if s == "" {
		return false
	}
	for rest := s; rest != ""; {
		var e string
		e, rest = NextListElement(rest)
		if e == "" || !f(e) {
			return false
		}
	}
	return !strings.HasSuffix(strings.TrimRight(s, " \t"), ",")
}

func validTokenList(s string) bool { return listElements(s, ValidToken) }

func validVary(s string) bool { return s == "*" || validTokenList(s) }

// validLanguageList: 1#language-tag, each tag alphanumeric subtags
// joined by "-" (RFC 5646's syntax, loosely).
func validLanguageList(s string) bool {
	return listElements(s, func(tag string) bool {
		for sub := range strings.SplitSeq(tag, "-") {
			if sub == "" || len(sub) > 8 {
				return false
			}
			for i := 0; i < len(sub); i++ {
				if !isAlnum(sub[i]) {
					return false
				}
			}
		}
		return true
	})
}

// validCacheControl: 1#cache-directive, cache-directive = token [ "="
// ( token / quoted-string ) ] (RFC 9111 §5.2), with the values the
// directives it knows require: max-age, s-maxage, stale-while-revalidate
// and stale-if-error take delta-seconds in token form (§5.2.2, RFC 5861),
// immutable takes none (RFC 8246).
func validCacheControl(s string) bool {
	return listElements(s, func(d string) bool {
		name, value, hasValue, ok := ParseCacheDirective(d)
		if !ok {
			return false
		}
		quoted := hasValue && value[0] == '"'
		switch strings.ToLower(name) {
		case "max-age", "s-maxage", "stale-while-revalidate", "stale-if-error":
			return hasValue && !quoted && ValidDigits(value)
		case "immutable":
			return !hasValue
		}
		return true
	})
}
