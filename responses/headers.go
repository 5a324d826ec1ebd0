package responses

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Setters for the fields that constructors share.

// WithAllow sets Allow to the methods given, e.g. "GET, HEAD"
// (RFC 9110 §10.2.1), as a 2xx response to OPTIONS should send. Each
// method must be a token; at least one is required.
func (resp *Response) WithAllow(method string, more ...string) (*Response, error) {
	v, err := allowValue(method, more)
	if err != nil {
		return nil, err
	}
	resp.header.Set(HeaderAllow, v)
	return resp, nil
}

// allowValue checks and joins the methods of an Allow field.
func allowValue(method string, more []string) (string, error) {
	methods := append([]string{method}, more...)
	for _, m := range methods {
		if !ValidToken(m) {
			return "", fieldError(HeaderAllow, m, "method is not a token")
		}
	}
	return FormatAllow(methods...), nil
}

// WithRetryAfter sets Retry-After to d in seconds, rounded up
// (RFC 9110 §10.2.3). A d of zero or less removes it.
func (resp *Response) WithRetryAfter(d time.Duration) *Response {
	if d <= 0 {
		resp.header.Del(HeaderRetryAfter)
		return resp
	}
	resp.header.Set(HeaderRetryAfter, RetryAfterSeconds(d))
	return resp
}

// WithRetryAfterDate sets Retry-After to the HTTP-date t, to the second.
// A zero t removes it. A t whose year is outside 0000–9999 has no
// HTTP-date and is refused.
func (resp *Response) WithRetryAfterDate(t time.Time) (*Response, error) {
	if t.IsZero() {
		resp.header.Del(HeaderRetryAfter)
		return resp, nil
	}
	v := RetryAfterDate(t)
	if !ValidHTTPDate(v) {
		return nil, fieldError(HeaderRetryAfter, v, "not an HTTP-date")
	}
	resp.header.Set(HeaderRetryAfter, v)
	return resp, nil
}

// checkLocation checks a Location value, which must be a URI-reference
// (§10.2.2).
func checkLocation(location string) error {
	if !ValidLocation(location) {
		return fieldError(HeaderLocation, location, "not a URI-reference (see RepairLocation)")
	}
	return nil
}

// Redirect returns a response with status code, a redirect (300, 301,
// 302, 303, 307 or 308), to location, which is required and must be a
// URI-reference (see RepairLocation).
//
// A browser follows a redirect wherever it points, so location must be a
// relative reference ("/login", "../b", "//host/path") or an absolute URI
// of scheme http or https, or of one of schemes, which Redirect allows in
// addition: javascript:, data:, file: and any other scheme are refused
// unless they are listed, e.g.
//
//	responses.Redirect(http.StatusFound, "myapp://callback?code=x", "myapp")
//
// The redirect constructors (Found, SeeOther, ...) are Redirect with no
// additional scheme; MultipleChoices applies the same rule to its
// preferred choice.
func Redirect(code int, location string, schemes ...string) (*Response, error) {
	switch code {
	case http.StatusMultipleChoices, http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
	default:
		return nil, fmt.Errorf("%w %d is not a redirect: 300, 301, 302, 303, 307 or 308", ErrStatus, code)
	}
	if location == "" {
		return nil, fieldError(HeaderLocation, "", "a redirect needs a location")
	}
	if err := checkLocation(location); err != nil {
		return nil, err
	}
	if err := checkRedirectScheme(location, schemes); err != nil {
		return nil, err
	}
	resp := newResponse(code)
	resp.header.Set(HeaderLocation, location)
	return resp, nil
}

// checkRedirectScheme refuses a location whose scheme is neither http,
// https nor one of allowed.
func checkRedirectScheme(location string, allowed []string) error {
	scheme := uriScheme(location)
	if scheme == "" || equalFoldASCII(scheme, "http") || equalFoldASCII(scheme, "https") {
		return nil
	}
	for _, s := range allowed {
		if equalFoldASCII(scheme, s) {
			return nil
		}
	}
	return fieldError(HeaderLocation, location,
		`scheme "`+strings.ToLower(scheme)+`" is not one a redirect may take: http, https, or one allowed by Redirect`)
}

// uriScheme returns the scheme of a URI-reference (RFC 3986 §3.1), or ""
// for a relative reference: the letters before the first ":", if it
// comes before any "/", "?" or "#" and they make a scheme. This is how
// browsers read it too: one that does not start with a letter is a path.
func uriScheme(ref string) string {
	for i := 0; i < len(ref); i++ {
		switch c := ref[i]; {
		case c == ':':
			return ref[:i]
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return ""
		}
	}
	return ""
}

// challengeValues checks the challenges of WWW-Authenticate or
// Proxy-Authenticate; at least one is required (§11.6.1, §11.7.1).
func challengeValues(field, challenge string, more []string) ([]string, error) {
	challenges := append([]string{challenge}, more...)
	for _, c := range challenges {
		if !validChallenge(c) {
			return nil, fieldError(field, c, "not a challenge: auth-scheme [ SP parameters ]")
		}
	}
	return challenges, nil
}

var _ http.Handler = (*Response)(nil)
