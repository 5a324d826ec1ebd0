package normalize

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"
)

// The rules of issue 12's group a: dates, Cache-Control, ETag. Each has a
// case per action here and conformant forms in rulesAConformant, which
// must pass byte for byte.

func rulesACases() []ruleCase {
	const (
		E = Enforce
		R = Report
	)
	future := time.Now().Add(48 * time.Hour).UTC().Format(http.TimeFormat)
	lmIsDate := func(t *testing.T, status int, h http.Header, body []byte) {
		lm, d := h.Values("Last-Modified"), h.Values("Date")
		if len(lm) != 1 || len(d) != 1 {
			t.Fatalf("Last-Modified %q, Date %q: want one of each", lm, d)
		}
		l, err1 := time.Parse(http.TimeFormat, lm[0])
		n, err2 := time.Parse(http.TimeFormat, d[0])
		if err1 != nil || err2 != nil || l.After(n) || n.Sub(l) > 2*time.Second {
			t.Errorf("Last-Modified %q, want the Date %q (the time it was sent)", lm, d)
		}
	}
	return []ruleCase{
		// expires-invalid
		{name: "expires-invalid/0/enforce", opts: full, h: reply(200, "ok", "Expires", "0"),
			status: 200, body: "ok", want: map[string]string{"Expires": epochDate},
			events: []ev{{RuleExpiresInvalid, E, 200}}},
		{name: "expires-invalid/-1/enforce", opts: full, h: reply(200, "ok", "Expires", "-1"),
			status: 200, body: "ok", want: map[string]string{"Expires": epochDate},
			events: []ev{{RuleExpiresInvalid, E, 200}}},
		{name: "expires-invalid/now on 304/enforce", opts: full, h: reply(304, "", "Expires", "now", "ETag", `"v1"`),
			status: 304, want: map[string]string{"Expires": epochDate, "Etag": `"v1"`},
			events: []ev{{RuleExpiresInvalid, E, 304}}},
		{name: "expires-invalid/empty/enforce", opts: full, h: reply(404, "no", "Expires", ""),
			status: 404, body: "no", want: map[string]string{"Expires": epochDate},
			events: []ev{{RuleExpiresInvalid, E, 404}}},
		{name: "expires-invalid/CET/enforce", opts: full, h: reply(200, "ok", "Expires", "Sun, 06 Nov 1994 08:49:37 CET"),
			status: 200, body: "ok", want: map[string]string{"Expires": epochDate},
			events: []ev{{RuleExpiresInvalid, E, 200}}},
		{name: "expires-invalid/0/report", opts: with(full, RuleExpiresInvalid, R), h: reply(200, "ok", "Expires", "0"),
			status: 200, body: "ok", want: map[string]string{"Expires": "0"}, same: true,
			events: []ev{{RuleExpiresInvalid, R, 200}}},
		{name: "expires-invalid/0/off", opts: with(full, RuleExpiresInvalid, Off), h: reply(200, "ok", "Expires", "0"),
			status: 200, body: "ok", want: map[string]string{"Expires": "0"}, same: true},

		// http-date-obsolete
		{name: "http-date-obsolete/Date rfc850/enforce", opts: full, h: reply(200, "old", "Date", "Sunday, 06-Nov-94 08:49:37 GMT"),
			status: 200, body: "old", want: map[string]string{"Date": fixedDate},
			events: []ev{{RuleHTTPDateObsolete, E, 200}}},
		{name: "http-date-obsolete/Date asctime/enforce", opts: full, h: reply(200, "old", "Date", "Sun Nov  6 08:49:37 1994"),
			status: 200, body: "old", want: map[string]string{"Date": fixedDate},
			events: []ev{{RuleHTTPDateObsolete, E, 200}}},
		{name: "http-date-obsolete/PHP date('r') in every field/enforce", opts: full,
			h: reply(503, "busy", "Date", "Sun, 06 Nov 1994 10:49:37 +0200", "Expires", "Sun, 06 Nov 1994 08:49:37 +0000",
				"Last-Modified", "Sat, 05 Nov 1994 08:49:37 +0000", "Retry-After", "Sun, 06 Nov 1994 09:49:37 +0000"),
			status: 503, body: "busy",
			want: map[string]string{"Date": fixedDate, "Expires": fixedDate, "Last-Modified": "Sat, 05 Nov 1994 08:49:37 GMT",
				"Retry-After": "Sun, 06 Nov 1994 09:49:37 GMT"},
			events: []ev{{RuleHTTPDateObsolete, E, 503}}},
		{name: "http-date-obsolete/Java Date.toString/enforce", opts: full, h: reply(200, "ok", "Last-Modified", "Sun Nov 06 08:49:37 UTC 1994"),
			status: 200, body: "ok", want: map[string]string{"Last-Modified": fixedDate},
			events: []ev{{RuleHTTPDateObsolete, E, 200}}},
		{name: "http-date-obsolete/rfc850/report", opts: with(full, RuleHTTPDateObsolete, R), h: reply(200, "old", "Expires", "Sunday, 06-Nov-94 08:49:37 GMT"),
			status: 200, body: "old", want: map[string]string{"Expires": "Sunday, 06-Nov-94 08:49:37 GMT"}, same: true,
			events: []ev{{RuleHTTPDateObsolete, R, 200}}},
		{name: "http-date-obsolete/rfc850/off", opts: with(full, RuleHTTPDateObsolete, Off), h: reply(200, "old", "Expires", "Sunday, 06-Nov-94 08:49:37 GMT"),
			status: 200, body: "old", want: map[string]string{"Expires": "Sunday, 06-Nov-94 08:49:37 GMT"}, same: true},

		// last-modified-invalid
		{name: "last-modified-invalid/words/enforce", opts: full, h: reply(200, "ok", "Last-Modified", "yesterday"),
			status: 200, body: "ok", want: map[string]string{"Last-Modified": absent},
			events: []ev{{RuleLastModifiedInvalid, E, 200}}},
		{name: "last-modified-invalid/unix time/enforce", opts: full, h: reply(200, "ok", "Last-Modified", "784111777"),
			status: 200, body: "ok", want: map[string]string{"Last-Modified": absent},
			events: []ev{{RuleLastModifiedInvalid, E, 200}}},
		{name: "last-modified-invalid/words/report", opts: with(full, RuleLastModifiedInvalid, R), h: reply(200, "ok", "Last-Modified", "yesterday"),
			status: 200, body: "ok", want: map[string]string{"Last-Modified": "yesterday"}, same: true,
			events: []ev{{RuleLastModifiedInvalid, R, 200}}},
		{name: "last-modified-invalid/words/off", opts: with(full, RuleLastModifiedInvalid, Off), h: reply(200, "ok", "Last-Modified", "yesterday"),
			status: 200, body: "ok", want: map[string]string{"Last-Modified": "yesterday"}, same: true},

		// last-modified-future
		{name: "last-modified-future/after Date/enforce", opts: full, h: reply(200, "ok", "Last-Modified", "Mon, 07 Nov 1994 08:49:37 GMT"),
			status: 200, body: "ok", want: map[string]string{"Last-Modified": fixedDate},
			events: []ev{{RuleLastModifiedFuture, E, 200}}},
		{name: "last-modified-future/one second after Date/enforce", opts: full, h: reply(200, "ok", "Last-Modified", "Sun, 06 Nov 1994 08:49:38 GMT"),
			status: 200, body: "ok", want: map[string]string{"Last-Modified": fixedDate},
			events: []ev{{RuleLastModifiedFuture, E, 200}}},
		// Without a Date, the server adds the current time: that is the
		// origination date Last-Modified gets.
		{name: "last-modified-future/no Date/enforce", opts: full, h: reply(200, "ok", "Date", del, "Last-Modified", future),
			status: 200, body: "ok", check: lmIsDate,
			events: []ev{{RuleLastModifiedFuture, E, 200}}},
		// An obsolete future date: rewritten and clamped, two rules.
		{name: "last-modified-future/rfc850 after Date/enforce", opts: full, h: reply(200, "ok", "Last-Modified", "Monday, 07-Nov-94 08:49:37 GMT"),
			status: 200, body: "ok", want: map[string]string{"Last-Modified": fixedDate},
			events: []ev{{RuleHTTPDateObsolete, E, 200}, {RuleLastModifiedFuture, E, 200}}},
		{name: "last-modified-future/after Date/report", opts: with(full, RuleLastModifiedFuture, R), h: reply(200, "ok", "Last-Modified", "Mon, 07 Nov 1994 08:49:37 GMT"),
			status: 200, body: "ok", want: map[string]string{"Last-Modified": "Mon, 07 Nov 1994 08:49:37 GMT"}, same: true,
			events: []ev{{RuleLastModifiedFuture, R, 200}}},
		{name: "last-modified-future/after Date/off", opts: with(full, RuleLastModifiedFuture, Off), h: reply(200, "ok", "Last-Modified", "Mon, 07 Nov 1994 08:49:37 GMT"),
			status: 200, body: "ok", want: map[string]string{"Last-Modified": "Mon, 07 Nov 1994 08:49:37 GMT"}, same: true},

		// cache-control-invalid
		{name: "cache-control-invalid/semicolons/enforce", opts: full, h: reply(200, "ok", "Cache-Control", "no-cache; no-store"),
			status: 200, body: "ok", want: map[string]string{"Cache-Control": "no-cache, no-store"},
			events: []ev{{RuleCacheControlInvalid, E, 200}}},
		{name: "cache-control-invalid/semicolons, upper case, spaces/enforce", opts: full,
			h:      reply(200, "ok", "Cache-Control", `Private; Max-Age = "0"; No-Cache=Set-Cookie`),
			status: 200, body: "ok", want: map[string]string{"Cache-Control": `private, max-age=0, no-cache="Set-Cookie"`},
			events: []ev{{RuleCacheControlInvalid, E, 200}}},
		{name: "cache-control-invalid/second line only/enforce", opts: full,
			h:      reply(200, "ok", "Cache-Control", "Public", "Cache-Control", "max-age=60;must-revalidate"),
			status: 200, body: "ok", want: map[string]string{"Cache-Control": "Public|max-age=60, must-revalidate"},
			events: []ev{{RuleCacheControlInvalid, E, 200}}},
		// Not unambiguous: reported, nothing dropped.
		{name: "cache-control-invalid/unknown after semicolon/enforce reports", opts: full, h: reply(200, "ok", "Cache-Control", "no-store; foo"),
			status: 200, body: "ok", want: map[string]string{"Cache-Control": "no-store; foo"}, same: true,
			events: []ev{{RuleCacheControlInvalid, R, 200}}},
		{name: "cache-control-invalid/max-age=-1/enforce reports", opts: full, h: reply(200, "ok", "Cache-Control", "max-age=-1"),
			status: 200, body: "ok", want: map[string]string{"Cache-Control": "max-age=-1"}, same: true,
			events: []ev{{RuleCacheControlInvalid, R, 200}}},
		{name: "cache-control-invalid/unterminated quote/enforce reports", opts: full, h: reply(200, "ok", "Cache-Control", `private="Set-Cookie, no-store`),
			status: 200, body: "ok", want: map[string]string{"Cache-Control": `private="Set-Cookie, no-store`}, same: true,
			events: []ev{{RuleCacheControlInvalid, R, 200}}},
		{name: "cache-control-invalid/one unrepairable line of two/enforce reports", opts: full,
			h:      reply(200, "ok", "Cache-Control", "no-cache; no-store", "Cache-Control", "max-age=soon"),
			status: 200, body: "ok", want: map[string]string{"Cache-Control": "no-cache; no-store|max-age=soon"}, same: true,
			events: []ev{{RuleCacheControlInvalid, R, 200}}},
		{name: "cache-control-invalid/semicolons/report", opts: with(full, RuleCacheControlInvalid, R), h: reply(200, "ok", "Cache-Control", "no-cache; no-store"),
			status: 200, body: "ok", want: map[string]string{"Cache-Control": "no-cache; no-store"}, same: true,
			events: []ev{{RuleCacheControlInvalid, R, 200}}},
		{name: "cache-control-invalid/semicolons/off", opts: with(full, RuleCacheControlInvalid, Off), h: reply(200, "ok", "Cache-Control", "no-cache; no-store"),
			status: 200, body: "ok", want: map[string]string{"Cache-Control": "no-cache; no-store"}, same: true},

		// cache-control-max-age-quoted
		{name: "cache-control-max-age-quoted/max-age/enforce", opts: full, h: reply(200, "ok", "Cache-Control", `public, max-age="3600"`),
			status: 200, body: "ok", want: map[string]string{"Cache-Control": "public, max-age=3600"},
			events: []ev{{RuleCacheControlMaxAgeQuoted, E, 200}}},
		{name: "cache-control-max-age-quoted/both/enforce", opts: full, h: reply(200, "ok", "Cache-Control", `S-MaxAge="60" , max-age="0",no-cache`),
			status: 200, body: "ok", want: map[string]string{"Cache-Control": `S-MaxAge=60 , max-age=0,no-cache`},
			events: []ev{{RuleCacheControlMaxAgeQuoted, E, 200}}},
		{name: "cache-control-max-age-quoted/not digits/enforce reports", opts: full, h: reply(200, "ok", "Cache-Control", `max-age="1h"`),
			status: 200, body: "ok", want: map[string]string{"Cache-Control": `max-age="1h"`}, same: true,
			events: []ev{{RuleCacheControlInvalid, R, 200}, {RuleCacheControlMaxAgeQuoted, R, 200}}},
		{name: "cache-control-max-age-quoted/max-age/report", opts: with(full, RuleCacheControlMaxAgeQuoted, R), h: reply(200, "ok", "Cache-Control", `max-age="60"`),
			status: 200, body: "ok", want: map[string]string{"Cache-Control": `max-age="60"`}, same: true,
			events: []ev{{RuleCacheControlMaxAgeQuoted, R, 200}}},
		{name: "cache-control-max-age-quoted/max-age/off", opts: with(full, RuleCacheControlMaxAgeQuoted, Off), h: reply(200, "ok", "Cache-Control", `max-age="60"`),
			status: 200, body: "ok", want: map[string]string{"Cache-Control": `max-age="60"`}, same: true},

		// cache-control-list-unquoted
		{name: "cache-control-list-unquoted/no-cache/enforce", opts: full, h: reply(200, "ok", "Cache-Control", "no-cache=Set-Cookie, max-age=60"),
			status: 200, body: "ok", want: map[string]string{"Cache-Control": `no-cache="Set-Cookie", max-age=60`},
			events: []ev{{RuleCacheControlListUnquoted, E, 200}}},
		{name: "cache-control-list-unquoted/private/enforce", opts: full, h: reply(200, "ok", "Cache-Control", "max-age=60, PRIVATE=Authorization"),
			status: 200, body: "ok", want: map[string]string{"Cache-Control": `max-age=60, PRIVATE="Authorization"`},
			events: []ev{{RuleCacheControlListUnquoted, E, 200}}},
		{name: "cache-control-list-unquoted/no-cache/report", opts: with(full, RuleCacheControlListUnquoted, R), h: reply(200, "ok", "Cache-Control", "no-cache=Set-Cookie"),
			status: 200, body: "ok", want: map[string]string{"Cache-Control": "no-cache=Set-Cookie"}, same: true,
			events: []ev{{RuleCacheControlListUnquoted, R, 200}}},
		{name: "cache-control-list-unquoted/no-cache/off", opts: with(full, RuleCacheControlListUnquoted, Off), h: reply(200, "ok", "Cache-Control", "no-cache=Set-Cookie"),
			status: 200, body: "ok", want: map[string]string{"Cache-Control": "no-cache=Set-Cookie"}, same: true},

		// cache-control-must-understand
		{name: "cache-control-must-understand/alone/enforce", opts: full, h: reply(200, "ok", "Cache-Control", "must-understand, max-age=60"),
			status: 200, body: "ok", want: map[string]string{"Cache-Control": "must-understand, max-age=60, no-store"},
			events: []ev{{RuleCacheControlMustUnderstand, E, 200}}},
		{name: "cache-control-must-understand/alone/report", opts: with(full, RuleCacheControlMustUnderstand, R), h: reply(200, "ok", "Cache-Control", "must-understand"),
			status: 200, body: "ok", want: map[string]string{"Cache-Control": "must-understand"}, same: true,
			events: []ev{{RuleCacheControlMustUnderstand, R, 200}}},
		{name: "cache-control-must-understand/alone/off", opts: with(full, RuleCacheControlMustUnderstand, Off), h: reply(200, "ok", "Cache-Control", "must-understand"),
			status: 200, body: "ok", want: map[string]string{"Cache-Control": "must-understand"}, same: true},
		// etag-invalid
		{name: "etag-invalid/unquoted/enforce", opts: full, h: reply(200, "ok", "ETag", "abc123"),
			status: 200, body: "ok", want: map[string]string{"Etag": `"abc123~unquoted"`},
			events: []ev{{RuleETagInvalid, E, 200}}},
		{name: "etag-invalid/unquoted weak/enforce", opts: full, h: reply(200, "ok", "ETag", "W/5f3c-1a2b"),
			status: 200, body: "ok", want: map[string]string{"Etag": `W/"5f3c-1a2b~unquoted"`},
			events: []ev{{RuleETagInvalid, E, 200}}},
		{name: "etag-invalid/unquoted on 304/enforce", opts: full, h: reply(304, "", "ETag", "abc123"),
			status: 304, want: map[string]string{"Etag": `"abc123~unquoted"`},
			events: []ev{{RuleETagInvalid, E, 304}}},
		// What Caddy's encode makes of an unquoted abc123 (a coding
		// net/http's client leaves alone), for a client that accepts it,
		// with the Vary encode adds.
		{name: "etag-invalid/unquoted behind encode/enforce", opts: full, hdr: []string{"Accept-Encoding", "br"},
			h:      reply(200, "ok", "ETag", `abc123-br"`, "Content-Encoding", "br", "Vary", "Accept-Encoding"),
			status: 200, body: "ok", want: map[string]string{"Etag": `"abc123~unquoted-br"`},
			events: []ev{{RuleETagInvalid, E, 200}}},
		// The suffix of another coding than the response's is no
		// encode's: the value cannot be quoted as it is.
		{name: "etag-invalid/stray quote/enforce removes", opts: full, h: reply(200, "ok", "ETag", `abc123-gzip"`),
			status: 200, body: "ok", want: map[string]string{"Etag": absent},
			events: []ev{{RuleETagInvalid, E, 200}}},
		{name: "etag-invalid/space/enforce removes", opts: full, h: reply(200, "ok", "ETag", "abc 123"),
			status: 200, body: "ok", want: map[string]string{"Etag": absent},
			events: []ev{{RuleETagInvalid, E, 200}}},
		{name: "etag-invalid/unterminated/enforce removes", opts: full, h: reply(200, "ok", "ETag", `"abc123`),
			status: 200, body: "ok", want: map[string]string{"Etag": absent},
			events: []ev{{RuleETagInvalid, E, 200}}},
		{name: "etag-invalid/empty/enforce removes", opts: full, h: reply(200, "ok", "ETag", ""),
			status: 200, body: "ok", want: map[string]string{"Etag": absent},
			events: []ev{{RuleETagInvalid, E, 200}}},
		{name: "etag-invalid/unquoted/report", opts: with(full, RuleETagInvalid, R), h: reply(200, "ok", "ETag", "abc123"),
			status: 200, body: "ok", want: map[string]string{"Etag": "abc123"}, same: true,
			events: []ev{{RuleETagInvalid, R, 200}}},
		{name: "etag-invalid/unquoted/off", opts: with(full, RuleETagInvalid, Off), h: reply(200, "ok", "ETag", "abc123"),
			status: 200, body: "ok", want: map[string]string{"Etag": "abc123"}, same: true},
	}
}

