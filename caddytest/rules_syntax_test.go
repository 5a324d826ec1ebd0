package caddytest

import (
	"net/http"
	"testing"
	"time"
)

// The rules for fields whose syntax is fixed wherever they appear.

func TestRuleRetryAfterInvalid(t *testing.T) {
	retry := map[string]string{"Retry-After": "120"}
	runRuleTable(t, ruleTable{
		rule:     "retry-after-invalid",
		settings: []string{"retry_after 120"},
		extra:    []route{unconfigured},
		cases: []ruleCase{
			{name: "503-words", action: enforced,
				upstream: noContent("HTTP/1.1 503 Service Unavailable", "Retry-After: soon"),
				want:     expect{status: 503, header: retry}},
			{name: "200-words", action: enforced,
				upstream: upstream("HTTP/1.1 200 OK", "ok", "Retry-After: in a while", "Content-Length: 2"),
				want:     expect{status: 200, header: retry, body: str("ok")}},
			{name: "429-negative", action: enforced,
				upstream: noContent("HTTP/1.1 429 Too Many Requests", "Retry-After: -5"),
				want:     expect{status: 429, header: retry}},
			{name: "301-fraction", action: enforced,
				upstream: noContent("HTTP/1.1 301 Moved Permanently", "Location: /there", "Retry-After: 1.5"),
				want:     expect{status: 301, header: retry}},
			// With no retry_after to put in its place, it is removed.
			{name: "200-words-unconfigured", route: unconfigured.name, action: enforced,
				upstream: upstream("HTTP/1.1 200 OK", "ok", "Retry-After: in a while", "Content-Length: 2"),
				want:     expect{status: 200, absent: []string{"Retry-After"}, body: str("ok")}},
			{name: "503-seconds",
				upstream: noContent("HTTP/1.1 503 Service Unavailable", "Retry-After: 0"),
				want:     expect{status: 503, header: map[string]string{"Retry-After": "0"}}},
			{name: "503-date",
				upstream: noContent("HTTP/1.1 503 Service Unavailable", "Retry-After: Fri, 31 Dec 1999 23:59:59 GMT"),
				want:     expect{status: 503, header: map[string]string{"Retry-After": "Fri, 31 Dec 1999 23:59:59 GMT"}}},
			{name: "200-big-seconds",
				upstream: noContent("HTTP/1.1 200 OK", "Retry-After: 99999999999999999999"),
				want:     expect{status: 200, header: map[string]string{"Retry-After": "99999999999999999999"}}},
		},
	})
}

func TestRuleLocationInvalid(t *testing.T) {
	location := func(status, value string) string {
		return noContent("HTTP/1.1 "+status, "Location: "+value)
	}
	repaired := func(status int, value string) expect {
		return expect{status: status, header: map[string]string{"Location": value}}
	}
	runRuleTable(t, ruleTable{
		rule: "location-invalid",
		cases: []ruleCase{
			{name: "301-space-and-utf8", action: enforced,
				upstream: location("301 Moved Permanently", "/new place/ü"),
				want:     repaired(301, "/new%20place/%C3%BC")},
			{name: "302-partly-encoded", action: enforced,
				upstream: location("302 Found", "/a%20b/c d?q=ü&r=%C3%A9#frag"),
				want:     repaired(302, "/a%20b/c%20d?q=%C3%BC&r=%C3%A9#frag")},
			{name: "303-bare-percent", action: enforced,
				upstream: location("303 See Other", "/50%off"),
				want:     repaired(303, "/50%25off")},
			{name: "201-absolute-with-space", action: enforced,
				upstream: location("201 Created", "https://example.com/files/my file.txt"),
				want:     repaired(201, "https://example.com/files/my%20file.txt")},
			{name: "307-respond-utf8", action: enforced,
				fixture: dateLine + `header Location "/ünïcode page"` + "\nrespond 307",
				want:    repaired(307, "/%C3%BCn%C3%AFcode%20page")},
			// Valid URI-references pass byte for byte.
			{name: "301-absolute",
				upstream: location("301 Moved Permanently", "https://example.com/a%20b?x=1&y=%C3%BC#top"),
				want:     repaired(301, "https://example.com/a%20b?x=1&y=%C3%BC#top")},
			{name: "302-relative",
				upstream: location("302 Found", "../up/./x;p=1?q=a,b&c=$d"),
				want:     repaired(302, "../up/./x;p=1?q=a,b&c=$d")},
			{name: "308-lowercase-escapes",
				upstream: location("308 Permanent Redirect", "/caf%c3%a9"),
				want:     repaired(308, "/caf%c3%a9")},
		},
	})
}

// freshDate checks that the response carries one Date, an IMF-fixdate
// close to now.
func freshDate(t *testing.T, what string, got *wireResponse) {
	t.Helper()
	v := got.header.Values("Date")
	if len(v) != 1 {
		t.Errorf("%s: Date = %q, want one IMF-fixdate", what, v)
		return
	}
	at, err := time.Parse(http.TimeFormat, v[0])
	if err != nil || at.Format(http.TimeFormat) != v[0] {
		t.Errorf("%s: Date %q is not an IMF-fixdate", what, v[0])
		return
	}
	if d := time.Since(at); d < -5*time.Second || d > 30*time.Second {
		t.Errorf("%s: Date %q is %v away from now", what, v[0], d)
	}
}

func TestRuleDateInvalid(t *testing.T) {
	fresh := expect{check: freshDate, ignore: []string{"Date"}}
	withDate := func(date string) string {
		return rawResponse("HTTP/1.1 200 OK", []string{"Date: " + date, "Content-Type: text/plain", "Content-Length: 2"}, "ok")
	}
	runRuleTable(t, ruleTable{
		rule:  "date-invalid",
		extra: []route{{name: "dateobsoleteoff", normalize: normalizeWith("rule http-date-obsolete off")}},
		cases: []ruleCase{
			{name: "date-words", action: enforced, upstream: withDate("yesterday"), want: fresh},
			{name: "date-bad-day", action: enforced, upstream: withDate("Mon, 32 Jan 2006 15:04:05 GMT"), want: fresh},
			{name: "date-not-gmt", action: enforced, upstream: withDate("Mon, 02 Jan 2006 15:04:05 CET"), want: fresh},
			// A missing Date is added by the server that forwards the
			// response (RFC 9110 §6.6.1): not a violation on the wire.
			{name: "date-missing",
				upstream: rawResponse("HTTP/1.1 200 OK", []string{"Content-Type: text/plain", "Content-Length: 2"}, "ok"), want: fresh},
			{name: "date-fixed", upstream: withDate(fixedDate),
				want: expect{header: map[string]string{"Date": fixedDate}}},
			// The obsolete forms are HTTP-dates too (RFC 9110 §5.6.7):
			// date-invalid lets them be; http-date-obsolete rewrites
			// them (TestRuleHTTPDateObsolete).
			{name: "date-rfc850", route: "dateobsoleteoff", upstream: withDate("Monday, 02-Jan-06 15:04:05 GMT"),
				want: expect{header: map[string]string{"Date": "Monday, 02-Jan-06 15:04:05 GMT"}}},
			{name: "date-asctime", route: "dateobsoleteoff", upstream: withDate("Mon Jan  2 15:04:05 2006"),
				want: expect{header: map[string]string{"Date": "Mon Jan  2 15:04:05 2006"}}},
		},
	})
}
