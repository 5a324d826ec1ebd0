package responses

import (
	"net/http"
	"sync/atomic"
)

// Violation is one way a response breaks the catalogue's rules.
type Violation struct {
	// Rule is the rule that is broken; Rule.ID() names it stably.
	Rule Rule
	// Field is the header field concerned, if any.
	Field string
}

// Ref returns the section of the specification the violation breaks.
func (v Violation) Ref() string { return v.Rule.Ref() }

// Level returns whether the broken requirement is a MUST, SHOULD or MAY.
func (v Violation) Level() Level { return v.Rule.Level() }

// String describes the violation, e.g. "allow-missing (RFC 9110 §15.5.6 MUST)".
func (v Violation) String() string {
	return v.Rule.ID() + " (" + v.Rule.Ref() + " " + v.Rule.Level().String() + ")"
}

// Check returns the ways a response with status code and header fields h,
// to a request with method, breaks the catalogue's rules. hasContent says
// whether content follows the header section. A conformant response gives
// nil.
func Check(method string, code int, h http.Header, hasContent bool) []Violation {
	return AppendViolations(nil, method, code, h, hasContent)
}

// AppendViolations is Check that appends to dst and returns the extended
// slice. With a dst of enough capacity it does not allocate, which is what
// a per-response caller wants.
func AppendViolations(dst []Violation, method string, code int, h http.Header, hasContent bool) []Violation {
	if !ValidCode(code) {
		// Nothing else can be judged of a response that is not HTTP.
		return append(dst, Violation{Rule: RuleStatusInvalid})
	}
	interim := code < 200

	// Content where none may be.
	if rule, ok := ContentRule(method, code); ok {
		switch {
		case hasContent:
			dst = append(dst, Violation{Rule: rule})
		case rule == RuleResetContent:
			if !zeroLength(h) {
				dst = append(dst, Violation{Rule: rule, Field: "Content-Length"})
			}
		case rule == RuleHeadContent:
			// Content-Length on HEAD states the GET's length (§8.6).
		case code == http.StatusNotModified:
			// Content-Length on 304 may state the 200's length (§8.6).
			if len(h["Transfer-Encoding"]) > 0 {
				dst = append(dst, Violation{Rule: rule, Field: "Transfer-Encoding"})
			}
		default:
			if len(h["Content-Length"]) > 0 || len(h["Transfer-Encoding"]) > 0 {
				dst = append(dst, Violation{Rule: rule, Field: "Content-Length"})
			}
		}
	}

	// Fields the status requires.
	switch code {
	case http.StatusMethodNotAllowed:
		if _, ok := h[HeaderAllow]; !ok {
			dst = append(dst, Violation{Rule: RuleAllowMissing, Field: HeaderAllow})
		}
	case http.StatusUnauthorized:
		if !hasValue(h, HeaderWWWAuthenticate) {
			dst = append(dst, Violation{Rule: RuleWWWAuthenticateMissing, Field: HeaderWWWAuthenticate})
		}
	case http.StatusProxyAuthRequired:
		if !hasValue(h, HeaderProxyAuthenticate) {
			dst = append(dst, Violation{Rule: RuleProxyAuthenticateMissing, Field: HeaderProxyAuthenticate})
		}
	case http.StatusUpgradeRequired:
		if !hasValue(h, HeaderUpgrade) {
			dst = append(dst, Violation{Rule: RuleUpgradeMissing, Field: HeaderUpgrade})
		}
	case http.StatusServiceUnavailable, http.StatusTooManyRequests:
		if _, ok := h[HeaderRetryAfter]; !ok {
			dst = append(dst, Violation{Rule: RuleRetryAfterMissing, Field: HeaderRetryAfter})
		}
	case http.StatusCreated, http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		if !hasValue(h, HeaderLocation) {
			dst = append(dst, Violation{Rule: RuleLocationMissing, Field: HeaderLocation})
		}
	case http.StatusPartialContent:
		if !hasValue(h, HeaderContentRange) && !isMultipartByteranges(h) {
			dst = append(dst, Violation{Rule: RuleContentRangeMissing, Field: HeaderContentRange})
		}
	case http.StatusRequestedRangeNotSatisfiable:
		if !hasValue(h, HeaderContentRange) {
			dst = append(dst, Violation{Rule: RuleContentRangeMissing, Field: HeaderContentRange})
		}
	}
	if method == "OPTIONS" && code/100 == 2 {
		if _, ok := h[HeaderAllow]; !ok {
			dst = append(dst, Violation{Rule: RuleAllowMissing, Field: HeaderAllow})
		}
	}

	// Fields whose syntax is fixed, wherever they appear.
	if v, ok := h[HeaderRetryAfter]; ok && (len(v) != 1 || !ValidRetryAfter(v[0])) {
		dst = append(dst, Violation{Rule: RuleRetryAfterInvalid, Field: HeaderRetryAfter})
	}
	if v, ok := h[HeaderLocation]; ok && (len(v) != 1 || !ValidLocation(v[0])) {
		dst = append(dst, Violation{Rule: RuleLocationInvalid, Field: HeaderLocation})
	}
	// A missing Date is not reported: the recipient that forwards the
	// response adds one (§6.6.1), as net/http's server does. One that is
	// there must be an HTTP-date.
	if v, ok := h[HeaderDate]; ok && !interim && (len(v) != 1 || !validDate(v[0])) {
		dst = append(dst, Violation{Rule: RuleDateInvalid, Field: HeaderDate})
	}
	return dst
}