// rulesAConformant are responses in unusual but valid forms that the
// rules of rulesACases must let pass byte for byte.
var rulesAConformant = []struct {
	name   string
	method string
	h      http.HandlerFunc
}{
	{"Expires far in the past", "GET", reply(200, "ok", "Expires", "Thu, 01 Jan 1970 00:00:00 GMT")},
	{"Expires far in the future", "GET", reply(200, "ok", "Expires", "Fri, 31 Dec 9999 23:59:59 GMT")},
	{"Expires equal to Date", "GET", reply(200, "ok", "Expires", fixedDate)},
	{"Expires with max-age=0, must-revalidate", "GET", reply(200, "ok", "Expires", fixedDate, "Cache-Control", "max-age=0, must-revalidate")},
	{"Last-Modified equal to Date", "GET", reply(200, "ok", "Last-Modified", fixedDate)},
	{"Last-Modified long before Date", "GET", reply(200, "ok", "Last-Modified", "Thu, 01 Jan 1970 00:00:00 GMT")},
	{"Last-Modified on 304", "GET", reply(304, "", "Last-Modified", "Sat, 05 Nov 1994 08:49:37 GMT", "ETag", `"v1"`)},
	{"Last-Modified before Date, no Date", "GET", reply(200, "ok", "Date", del, "Last-Modified", "Sat, 05 Nov 1994 08:49:37 GMT")},
	{"Retry-After 0", "GET", reply(503, "busy", "Retry-After", "0")},
	{"ETag strong", "GET", reply(200, "ok", "ETag", `"v1"`)},
	{"ETag weak", "GET", reply(200, "ok", "ETag", `W/"v1"`)},
	{"ETag empty strong", "GET", reply(200, "ok", "ETag", `""`)},
	{"ETag empty weak", "GET", reply(200, "ok", "ETag", `W/""`)},
	{"ETag with commas and obs-text", "GET", reply(200, "ok", "ETag", "\"a,b;c\xe9\"")},
	// As encode sends it to a client that accepts gzip (net/http's).
	{"ETag of encode on a quoted tag", "GET", reply(200, gzEmpty, "ETag", `"abc123-gzip"`, "Content-Encoding", "gzip", "Vary", "Accept-Encoding")},
	{"Cache-Control max-age=0, must-revalidate", "GET", reply(200, "ok", "Cache-Control", "max-age=0, must-revalidate")},
	{"Cache-Control names in upper case (compared case-insensitively)", "GET", reply(200, "ok", "Cache-Control", "Max-Age=60, Must-Revalidate")},
	{"Cache-Control quoted field lists", "GET", reply(200, "ok", "Cache-Control", `no-cache="Set-Cookie, Set-Cookie2", private="Authorization"`)},
	{"Cache-Control bare no-cache and private", "GET", reply(200, "ok", "Cache-Control", "private, no-cache")},
	{"Cache-Control on two lines", "GET", reply(200, "ok", "Cache-Control", "public", "Cache-Control", "max-age=31536000, immutable")},
	{"Cache-Control extensions with quoted commas", "GET", reply(200, "ok", "Cache-Control", `max-age=60, ext="a, b; c", stale-while-revalidate=30`)},
	{"Cache-Control must-understand with no-store", "GET", reply(200, "ok", "Cache-Control", "must-understand, no-store")},
	{"Cache-Control must-understand and no-store on two lines", "GET", reply(200, "ok", "Cache-Control", "no-store", "Cache-Control", "must-understand")},
	{"Cache-Control s-maxage without white space", "GET", reply(200, "ok", "Cache-Control", "s-maxage=0,proxy-revalidate")},
	{"Cache-Control quoted-pair in an extension", "GET", reply(200, "ok", "Cache-Control", `x-note="say \"hi\""`)},
	{"Retry-After IMF-fixdate", "GET", reply(503, "busy", "Retry-After", "Sat, 29 Feb 2020 23:59:59 GMT")},
}

