package responses

import (
	"net/http"
	"time"
)

// Setters for the fields that constructors share.

// WithAllow sets Allow to methods, e.g. "GET, HEAD" (RFC 9110 §10.2.1), as
// a 405 requires and a 2xx response to OPTIONS should send. Each method
// must be a token; no methods sends an empty Allow: none is allowed.
func (resp *Response) WithAllow(methods ...string) *Response {
	valid := make([]string, 0, len(methods))
	for _, m := range methods {
		if !ValidToken(m) {
			resp.failField(HeaderAllow, m, "method is not a token")
			continue
		}
		valid = append(valid, m)
	}
	resp.header.Set(HeaderAllow, FormatAllow(valid...))
	return resp
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
// A zero t removes it.
func (resp *Response) WithRetryAfterDate(t time.Time) *Response {
	if t.IsZero() {
		resp.header.Del(HeaderRetryAfter)
		return resp
	}
	v := RetryAfterDate(t)
	if !ValidHTTPDate(v) {
		// A year outside 0000-9999 has no HTTP-date.
		resp.failField(HeaderRetryAfter, v, "not an HTTP-date")
		return resp
	}
	resp.header.Set(HeaderRetryAfter, v)
	return resp
}

// setLocation sets Location, which must be a URI-reference (§10.2.2).
func (resp *Response) setLocation(location string) {
	if !ValidLocation(location) {
		resp.failField(HeaderLocation, location, "not a URI-reference (see RepairLocation)")
		return
	}
	resp.header.Set(HeaderLocation, location)
}

// redirect returns a 3xx response to location, which is required.
func redirect(code int, location string) *Response {
	resp := New(code)
	if location == "" {
		resp.failField(HeaderLocation, "", "a redirect needs a location")
		return resp
	}
	resp.setLocation(location)
	return resp
}

// withChallenges adds one field per valid challenge; at least one is
// required (§11.6.1, §11.7.1).
func withChallenges(resp *Response, field string, challenges []string) *Response {
	n := 0
	for _, c := range challenges {
		if !validChallenge(c) {
			resp.failField(field, c, "not a challenge: auth-scheme [ SP parameters ]")
			continue
		}
		resp.header.Add(field, c)
		n++
	}
	if n == 0 {
		resp.failField(field, "", "at least one challenge is required")
	}
	return resp
}

var _ http.Handler = (*Response)(nil)
