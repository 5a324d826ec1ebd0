package caddytest

import (
	"net/http"
	"testing"
	"time"
)

// The rules of issue 12's group a, through a real Caddy: HTTP-dates,
// Cache-Control and ETag.

// epoch is the past date an invalid Expires becomes.
const epoch = "Thu, 01 Jan 1970 00:00:00 GMT"

func TestRuleExpiresInvalid(t *testing.T) {
	expires := func(status, value string) string {
		return upstream("HTTP/1.1 "+status, "ok", "Expires: "+value, "Content-Length: 2")
	}
	past := expect{header: map[string]string{"Expires": epoch}}
	pass := func(v string) expect { return expect{header: map[string]string{"Expires": v}} }
	runRuleTable(t, ruleTable{
		rule: "expires-invalid",
		cases: []ruleCase{
			{name: "expires-0", action: enforced, upstream: expires("200 OK", "0"), want: past},
			{name: "expires-minus-1", action: enforced, upstream: expires("200 OK", "-1"), want: past},
			{name: "expires-now-404", action: enforced, upstream: expires("404 Not Found", "now"), want: past},
			{name: "expires-cet", action: enforced, upstream: expires("200 OK", "Mon, 02 Jan 2006 15:04:05 CET"), want: past},
			{name: "expires-304", action: enforced,
				upstream: noContent("HTTP/1.1 304 Not Modified", `ETag: "v1"`, "Expires: 0"), want: past},
			// Valid dates pass byte for byte: far in the past, the
			// epoch itself, far ahead, equal to Date.
			{name: "expires-1970", upstream: expires("200 OK", epoch), want: pass(epoch)},
			{name: "expires-past", upstream: expires("200 OK", "Sat, 01 Jan 1994 00:00:00 GMT"), want: pass("Sat, 01 Jan 1994 00:00:00 GMT")},
			{name: "expires-9999", upstream: expires("200 OK", "Fri, 31 Dec 9999 23:59:59 GMT"), want: pass("Fri, 31 Dec 9999 23:59:59 GMT")},
			{name: "expires-date", upstream: expires("200 OK", fixedDate), want: pass(fixedDate)},
			{name: "expires-with-max-age",
				upstream: upstream("HTTP/1.1 200 OK", "ok", "Expires: "+fixedDate, "Cache-Control: max-age=0, must-revalidate", "Content-Length: 2"),
				want:     expect{header: map[string]string{"Expires": fixedDate, "Cache-Control": "max-age=0, must-revalidate"}}},
		},
	})
}

func TestRuleHTTPDateObsolete(t *testing.T) {
	withDate := func(field, value string) string {
		return rawResponse("HTTP/1.1 200 OK", []string{"Date: " + fixedDate, field + ": " + value, "Content-Length: 2"}, "ok")
	}
	rewritten := func(field, value string) expect { return expect{header: map[string]string{field: value}} }
	runRuleTable(t, ruleTable{
		rule: "http-date-obsolete",
		cases: []ruleCase{
			{name: "date-rfc850", action: enforced,
				upstream: rawResponse("HTTP/1.1 200 OK", []string{"Date: Monday, 02-Jan-06 15:04:05 GMT", "Content-Length: 2"}, "ok"),
				want:     rewritten("Date", fixedDate)},
			{name: "date-asctime", action: enforced,
				upstream: rawResponse("HTTP/1.1 200 OK", []string{"Date: Mon Jan  2 15:04:05 2006", "Content-Length: 2"}, "ok"),
				want:     rewritten("Date", fixedDate)},
			// PHP's date('r'): a numeric zone, here two hours ahead.
			{name: "date-php", action: enforced,
				upstream: rawResponse("HTTP/1.1 200 OK", []string{"Date: Mon, 02 Jan 2006 17:04:05 +0200", "Content-Length: 2"}, "ok"),
				want:     rewritten("Date", fixedDate)},
			{name: "expires-plus0000", action: enforced, upstream: withDate("Expires", "Mon, 02 Jan 2006 15:04:05 +0000"),
				want: rewritten("Expires", fixedDate)},
			{name: "expires-utc", action: enforced, upstream: withDate("Expires", "Mon, 02 Jan 2006 15:04:05 UTC"),
				want: rewritten("Expires", fixedDate)},
			// Java's Date.toString().
			{name: "last-modified-java", action: enforced, upstream: withDate("Last-Modified", "Mon Jan 02 14:04:05 UTC 2006"),
				want: rewritten("Last-Modified", "Mon, 02 Jan 2006 14:04:05 GMT")},
			{name: "last-modified-rfc850", action: enforced, upstream: withDate("Last-Modified", "Sunday, 01-Jan-06 15:04:05 GMT"),
				want: rewritten("Last-Modified", "Sun, 01 Jan 2006 15:04:05 GMT")},
			{name: "retry-after-asctime", action: enforced,
				upstream: noContent("HTTP/1.1 503 Service Unavailable", "Retry-After: Mon Jan  2 16:04:05 2006"),
				want:     expect{status: 503, header: map[string]string{"Retry-After": "Mon, 02 Jan 2006 16:04:05 GMT"}}},
			// IMF-fixdates pass byte for byte, as do delay-seconds.
			{name: "all-imf",
				upstream: upstream("HTTP/1.1 200 OK", "ok", "Expires: "+epoch, "Last-Modified: Sun, 01 Jan 2006 15:04:05 GMT", "Content-Length: 2"),
				want:     expect{header: map[string]string{"Date": fixedDate, "Expires": epoch, "Last-Modified": "Sun, 01 Jan 2006 15:04:05 GMT"}}},
			{name: "retry-after-seconds", upstream: noContent("HTTP/1.1 503 Service Unavailable", "Retry-After: 120"),
				want: expect{status: 503, header: map[string]string{"Retry-After": "120"}}},
			{name: "retry-after-leap-day", upstream: noContent("HTTP/1.1 503 Service Unavailable", "Retry-After: Sat, 29 Feb 2020 23:59:59 GMT"),
				want: expect{status: 503, header: map[string]string{"Retry-After": "Sat, 29 Feb 2020 23:59:59 GMT"}}},
		},
	})
}