// TestRulesA runs rulesACases as TestRules runs its cases.
func TestRulesA(t *testing.T) { runRuleCases(t, rulesACases()) }

// TestRulesAConformant: rulesAConformant pass byte for byte, under every
// configuration, and cause no Event.
func TestRulesAConformant(t *testing.T) {
	for _, cfg := range []struct {
		name string
		opts Options
	}{{"enforce", full}, {"report", Options{Default: Report}}} {
		for _, c := range rulesAConformant {
			t.Run(cfg.name+"/"+c.name, func(t *testing.T) {
				f := newFixture(t, cfg.opts, c.h)
				addr := f.h1.Listener.Addr().String()
				wrapped := rawDo(t, addr, c.method, "/x")
				if evs := f.events(); len(evs) != 0 {
					t.Errorf("HTTP/1.1: events %v, want none", evs)
				}
				if direct := rawDo(t, addr, c.method, "/direct/x"); !bytes.Equal(wrapped.bytes, direct.bytes) {
					t.Errorf("HTTP/1.1 bytes differ\nwrapped: %q\ndirect:  %q", wrapped.bytes, direct.bytes)
				}
				w2 := do(t, f.h2, c.method, "/x")
				if evs := f.events(); len(evs) != 0 {
					t.Errorf("HTTP/2: events %v, want none", evs)
				}
				d2 := do(t, f.h2, c.method, "/direct/x")
				if w2.status != d2.status || !reflect.DeepEqual(w2.header, d2.header) || !bytes.Equal(w2.body, d2.body) {
					t.Errorf("HTTP/2 responses differ\nwrapped: %d %v %q\ndirect:  %d %v %q", w2.status, w2.header, w2.body, d2.status, d2.header, d2.body)
				}
			})
		}
	}
}