// lastDate remembers the last Date value found valid. Responses from one
// server carry the same Date for a whole second, so a per-response check
// is mostly a string comparison.
var lastDate atomic.Pointer[string]

func validDate(v string) bool {
	if p := lastDate.Load(); p != nil && *p == v {
		return true
	}
	if !ValidHTTPDate(v) {
		return false
	}
	p := new(string) // only on the slow path: v itself stays where it is
	*p = v
	lastDate.Store(p)
	return true
}

// ContentRule returns the rule that forbids content in a response with
// status code to a request with method, and false when content is allowed.
func ContentRule(method string, code int) (Rule, bool) {
	switch {
	case ContentAllowed(method, code):
		return 0, false
	case code == http.StatusResetContent:
		return RuleResetContent, true
	case noContent(code):
		return RuleContentForbidden, true
	case method == "HEAD":
		return RuleHeadContent, true
	}
	return RuleContentForbidden, true // a 2xx to CONNECT
}

// hasValue reports whether h has field with a non-empty value.
func hasValue(h http.Header, field string) bool {
	for _, v := range h[field] {
		if v != "" {
			return true
		}
	}
	return false
}

// zeroLength reports whether h states zero-length content: Content-Length
// 0 and no Transfer-Encoding.
func zeroLength(h http.Header) bool {
	cl := h["Content-Length"]
	return len(cl) == 1 && cl[0] == "0" && len(h["Transfer-Encoding"]) == 0
}

func isMultipartByteranges(h http.Header) bool {
	ct := h["Content-Type"]
	if len(ct) == 0 {
		return false
	}
	const prefix = "multipart/byteranges"
	v := ct[0]
	if len(v) < len(prefix) || !equalFoldASCII(v[:len(prefix)], prefix) {
		return false
	}
	// The media type ends there: "multipart/byterangesX" is another one.
	v = v[len(prefix):]
	return v == "" || v[0] == ';' || v[0] == ' ' || v[0] == '\t'
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		ca, cb := a[i], b[i]
		if 'A' <= ca && ca <= 'Z' {
			ca += 'a' - 'A'
		}
		if 'A' <= cb && cb <= 'Z' {
			cb += 'a' - 'A'
		}
		if ca != cb {
			return false
		}
	}
	return true
}