func TestRuleLastModifiedInvalid(t *testing.T) {
	lm := func(value string) string {
		return upstream("HTTP/1.1 200 OK", "ok", "Last-Modified: "+value, "Content-Length: 2")
	}
	removed := expect{absent: []string{"Last-Modified"}}
	runRuleTable(t, ruleTable{
		rule: "last-modified-invalid",
		cases: []ruleCase{
			{name: "lm-words", action: enforced, upstream: lm("yesterday"), want: removed},
			{name: "lm-unix", action: enforced, upstream: lm("1136214245"), want: removed},
			{name: "lm-cet", action: enforced, upstream: lm("Mon, 02 Jan 2006 15:04:05 CET"), want: removed},
			{name: "lm-valid", upstream: lm("Sun, 01 Jan 2006 15:04:05 GMT"),
				want: expect{header: map[string]string{"Last-Modified": "Sun, 01 Jan 2006 15:04:05 GMT"}}},
			{name: "lm-valid-304", upstream: noContent("HTTP/1.1 304 Not Modified", `ETag: W/"x"`, "Last-Modified: "+fixedDate),
				want: expect{header: map[string]string{"Last-Modified": fixedDate}}},
		},
	})
}

func TestRuleLastModifiedFuture(t *testing.T) {
	lm := func(value string) string {
		return upstream("HTTP/1.1 200 OK", "ok", "Last-Modified: "+value, "Content-Length: 2")
	}
	future := time.Now().Add(72 * time.Hour).UTC().Format(http.TimeFormat)
	runRuleTable(t, ruleTable{
		rule: "last-modified-future",
		cases: []ruleCase{
			{name: "lm-day-after", action: enforced, upstream: lm("Tue, 03 Jan 2006 15:04:05 GMT"),
				want: expect{header: map[string]string{"Last-Modified": fixedDate}}},
			{name: "lm-second-after", action: enforced, upstream: lm("Mon, 02 Jan 2006 15:04:06 GMT"),
				want: expect{header: map[string]string{"Last-Modified": fixedDate}}},
			{name: "lm-2100", action: enforced, upstream: lm("Fri, 01 Jan 2100 00:00:00 GMT"),
				want: expect{header: map[string]string{"Last-Modified": fixedDate}}},
			// With no Date from the upstream, the one Caddy adds is the
			// origination date.
			{name: "lm-future-no-date", action: enforced,
				upstream: rawResponse("HTTP/1.1 200 OK", []string{"Last-Modified: " + future, "Content-Length: 2"}, "ok"),
				want:     expect{ignore: []string{"Last-Modified", "Date"}, check: lastModifiedIsDate}},
			{name: "lm-equal", upstream: lm(fixedDate), want: expect{header: map[string]string{"Last-Modified": fixedDate}}},
			{name: "lm-second-before", upstream: lm("Mon, 02 Jan 2006 15:04:04 GMT"),
				want: expect{header: map[string]string{"Last-Modified": "Mon, 02 Jan 2006 15:04:04 GMT"}}},
		},
	})
}

// lastModifiedIsDate checks that Last-Modified is no later than Date and
// at most a moment before it.
func lastModifiedIsDate(t *testing.T, what string, got *wireResponse) {
	t.Helper()
	lm, d := got.header.Values("Last-Modified"), got.header.Values("Date")
	if len(lm) != 1 || len(d) != 1 {
		t.Errorf("%s: Last-Modified %q, Date %q: want one of each", what, lm, d)
		return
	}
	l, err1 := time.Parse(http.TimeFormat, lm[0])
	n, err2 := time.Parse(http.TimeFormat, d[0])
	if err1 != nil || err2 != nil || l.After(n) || n.Sub(l) > 5*time.Second {
		t.Errorf("%s: Last-Modified %q, want the Date %q", what, lm[0], d[0])
	}
}