// originETag is an origin that sends tag as its ETag and answers 304 only
// when If-None-Match is exactly its tag, 412 when If-Match is not.
func originETag(tag string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", fixedDate)
		w.Header()["Etag"] = []string{tag}
		if im := r.Header.Get("If-Match"); im != "" && im != tag {
			w.WriteHeader(http.StatusPreconditionFailed)
			return
		}
		if r.Header.Get("If-None-Match") == tag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		io.WriteString(w, "content")
	}
}

// TestETagRoundTrip: the tag etag-invalid quotes comes back to the origin
// as the origin sent it, so its 304s (and If-Match) keep working; quoted
// tags pass both ways untouched.
func TestETagRoundTrip(t *testing.T) {
	get := func(t *testing.T, url string, h ...string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("GET", url, nil)
		for i := 0; i+1 < len(h); i += 2 {
			req.Header.Set(h[i], h[i+1])
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res
	}
	for _, tc := range []struct{ origin, out string }{
		{"abc123", `"abc123~unquoted"`},
		{"W/abc123", `W/"abc123~unquoted"`},
		{`"abc123"`, `"abc123"`},
		{`W/"abc123"`, `W/"abc123"`},
		{"a,b", `"a,b~unquoted"`},
	} {
		t.Run(tc.origin, func(t *testing.T) {
			f := newFixture(t, full, originETag(tc.origin))
			url := f.h1.URL + "/x"
			res := get(t, url)
			if got := res.Header.Get("Etag"); res.StatusCode != 200 || got != tc.out {
				t.Fatalf("first GET: %d ETag %q, want 200 %q", res.StatusCode, got, tc.out)
			}
			if res := get(t, url, "If-None-Match", tc.out); res.StatusCode != 304 || res.Header.Get("Etag") != tc.out {
				t.Errorf("If-None-Match %s: %d ETag %q, want 304 %q", tc.out, res.StatusCode, res.Header.Get("Etag"), tc.out)
			}
			if res := get(t, url, "If-Match", tc.out); res.StatusCode != 200 {
				t.Errorf("If-Match %s: %d, want 200", tc.out, res.StatusCode)
			}
			if res := get(t, url, "If-Match", `"nope"`); res.StatusCode != 412 {
				t.Errorf(`If-Match "nope": %d, want 412`, res.StatusCode)
			}
			f.events()
		})
	}
}

func TestUnmarkETags(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`"abc~unquoted"`, "abc"},
		{`W/"abc~unquoted"`, "W/abc"},
		{`"abc~unquoted-gzip"`, "abc"},
		{`"abc~unquoted-br", "x", W/"y~unquoted"`, `abc, "x", W/y`},
		{`"a,b~unquoted" , *`, "a,b, *"},
		{`"abc~unquoted~unquoted"`, "abc~unquoted"},
		{`"~unquoted"`, `"~unquoted"`},
		{`W/"abc~unquoted-gzip"`, `W/"abc~unquoted-gzip"`},
	} {
		h := http.Header{"If-None-Match": {tc.in}, "If-Range": {tc.in}, "If-Match": {tc.in}}
		unmarkETags(h)
		for _, f := range conditionalFields {
			if got := h.Get(f); got != tc.want {
				t.Errorf("%s: %s: got %s, want %s", f, tc.in, got, tc.want)
			}
		}
	}
	h := http.Header{"If-None-Match": {`"abc"`}, "If-Range": {fixedDate}}
	unmarkETags(h)
	if h.Get("If-None-Match") != `"abc"` || h.Get("If-Range") != fixedDate {
		t.Errorf("unmarked fields changed: %v", h)
	}
	if n := testing.AllocsPerRun(100, func() { unmarkETags(h) }); n != 0 {
		t.Errorf("%v allocations for unmarked fields, want none", n)
	}
}

