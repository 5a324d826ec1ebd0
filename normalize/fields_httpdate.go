package normalize

import (
	"net/http"
	"time"

	"github.com/respnorm/caddy-normalize/responses"
)

// The HTTP-date fields of a response (RFC 9110 §5.6.7), as rules judge
// them: a value is an IMF-fixdate (what senders must generate), another
// form that still names one instant (obsolete, see
// responses.ParseHTTPDateLenient), or no date at all (invalid).

// dateFields are the fields whose values are HTTP-dates (Retry-After's
// only when it is not delay-seconds).
var dateFields = [...]string{responses.HeaderDate, responses.HeaderExpires, responses.HeaderLastModified, responses.HeaderRetryAfter}

// epochDate is the date in the past that an invalid Expires means to a
// cache (RFC 9111 §5.3: "already expired").
const epochDate = "Thu, 01 Jan 1970 00:00:00 GMT"

// isIMF reports whether v is an IMF-fixdate. The Date date-invalid last
// found valid is taken as it is (responses of one second share their
// Date); other values are not remembered, lest Expires and Last-Modified
// push the Date out.
func isIMF(v string) bool {
	if len(v) != len(http.TimeFormat) || v[3] != ',' {
		return false
	}
	if p := lastDate.Load(); p != nil && *p == v {
		return true
	}
	return responses.IsIMFFixdate(v)
}

// parseDate parses v as a date in any form senders use, near misses
// included. The two-digit years of the RFC 850 form are read against the
// second httpDate last formatted, which is near enough for the 50-year
// rule and spares a clock read per value.
func parseDate(v string) (time.Time, bool) {
	now := time.Time{}
	if d := dateCache.Load(); d != nil {
		now = time.Unix(d.unix, 0)
	} else {
		now = time.Now()
	}
	return responses.ParseHTTPDateLenient(v, now)
}

// obsoleteDate reports whether v is a date in another form than
// IMF-fixdate.
func obsoleteDate(v string) bool {
	if isIMF(v) {
		return false
	}
	_, ok := parseDate(v)
	return ok
}

// anyLine reports whether one of h's lines of field satisfies bad.
func anyLine(h http.Header, field string, bad func(string) bool) bool {
	for _, v := range h[field] {
		if bad(v) {
			return true
		}
	}
	return false
}

// originDate returns the time the response was originated: its Date when
// that is one date, else the current time.
func originDate(h http.Header) time.Time {
	if d := h[responses.HeaderDate]; len(d) == 1 {
		if t, ok := parseDate(d[0]); ok {
			return t
		}
	}
	return time.Now()
}

// originDateValue is originDate as an IMF-fixdate.
func originDateValue(h http.Header) string {
	if d := h[responses.HeaderDate]; len(d) == 1 {
		if isIMF(d[0]) {
			return d[0]
		}
		if t, ok := parseDate(d[0]); ok {
			return responses.FormatHTTPDate(t)
		}
	}
	return httpDate()
}