// cc is an upstream 200 with the given Cache-Control lines.
func cc(lines ...string) string {
	h := []string{"Content-Length: 2"}
	for _, l := range lines {
		h = append(h, "Cache-Control: "+l)
	}
	return upstream("HTTP/1.1 200 OK", "ok", h...)
}

// ccWant expects one Cache-Control line with value v.
func ccWant(v string) expect { return expect{header: map[string]string{"Cache-Control": v}} }

func TestRuleCacheControlInvalid(t *testing.T) {
	runRuleTable(t, ruleTable{
		rule: "cache-control-invalid",
		cases: []ruleCase{
			{name: "cc-semicolons", action: enforced, upstream: cc("no-cache; no-store"), want: ccWant("no-cache, no-store")},
			{name: "cc-semicolons-mixed", action: enforced, upstream: cc(`Private;Max-Age = 0; no-cache="Set-Cookie; X"`),
				want: ccWant(`private, max-age=0, no-cache="Set-Cookie; X"`)},
			// Ambiguous: reported even under enforce, byte for byte.
			{name: "cc-unknown-piece", route: defaultRoute, action: reported, upstream: cc("no-store; x-foo"), want: ccWant("no-store; x-foo")},
			{name: "cc-negative", route: defaultRoute, action: reported, upstream: cc("max-age=-1"), want: ccWant("max-age=-1")},
			{name: "cc-max-age-no-value", route: defaultRoute, action: reported, upstream: cc("max-age"), want: ccWant("max-age")},
			// Valid forms pass byte for byte.
			{name: "cc-revalidate", upstream: cc("max-age=0, must-revalidate"), want: ccWant("max-age=0, must-revalidate")},
			{name: "cc-upper", upstream: cc("Max-Age=60, No-Store"), want: ccWant("Max-Age=60, No-Store")},
			{name: "cc-lists", upstream: cc(`no-cache="Set-Cookie, Set-Cookie2", private`), want: ccWant(`no-cache="Set-Cookie, Set-Cookie2", private`)},
			{name: "cc-extension", upstream: cc(`max-age=60, ext="a; b", stale-if-error=600`), want: ccWant(`max-age=60, ext="a; b", stale-if-error=600`)},
			{name: "cc-two-lines", upstream: cc("public", "max-age=31536000, immutable"),
				want: expect{check: func(t *testing.T, what string, got *wireResponse) {
					if v := got.header.Values("Cache-Control"); len(v) != 2 || v[0] != "public" || v[1] != "max-age=31536000, immutable" {
						t.Errorf("%s: Cache-Control %q, want both lines as sent", what, v)
					}
				}}},
		},
	})
}

func TestRuleCacheControlMaxAgeQuoted(t *testing.T) {
	runRuleTable(t, ruleTable{
		rule: "cache-control-max-age-quoted",
		cases: []ruleCase{
			{name: "cc-quoted-max-age", action: enforced, upstream: cc(`public, max-age="3600"`), want: ccWant("public, max-age=3600")},
			{name: "cc-quoted-s-maxage", action: enforced, upstream: cc(`s-maxage="60", max-age=0`), want: ccWant("s-maxage=60, max-age=0")},
			{name: "cc-token-max-age", upstream: cc("public, max-age=3600"), want: ccWant("public, max-age=3600")},
		},
	})
}

func TestRuleCacheControlListUnquoted(t *testing.T) {
	runRuleTable(t, ruleTable{
		rule: "cache-control-list-unquoted",
		cases: []ruleCase{
			{name: "cc-no-cache-token", action: enforced, upstream: cc("no-cache=Set-Cookie"), want: ccWant(`no-cache="Set-Cookie"`)},
			{name: "cc-private-token", action: enforced, upstream: cc("private=Authorization, max-age=60"), want: ccWant(`private="Authorization", max-age=60`)},
			{name: "cc-no-cache-quoted", upstream: cc(`no-cache="Set-Cookie"`), want: ccWant(`no-cache="Set-Cookie"`)},
			{name: "cc-private-bare", upstream: cc("private"), want: ccWant("private")},
		},
	})
}

func TestRuleCacheControlMustUnderstand(t *testing.T) {
	runRuleTable(t, ruleTable{
		rule: "cache-control-must-understand",
		cases: []ruleCase{
			{name: "cc-mu-alone", action: enforced, upstream: cc("must-understand, max-age=60"), want: ccWant("must-understand, max-age=60, no-store")},
			{name: "cc-mu-with-no-store", upstream: cc("must-understand, no-store"), want: ccWant("must-understand, no-store")},
		},
	})
}