// cachedHeader is a conformant response with every field group a's rules
// read, in the forms servers send them.
func cachedHeader(w *benchWriter) {
	w.reset()
	w.h["Content-Type"] = benchType
	w.h["Content-Length"] = benchLength4K
	w.h["Date"] = benchDate
	w.h["Etag"] = benchETag
	w.h["Last-Modified"] = benchLastModified
	w.h["Expires"] = benchDate
	w.h["Cache-Control"] = benchCacheControl
}

var (
	benchETag         = []string{`W/"5f3c-1a2b"`}
	benchLastModified = []string{"Sat, 05 Nov 1994 08:49:37 GMT"}
	benchCacheControl = []string{`public, max-age=3600, no-cache="Set-Cookie", must-revalidate`}
)

// TestRulesACleanPathAllocs: a conformant response carrying ETag,
// Last-Modified, Expires and Cache-Control, and a conditional request,
// cost no allocation with every rule enabled.
func TestRulesACleanPathAllocs(t *testing.T) {
	n := benchNormalizer(t)
	w := newBenchWriter()
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("If-None-Match", `W/"5f3c-1a2b", "other"`)
	run := func() {
		cachedHeader(w)
		nw := n.Wrap(w, req)
		nw.WriteHeader(http.StatusOK)
		nw.Write(benchBody4K)
		n.Release(nw)
	}
	run()
	if w.status != 200 || w.h.Get("Etag") != benchETag[0] || w.h.Get("Cache-Control") != benchCacheControl[0] {
		t.Fatalf("the response changed: %d %v", w.status, w.h)
	}
	if allocs := testing.AllocsPerRun(100, run); allocs != 0 {
		t.Errorf("%v allocations per conformant response, want 0", allocs)
	}
}

func BenchmarkCleanPathCachedFields(b *testing.B) {
	n := benchNormalizer(b)
	w := newBenchWriter()
	req := httptest.NewRequest("GET", "/", nil)
	b.ReportAllocs()
	for b.Loop() {
		cachedHeader(w)
		nw := n.Wrap(w, req)
		nw.WriteHeader(http.StatusOK)
		nw.Write(benchBody4K)
		n.Release(nw)
	}
}
