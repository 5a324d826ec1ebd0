package normalize

import (
	"net/http"
	"strings"
	"time"

	"github.com/respnorm/caddy-normalize/responses"
)

// RuleSetCookieExpiresDate: a Set-Cookie whose Expires attribute is not an
// rfc1123-date (RFC 6265 §4.1.1: expires-av = "Expires=" sane-cookie-date,
// sane-cookie-date = rfc1123-date; servers SHOULD NOT send Set-Cookie
// fields that fail to conform to the grammar). User agents parse dates
// leniently (§5.1.1), but not all the same way, and one that fails
// ignores the attribute (§5.2.1): the cookie silently becomes a session
// cookie.
//
// Enforced, a date that names its time unambiguously is rewritten as an
// IMF-fixdate: the Netscape form "Wed, 21-Oct-2015 07:28:00 GMT", the
// asctime form, "UTC" for "GMT", a numeric offset ("+0000", "-0500",
// converted to GMT) and one-digit days. Two-digit years (whose century
// user agents and Go resolve differently) and values that are no date at
// all ("0", "-1") are only reported: what the origin meant is not
// derivable.
var RuleSetCookieExpiresDate = register(&rule{
	ID:       "set-cookie-expires-date",
	Ref:      "RFC 6265 §4.1.1",
	Level:    responses.Should,
	Summary:  "Set-Cookie Expires is not an rfc1123-date",
	Fix:      "rewrites an unambiguous date as an IMF-fixdate",
	Triggers: []string{"Set-Cookie"},
	Detect: func(r *response) bool {
		for _, v := range r.Header["Set-Cookie"] {
			if _, res := checkSetCookie(v); res&cookieBadExpires != 0 {
				return true
			}
		}
		return false
	},
	Repair: func(r *response, _ *values) bool {
		vs := r.Header["Set-Cookie"]
		out := make([]string, len(vs))
		for i, v := range vs {
			fixed, ok := fixCookieExpires(v)
			if !ok {
				return false // nothing changes: reported
			}
			out[i] = fixed
		}
		r.Header["Set-Cookie"] = out
		return true
	},
})

// fixCookieExpires rewrites the Expires attributes of the Set-Cookie value
// v that are not IMF-fixdates; ok is false when one cannot be.
func fixCookieExpires(v string) (string, bool) {
	var b strings.Builder
	rest := v
	for {
		i := strings.IndexByte(rest, ';')
		if i < 0 {
			b.WriteString(rest)
			return b.String(), true
		}
		b.WriteString(rest[:i+1])
		rest = rest[i+1:]
		j := strings.IndexByte(rest, ';')
		if j < 0 {
			j = len(rest)
		}
		av := rest[:j]
		name, val, ok := strings.Cut(strings.TrimLeft(av, " "), "=")
		if ok && strings.EqualFold(name, "Expires") && !responses.IsIMFFixdate(val) {
			t, ok := parseCookieDate(trimOWS(val))
			if !ok {
				return "", false
			}
			av = av[:len(av)-len(strings.TrimLeft(av, " "))] + name + "=" + t.Format(http.TimeFormat)
		}
		b.WriteString(av)
		rest = rest[j:]
	}
}

// cookieDateLayouts are the date forms fixCookieExpires rewrites: each
// with a four-digit year and a zone that is GMT, UTC or a numeric offset.
var cookieDateLayouts = [...]string{
	"Mon, 02-Jan-2006 15:04:05 MST",
	"Monday, 02-Jan-2006 15:04:05 MST",
	"Mon, _2 Jan 2006 15:04:05 MST",
	"Mon, _2 Jan 2006 15:04:05 -0700",
	"Mon, _2-Jan-2006 15:04:05 -0700",
	"Mon Jan _2 15:04:05 2006",
}

// parseCookieDate parses s in one of cookieDateLayouts, in UTC.
func parseCookieDate(s string) (time.Time, bool) {
	for _, layout := range cookieDateLayouts {
		t, err := time.Parse(layout, s)
		if err != nil {
			continue
		}
		if strings.HasSuffix(layout, "MST") {
			if zone, _ := t.Zone(); zone != "GMT" && zone != "UTC" {
				return time.Time{}, false // an abbreviation Go gives no offset
			}
		}
		return t.UTC(), true
	}
	return time.Time{}, false
}
