package responses

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ErrRetryAfter is returned by ParseRetryAfter for a value that is neither
// delay-seconds nor an HTTP-date.
var ErrRetryAfter = errors.New("responses: Retry-After is neither delay-seconds nor an HTTP-date")

// RetryAfterSeconds formats a Retry-After value as delay-seconds
// (RFC 9110 §10.2.3). A negative d counts as zero; fractions of a second
// are rounded up, so a client never comes back early.
func RetryAfterSeconds(d time.Duration) string {
	if d <= 0 {
		return "0"
	}
	secs := int64(d / time.Second)
	if d%time.Second != 0 {
		secs++ // without adding to d, which can overflow
	}
	return strconv.FormatInt(secs, 10)
}

// RetryAfterDate formats a Retry-After value as an IMF-fixdate.
func RetryAfterDate(t time.Time) string {
	return t.UTC().Format(http.TimeFormat)
}

// ParseRetryAfter parses a Retry-After field value strictly: either
// delay-seconds (1*DIGIT) or an HTTP-date (see ValidHTTPDate), with no
// surrounding white space. For delay-seconds, the result is now plus the
// delay; a delay too large for a time.Duration is capped. For an
// HTTP-date, it is that date, in UTC. The returned delay is the time from
// now until then, never negative.
func ParseRetryAfter(value string, now time.Time) (at time.Time, delay time.Duration, err error) {
	if value == "" {
		return time.Time{}, 0, ErrRetryAfter
	}
	if ValidDigits(value) {
		secs, err := strconv.ParseInt(value, 10, 64)
		if err != nil || secs > maxRetrySeconds {
			// Overflowing delay-seconds is syntactically valid; cap it.
			secs = maxRetrySeconds
		}
		d := time.Duration(secs) * time.Second
		return now.Add(d), d, nil
	}
	t, ok := parseHTTPDate(value, now)
	if !ok {
		return time.Time{}, 0, ErrRetryAfter
	}
	delay = t.Sub(now)
	if delay < 0 {
		delay = 0
	}
	return t, delay, nil
}

// maxRetrySeconds caps delay-seconds so that it fits a time.Duration.
const maxRetrySeconds = int64(1<<63-1) / int64(time.Second)

// ValidRetryAfter reports whether value is a valid Retry-After field value.
func ValidRetryAfter(value string) bool {
	if value == "" {
		return false
	}
	if ValidDigits(value) {
		return true
	}
	return ValidHTTPDate(value)
}

// ValidHTTPDate reports whether value is an HTTP-date (RFC 9110 §5.6.7):
// an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), or one of the two
// obsolete forms recipients accept, rfc850-date ("Sunday, 06-Nov-94
// 08:49:37 GMT") and asctime-date ("Sun Nov  6 08:49:37 1994"). The
// grammar is applied exactly: two-digit hours, no fractional seconds, no
// zone but GMT, a date that exists. The day name is checked for syntax
// only. It does not allocate.
func ValidHTTPDate(value string) bool {
	_, ok := parseHTTPDate(value, time.Time{})
	return ok
}

// FormatAllow formats methods as an Allow field value: "GET, HEAD".
func FormatAllow(methods ...string) string {
	return strings.Join(methods, ", ")
}

// ValidFieldValue reports whether s may be sent as a header field value:
// no CR, LF, NUL or other control character but horizontal tab, and no
// leading or trailing white space (RFC 9110 §5.5).
func ValidFieldValue(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return len(s) == 0 || (s[0] != ' ' && s[0] != '\t' && s[len(s)-1] != ' ' && s[len(s)-1] != '\t')
}

// validChallenge reports whether c can be sent as one challenge of
// WWW-Authenticate or Proxy-Authenticate (RFC 9110 §11.6.1), in a valid
// field value:
//
//	challenge  = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//	auth-param = token BWS "=" BWS ( token / quoted-string )
//
// each parameter name at most once (§11.2), no list element empty.
func validChallenge(c string) bool {
	if !ValidFieldValue(c) {
		return false
	}
	scheme, rest, found := strings.Cut(c, " ")
	if !ValidToken(scheme) {
		return false
	}
	if !found {
		return true
	}
	rest = strings.TrimLeft(rest, " ") // 1*SP, not OWS
	if rest == "" || rest[0] == '\t' {
		return false
	}
	if ValidToken68(rest) {
		return true
	}
	var names []string
	for rest != "" {
		var e string
		e, rest = NextListElement(rest)
		if e == "" {
			return false // a sender MUST NOT generate empty list elements (§5.6.1.1)
		}
		name, ok := ValidAuthParam(e)
		if !ok {
			return false
		}
		for _, seen := range names {
			if strings.EqualFold(seen, name) {
				return false
			}
		}
		names = append(names, name)
	}
	return len(names) != 0
}

// validLink reports whether l is a Link field value of one link-value
// with one rel (see ValidLinkValue), in a valid field value.
func validLink(l string) bool { return ValidFieldValue(l) && ValidLinkValue(l) }

// contentRange formats a Content-Range value for a satisfied byte range:
// "bytes 0-499/1234". A negative total stands for an unknown length: "*".
func contentRange(start, end, total int64) string {
	s := "bytes " + strconv.FormatInt(start, 10) + "-" + strconv.FormatInt(end, 10) + "/"
	if total < 0 {
		return s + "*"
	}
	return s + strconv.FormatInt(total, 10)
}

// unsatisfiedContentRange formats the Content-Range of a 416 response:
// "bytes */1234" (RFC 9110 §14.4).
func unsatisfiedContentRange(completeLength int64) string {
	return "bytes */" + strconv.FormatInt(completeLength, 10)
}

// ValidProtocol reports whether s is a protocol as Upgrade lists it:
// a token, optionally followed by "/" and a version token (RFC 9110 §7.8).
func ValidProtocol(s string) bool {
	name, version, found := strings.Cut(s, "/")
	return ValidToken(name) && (!found || ValidToken(version))
}
