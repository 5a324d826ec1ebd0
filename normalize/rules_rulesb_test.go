package normalize

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The rules of the rules-b group: content-type-missing, field-repeated,
// vary-missing, content-range-invalid, age-invalid,
// content-encoding-identity, content-location-invalid,
// list-empty-elements, and not-modified-metadata's Content-Length.

// noType removes the Content-Type reply would add.
var noType = []string{"Content-Type", del}

func kv(pairs ...[]string) []string {
	var out []string
	for _, p := range pairs {
		out = append(out, p...)
	}
	return out
}

func rulesBCases() []ruleCase {
	const (
		E = Enforce
		R = Report
	)
	octet := map[string]string{"Content-Type": "application/octet-stream", "X-Content-Type-Options": "nosniff"}
	return []ruleCase{
		// content-type-missing
		{name: "content-type-missing/200/enforce", opts: full, h: reply(200, "<b>hi</b>", noType...),
			status: 200, want: octet, body: "<b>hi</b>",
			events: []ev{{RuleContentTypeMissing, E, 200}}},
		{name: "content-type-missing/404 with Content-Length/enforce", opts: full, h: reply(404, "gone", kv(noType, []string{"Content-Length", "4"})...),
			status: 404, want: octet, body: "gone",
			events: []ev{{RuleContentTypeMissing, E, 404}}},
		{name: "content-type-missing/200/enforce keeps the handler's nosniff", opts: full,
			h:      reply(200, "x", kv(noType, []string{"X-Content-Type-Options", "nosniff"})...),
			status: 200, want: octet, body: "x",
			events: []ev{{RuleContentTypeMissing, E, 200}}},
		{name: "content-type-missing/200/enforce with a configured type", opts: Options{DefaultContentType: "text/plain; charset=utf-8"},
			h:      reply(200, "<b>hi</b>", noType...),
			status: 200, want: map[string]string{"Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff"}, body: "<b>hi</b>",
			events: []ev{{RuleContentTypeMissing, E, 200}}},
		// A Go handler that sets h["Content-Type"] = nil sends content
		// without a type: judged the same.
		{name: "content-type-missing/200 type set to nil/enforce", opts: full,
			h: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Date", fixedDate)
				w.Header()["Content-Type"] = nil
				w.Write([]byte("<b>hi</b>"))
			},
			status: 200, want: octet, body: "<b>hi</b>",
			events: []ev{{RuleContentTypeMissing, E, 200}}},
		// Flushed before content: the header goes labelled.
		{name: "content-type-missing/200 flushed then written/enforce", opts: full,
			h: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Date", fixedDate)
				w.WriteHeader(200)
				w.(http.Flusher).Flush()
				w.Write([]byte("<b>hi</b>"))
			},
			status: 200, want: octet, body: "<b>hi</b>",
			events: []ev{{RuleContentTypeMissing, E, 200}}},
		// Without the rule, Go's server sniffs the content (as it does
		// without the wrapper): same as direct.
		{name: "content-type-missing/200/report", opts: with(full, RuleContentTypeMissing, R), h: reply(200, "<b>hi</b>", noType...),
			status: 200, want: map[string]string{"Content-Type": "text/html; charset=utf-8", "X-Content-Type-Options": absent}, body: "<b>hi</b>", same: true,
			events: []ev{{RuleContentTypeMissing, R, 200}}},
		{name: "content-type-missing/200/off", opts: with(full, RuleContentTypeMissing, Off), h: reply(200, "<b>hi</b>", noType...),
			status: 200, want: map[string]string{"Content-Type": "text/html; charset=utf-8"}, body: "<b>hi</b>", same: true},
		// No content, no type needed.
		{name: "content-type-missing/200 empty of unknown length/passes", opts: full, h: reply(200, "", kv(noType, []string{"Content-Length", del})...),
			status: 200, want: map[string]string{"Content-Type": absent, "X-Content-Type-Options": absent}, same: true},
		{name: "content-type-missing/200 Content-Length 0/passes", opts: full, h: reply(200, "", kv(noType, []string{"Content-Length", "0"})...),
			status: 200, want: map[string]string{"Content-Type": absent}, same: true},
		{name: "content-type-missing/302 without content/passes", opts: full, h: reply(302, "", kv(noType, []string{"Content-Length", del, "Location", "/there"})...),
			status: 302, want: map[string]string{"Content-Type": absent}, same: true},
		{name: "content-type-missing/HEAD/passes", opts: full, method: "HEAD", h: reply(200, "", "Content-Length", "5"),
			status: 200, want: map[string]string{"Content-Type": absent}, same: true},
		{name: "content-type-missing/304/passes", opts: full, h: reply(304, "", "ETag", `"v1"`),
			status: 304, want: map[string]string{"Content-Type": absent}, same: true},

		// field-repeated
		{name: "field-repeated/Content-Type twice/enforce", opts: full, h: reply(200, "hi", "Content-Type", "text/plain", "Content-Type", "text/plain"),
			status: 200, want: map[string]string{"Content-Type": "text/plain"}, body: "hi",
			events: []ev{{RuleFieldRepeated, E, 200}}},
		{name: "field-repeated/ETag, Expires and Age twice/enforce", opts: full,
			h:      reply(200, "hi", "ETag", `W/"v1"`, "ETag", `W/"v1"`, "Expires", fixedDate, "Expires", fixedDate, "Age", "5", "Age", "5", "Last-Modified", fixedDate),
			status: 200, want: map[string]string{"Etag": `W/"v1"`, "Expires": fixedDate, "Age": "5", "Last-Modified": fixedDate}, body: "hi",
			events: []ev{{RuleFieldRepeated, E, 200}}},
		{name: "field-repeated/Content-Location thrice on 304/enforce", opts: full, h: reply(304, "", "Content-Location", "/a", "Content-Location", "/a", "Content-Location", "/a"),
			status: 304, want: map[string]string{"Content-Location": "/a"},
			events: []ev{{RuleFieldRepeated, E, 304}}},
		{name: "field-repeated/Content-Type twice/report", opts: with(full, RuleFieldRepeated, R), h: reply(200, "hi", "Content-Type", "text/plain", "Content-Type", "text/plain"),
			status: 200, want: map[string]string{"Content-Type": "text/plain|text/plain"}, body: "hi", same: true,
			events: []ev{{RuleFieldRepeated, R, 200}}},
		{name: "field-repeated/Content-Type twice/off", opts: with(full, RuleFieldRepeated, Off), h: reply(200, "hi", "Content-Type", "text/plain", "Content-Type", "text/plain"),
			status: 200, want: map[string]string{"Content-Type": "text/plain|text/plain"}, body: "hi", same: true},

		// Differing copies: reported only.
		{name: "field-repeated/Content-Type differing/enforce reports", opts: full, h: reply(200, "hi", "Content-Type", "text/plain", "Content-Type", "text/html"),
			status: 200, want: map[string]string{"Content-Type": "text/plain|text/html"}, body: "hi", same: true,
			events: []ev{{RuleFieldRepeated, R, 200}}},
		{name: "field-repeated/ETag differs, Content-Type the same/enforce collapses what it can, reports", opts: full,
			h:      reply(200, "hi", "Content-Type", "text/plain", "Content-Type", "text/plain", "ETag", `"a"`, "ETag", `"b"`),
			status: 200, want: map[string]string{"Content-Type": "text/plain", "Etag": `"a"|"b"`}, body: "hi",
			events: []ev{{RuleFieldRepeated, R, 200}}},
		{name: "field-repeated/Content-Type differing/report", opts: with(full, RuleFieldRepeated, R), h: reply(200, "hi", "Content-Type", "text/plain", "Content-Type", "text/html"),
			status: 200, want: map[string]string{"Content-Type": "text/plain|text/html"}, body: "hi", same: true,
			events: []ev{{RuleFieldRepeated, R, 200}}},

		// content-range-invalid
		{name: "content-range-invalid/206 bytes=/enforce", opts: full, h: reply(206, "ello", "Content-Range", "bytes=1-4/12", "Content-Length", "4"),
			status: 206, want: map[string]string{"Content-Range": "bytes 1-4/12"}, body: "ello",
			events: []ev{{RuleContentRangeInvalid, E, 206}}},
		{name: "content-range-invalid/206 no complete length/enforce", opts: full, h: reply(206, "ello", "Content-Range", "bytes 1-4", "Content-Length", "4"),
			status: 206, want: map[string]string{"Content-Range": "bytes 1-4/*"}, body: "ello",
			events: []ev{{RuleContentRangeInvalid, E, 206}}},
		{name: "content-range-invalid/206 last-pos at the length/enforce", opts: full, h: reply(206, "hello", "Content-Range", "bytes 0-5/5", "Content-Length", "5"),
			status: 206, want: map[string]string{"Content-Range": "bytes 0-4/5"}, body: "hello",
			events: []ev{{RuleContentRangeInvalid, E, 206}}},
		{name: "content-range-invalid/206 last before first/enforce reports", opts: full, h: reply(206, "hello", "Content-Range", "bytes 9-2/12", "Content-Length", "5"),
			status: 206, want: map[string]string{"Content-Range": "bytes 9-2/12"}, body: "hello", same: true,
			events: []ev{{RuleContentRangeInvalid, R, 206}}},
		{name: "content-range-invalid/416 garbage length/enforce reports", opts: full, h: reply(416, "", "Content-Range", "bytes */lots", "Content-Length", "0"),
			status: 416, want: map[string]string{"Content-Range": "bytes */lots"}, same: true,
			events: []ev{{RuleContentRangeInvalid, R, 416}}},
		{name: "content-range-invalid/206 twice the same/enforce", opts: full, h: reply(206, "ello", "Content-Range", "bytes=1-4/12", "Content-Range", "bytes=1-4/12", "Content-Length", "4"),
			status: 206, want: map[string]string{"Content-Range": "bytes 1-4/12"}, body: "ello",
			events: []ev{{RuleContentRangeInvalid, E, 206}, {RuleFieldRepeated, E, 206}}},
		{name: "content-range-invalid/206 bytes=/report", opts: with(full, RuleContentRangeInvalid, R), h: reply(206, "ello", "Content-Range", "bytes=1-4/12", "Content-Length", "4"),
			status: 206, want: map[string]string{"Content-Range": "bytes=1-4/12"}, body: "ello", same: true,
			events: []ev{{RuleContentRangeInvalid, R, 206}}},
		{name: "content-range-invalid/206 bytes=/off", opts: with(full, RuleContentRangeInvalid, Off), h: reply(206, "ello", "Content-Range", "bytes=1-4/12", "Content-Length", "4"),
			status: 206, want: map[string]string{"Content-Range": "bytes=1-4/12"}, body: "ello", same: true},
		// Content-Range means nothing on a 200 (§14.4): not judged.
		{name: "content-range-invalid/200/passes", opts: full, h: reply(200, "hello", "Content-Range", "bytes=0-4/5"),
			status: 200, want: map[string]string{"Content-Range": "bytes=0-4/5"}, body: "hello", same: true},

		// age-invalid
		{name: "age-invalid/decimal/enforce rounds up", opts: full, h: reply(200, "hi", "Age", "12.3"),
			status: 200, want: map[string]string{"Age": "13"}, body: "hi",
			events: []ev{{RuleAgeInvalid, E, 200}}},
		{name: "age-invalid/whole decimal/enforce", opts: full, h: reply(200, "hi", "Age", "12.000"),
			status: 200, want: map[string]string{"Age": "12"}, body: "hi",
			events: []ev{{RuleAgeInvalid, E, 200}}},
		{name: "age-invalid/negative/enforce removes", opts: full, h: reply(200, "hi", "Age", "-1"),
			status: 200, want: map[string]string{"Age": absent}, body: "hi",
			events: []ev{{RuleAgeInvalid, E, 200}}},
		{name: "age-invalid/unit/enforce removes", opts: full, h: reply(304, "", "Age", "5s"),
			status: 304, want: map[string]string{"Age": absent},
			events: []ev{{RuleAgeInvalid, E, 304}}},
		{name: "age-invalid/twice the same/enforce", opts: full, h: reply(200, "hi", "Age", "1.5", "Age", "1.5"),
			status: 200, want: map[string]string{"Age": "2"}, body: "hi",
			events: []ev{{RuleAgeInvalid, E, 200}, {RuleFieldRepeated, E, 200}}},
		{name: "age-invalid/twice differing/field-repeated's", opts: full, h: reply(200, "hi", "Age", "1", "Age", "x"),
			status: 200, want: map[string]string{"Age": "1|x"}, body: "hi", same: true,
			events: []ev{{RuleFieldRepeated, R, 200}}},
		{name: "age-invalid/negative/report", opts: with(full, RuleAgeInvalid, R), h: reply(200, "hi", "Age", "-1"),
			status: 200, want: map[string]string{"Age": "-1"}, body: "hi", same: true,
			events: []ev{{RuleAgeInvalid, R, 200}}},
		{name: "age-invalid/negative/off", opts: with(full, RuleAgeInvalid, Off), h: reply(200, "hi", "Age", "-1"),
			status: 200, want: map[string]string{"Age": "-1"}, body: "hi", same: true},

		// content-encoding-identity
		{name: "content-encoding-identity/alone/enforce removes the field", opts: full, h: reply(200, "hi", "Content-Encoding", "identity"),
			status: 200, want: map[string]string{"Content-Encoding": absent}, body: "hi",
			events: []ev{{RuleContentEncodingIdentity, E, 200}}},
		{name: "content-encoding-identity/in a list/enforce", opts: full, hdr: []string{"Accept-Encoding", "br, x-custom, x-other"},
			h:      reply(200, "hi", "Content-Encoding", "Identity, br", "Content-Encoding", "x-custom,x-other", "Vary", "Accept-Encoding"),
			status: 200, want: map[string]string{"Content-Encoding": "br|x-custom,x-other"}, body: "hi",
			events: []ev{{RuleContentEncodingIdentity, E, 200}}},
		{name: "content-encoding-identity/alone/report", opts: with(full, RuleContentEncodingIdentity, R), h: reply(200, "hi", "Content-Encoding", "identity"),
			status: 200, want: map[string]string{"Content-Encoding": "identity"}, body: "hi", same: true,
			events: []ev{{RuleContentEncodingIdentity, R, 200}}},
		{name: "content-encoding-identity/alone/off", opts: with(full, RuleContentEncodingIdentity, Off), h: reply(200, "hi", "Content-Encoding", "identity"),
			status: 200, want: map[string]string{"Content-Encoding": "identity"}, body: "hi", same: true},

		// content-location-invalid
		{name: "content-location-invalid/space and UTF-8/enforce", opts: full, h: reply(200, "hi", "Content-Location", "/docs/my file-ü.txt"),
			status: 200, want: map[string]string{"Content-Location": "/docs/my%20file-%C3%BC.txt"}, body: "hi",
			events: []ev{{RuleContentLocationInvalid, E, 200}}},
		{name: "content-location-invalid/fragment/enforce drops it", opts: full, h: reply(200, "hi", "Content-Location", "https://example.com/a?b=1#top"),
			status: 200, want: map[string]string{"Content-Location": "https://example.com/a?b=1"}, body: "hi",
			events: []ev{{RuleContentLocationInvalid, E, 200}}},
		{name: "content-location-invalid/304 stray percent/enforce", opts: full, h: reply(304, "", "Content-Location", "/50%off"),
			status: 304, want: map[string]string{"Content-Location": "/50%25off"},
			events: []ev{{RuleContentLocationInvalid, E, 304}}},
		{name: "content-location-invalid/space/report", opts: with(full, RuleContentLocationInvalid, R), h: reply(200, "hi", "Content-Location", "/my file"),
			status: 200, want: map[string]string{"Content-Location": "/my file"}, body: "hi", same: true,
			events: []ev{{RuleContentLocationInvalid, R, 200}}},
		{name: "content-location-invalid/space/off", opts: with(full, RuleContentLocationInvalid, Off), h: reply(200, "hi", "Content-Location", "/my file"),
			status: 200, want: map[string]string{"Content-Location": "/my file"}, body: "hi", same: true},

		// list-empty-elements
		{name: "list-empty-elements/Vary and Cache-Control/enforce", opts: full,
			h:      reply(200, "hi", "Vary", "Accept,, Origin,", "Cache-Control", `, no-cache="Set-Cookie, X-A",max-age=0`),
			status: 200, want: map[string]string{"Vary": "Accept, Origin", "Cache-Control": `no-cache="Set-Cookie, X-A", max-age=0`}, body: "hi",
			events: []ev{{RuleListEmptyElements, E, 200}}},
		{name: "list-empty-elements/a line of commas/enforce removes it", opts: full,
			h:      reply(200, "hi", "Content-Language", "de", "Content-Language", " , ,"),
			status: 200, want: map[string]string{"Content-Language": "de"}, body: "hi",
			events: []ev{{RuleListEmptyElements, E, 200}}},
		{name: "list-empty-elements/Vary/report", opts: with(full, RuleListEmptyElements, R), h: reply(200, "hi", "Vary", "Accept,,Origin"),
			status: 200, want: map[string]string{"Vary": "Accept,,Origin"}, body: "hi", same: true,
			events: []ev{{RuleListEmptyElements, R, 200}}},
		{name: "list-empty-elements/Vary/off", opts: with(full, RuleListEmptyElements, Off), h: reply(200, "hi", "Vary", "Accept,,Origin"),
			status: 200, want: map[string]string{"Vary": "Accept,,Origin"}, body: "hi", same: true},
		// Allow and WWW-Authenticate are never modified; Set-Cookie and
		// Link are not lists of this kind.
		{name: "list-empty-elements/Allow and WWW-Authenticate/pass", opts: full, method: "POST",
			h:      reply(401, "who?", "Allow", "GET,,HEAD", "WWW-Authenticate", `Basic realm="a,,b", , Bearer`, "Set-Cookie", "a=b; Path=/,,c"),
			status: 401, want: map[string]string{"Allow": "GET,,HEAD", "Www-Authenticate": `Basic realm="a,,b", , Bearer`}, body: "who?", same: true},

		// not-modified-metadata: each field on its own; Last-Modified
		// kept (Content-Length, kept too, is in caddytest's table: Go's
		// HTTP/1 server drops it from a 304 by itself).
		{name: "not-modified-metadata/Content-Encoding alone/enforce", opts: full,
			h:      reply(304, "", "ETag", `"v1"`, "Content-Encoding", "gzip", "Last-Modified", fixedDate),
			status: 304, want: map[string]string{"Content-Encoding": absent, "Etag": `"v1"`, "Last-Modified": fixedDate},
			events: []ev{{RuleNotModifiedMetadata, E, 304}}},
		{name: "not-modified-metadata/Content-Language alone/enforce", opts: full,
			h:      reply(304, "", "ETag", `"v1"`, "Content-Language", "de-CH", "Cache-Control", "max-age=60"),
			status: 304, want: map[string]string{"Content-Language": absent, "Cache-Control": "max-age=60"},
			events: []ev{{RuleNotModifiedMetadata, E, 304}}},
		{name: "not-modified-metadata/Content-Encoding/off", opts: with(full, RuleNotModifiedMetadata, Off),
			h:      reply(304, "", "ETag", `"v1"`, "Content-Encoding", "gzip", "Cache-Control", "max-age=60"),
			status: 304, want: map[string]string{"Content-Encoding": "gzip"}, same: true},
	}
}

// gzEmpty is the gzip coding of nothing.
const gzEmpty = "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff\x03\x00\x00\x00\x00\x00\x00\x00\x00\x00"

func TestRulesB(t *testing.T) { runRuleCases(t, rulesBCases()) }

// TestConformantRulesB: responses in unusual but valid forms of the
// fields the rules-b rules judge pass byte for byte.
func TestConformantRulesB(t *testing.T) {
	runConformant(t, []conformantCase{
		{"Content-Type with parameters", "GET", reply(200, "a,b", "Content-Type", `text/csv; charset="utf-8"; header=present`)},
		{"Content-Type upper case", "GET", reply(200, "x", "Content-Type", "TEXT/PLAIN")},
		{"Content-Type without content", "GET", reply(200, "", "Content-Type", "application/json", "Content-Length", "0")},
		{"no Content-Type, no content, unknown length", "GET", reply(200, "", "Content-Type", del, "Content-Length", del)},
		{"list fields on several lines", "GET", reply(200, "x", "Vary", "Accept", "Vary", "Accept-Language", "Cache-Control", "private, max-age=0", "Cache-Control", "must-revalidate",
			"Link", "</a>; rel=next", "Link", "</b>; rel=prev", "Set-Cookie", "a=1", "Set-Cookie", "b=1")},
		{"206 one byte", "GET", reply(206, "h", "Content-Range", "bytes 0-0/1", "Content-Length", "1")},
		{"206 unknown complete length", "GET", reply(206, "ello", "Content-Range", "bytes 1-4/*", "Content-Length", "4")},
		{"206 another unit", "GET", reply(206, "x", "Content-Range", "items 0-9/100")},
		{"416 empty representation", "GET", reply(416, "", "Content-Range", "bytes */0", "Content-Length", "0")},
		{"Age 0", "GET", reply(200, "x", "Age", "0")},
		{"Age beyond 2^31", "GET", reply(200, "x", "Age", "99999999999999999999")},
		{"Age with leading zeros", "GET", reply(200, "x", "Age", "007")},
		{"Content-Location relative with query", "GET", reply(200, "x", "Content-Location", "../docs/a;v=1?lang=en&x=%C3%BC")},
		{"Content-Location absolute", "GET", reply(200, "x", "Content-Location", "https://example.com:8443/a%20b")},
		{"Content-Location urn", "GET", reply(200, "x", "Content-Location", "urn:isbn:0451450523")},
		{"lists with quoted commas and odd spacing", "GET", reply(200, "x", "Cache-Control", `private="Set-Cookie,X-A" ,max-age=60`, "Vary", "Accept ,\tOrigin")},
		{"an empty Vary", "GET", reply(200, "x", "Vary", "")},
		{"one weak ETag, one Expires far in the past", "GET", reply(200, "x", "ETag", `W/""`, "Expires", "Thu, 01 Jan 1970 00:00:00 GMT")},
	})
	// Codings on two lines, to a client that accepts both (else
	// content-encoding-unaccepted reports the one it did not ask for).
	runConformantAsked(t, []string{"Accept-Encoding", "gzip, x-custom"}, []conformantCase{
		{"Content-Encoding gzip on two lines", "GET", reply(200, gzEmpty, "Content-Encoding", "gzip", "Content-Encoding", "x-custom", "Vary", "Accept-Encoding")},
	})
}

// TestVaryMissing: vary-missing depends on the request's Accept-Encoding,
// which the rule cases do not send: its own table, over HTTP/1.1 (raw)
// and HTTP/2.
func TestVaryMissing(t *testing.T) {
	const gz = "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff\x03\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	coded := func(kv ...string) http.HandlerFunc {
		return reply(200, gz, append([]string{"Content-Encoding", "gzip", "Content-Length", "20"}, kv...)...)
	}
	cases := []struct {
		name   string
		opts   Options
		method string
		ae     bool // the request carries Accept-Encoding: gzip
		h      http.HandlerFunc
		vary   string // the Vary lines wanted, joined with "|"; absent: none
		events []ev
	}{
		{name: "200 gzip/enforce", opts: full, ae: true, h: coded(),
			vary: "Accept-Encoding", events: []ev{{RuleVaryMissing, Enforce, 200}}},
		{name: "200 gzip with Vary: Accept/enforce adds a line", opts: full, ae: true, h: coded("Vary", "Accept"),
			vary: "Accept|Accept-Encoding", events: []ev{{RuleVaryMissing, Enforce, 200}}},
		{name: "HEAD 200 gzip/enforce", opts: full, method: "HEAD", ae: true, h: reply(200, "", "Content-Encoding", "gzip", "Content-Length", "20"),
			vary: "Accept-Encoding", events: []ev{{RuleVaryMissing, Enforce, 200}}},
		{name: "302 with max-age/enforce", opts: full, ae: true, h: reply(302, "", "Content-Encoding", "gzip", "Location", "/x", "Cache-Control", "max-age=60"),
			vary: "Accept-Encoding", events: []ev{{RuleVaryMissing, Enforce, 302}}},
		{name: "200 gzip/report", opts: with(full, RuleVaryMissing, Report), ae: true, h: coded(),
			vary: absent, events: []ev{{RuleVaryMissing, Report, 200}}},
		{name: "200 gzip/off", opts: with(full, RuleVaryMissing, Off), ae: true, h: coded(), vary: absent},
		// Correct, or not this rule's business.
		{name: "200 gzip, Vary lists it among others", opts: full, ae: true, h: coded("Vary", "Accept, accept-encoding"), vary: "Accept, accept-encoding"},
		{name: "200 gzip, Vary on two lines", opts: full, ae: true, h: coded("Vary", "Accept", "Vary", "Accept-Encoding"), vary: "Accept|Accept-Encoding"},
		{name: "200 gzip, Vary *", opts: full, ae: true, h: coded("Vary", "*"), vary: "*"},
		{name: "200 gzip, no-store", opts: full, ae: true, h: coded("Cache-Control", "private, no-store"), vary: absent},
		{name: "200 identity", opts: with(full, RuleContentEncodingIdentity, Off), ae: true, h: reply(200, "hi", "Content-Encoding", "identity"), vary: absent},
		{name: "200 gzip, no Accept-Encoding asked", opts: full, h: coded(), vary: absent},
		{name: "POST 200 gzip", opts: full, method: "POST", ae: true, h: coded(), vary: absent},
		{name: "500 gzip without freshness", opts: full, ae: true, h: reply(500, gz, "Content-Encoding", "gzip", "Content-Length", "20"), vary: absent},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			method := c.method
			if method == "" {
				method = "GET"
			}
			var hdr []string
			if c.ae {
				hdr = []string{"Accept-Encoding", "gzip"}
			}
			f := newFixture(t, c.opts, c.h)
			check := func(proto string, h http.Header) {
				t.Helper()
				v, ok := h["Vary"]
				switch {
				case c.vary == absent && ok:
					t.Errorf("%s: Vary %q, want none", proto, v)
				case c.vary != absent && strings.Join(v, "|") != c.vary:
					t.Errorf("%s: Vary %q, want %q", proto, v, c.vary)
				}
				if got := f.events(); !equalEvents(got, c.events) {
					t.Errorf("%s: events %v, want %v", proto, got, c.events)
				}
			}
			raw := rawDo(t, f.h1.Listener.Addr().String(), method, "/x", hdr...)
			check("HTTP/1.1", raw.header)
			if len(c.events) == 0 || c.events[0].Action != Enforce {
				direct := rawDo(t, f.h1.Listener.Addr().String(), method, "/direct/x", hdr...)
				if string(raw.bytes) != string(direct.bytes) {
					t.Errorf("HTTP/1.1 bytes differ\nwrapped: %q\ndirect:  %q", raw.bytes, direct.bytes)
				}
			}
			if !c.ae {
				return // Go's HTTP/2 client asks for gzip by itself
			}
			r2 := do(t, f.h2, method, "/x", hdr...)
			check("HTTP/2", r2.header)
		})
	}
}

// record serves req with h through a Normalizer with opts, on a recorder,
// and returns what was written and the Events: for cases that depend on
// request fields the rule cases do not send.
func record(t *testing.T, opts Options, req *http.Request, h http.HandlerFunc) (*httptest.ResponseRecorder, []ev) {
	t.Helper()
	var evs []ev
	opts.OnViolation = func(e Event) { evs = append(evs, ev{e.Rule, e.Action, e.Status}) }
	n, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	n.Middleware(h).ServeHTTP(rec, req)
	return rec, evs
}

// TestContentRangeUnitFromRequest: a Content-Range without its unit takes
// the unit of the request's Range; without one it is only reported.
func TestContentRangeUnitFromRequest(t *testing.T) {
	for _, c := range []struct {
		rangeHdr, value, want string
		action                Action
		status                int
	}{
		{"bytes=1-4", "1-4/12", "bytes 1-4/12", Enforce, 206},
		{"bytes=20-", "*/12", "bytes */12", Enforce, 416},
		{"", "1-4/12", "1-4/12", Report, 206},
	} {
		req := httptest.NewRequest("GET", "/", nil)
		if c.rangeHdr != "" {
			req.Header.Set("Range", c.rangeHdr)
		}
		rec, evs := record(t, full, req, reply(c.status, "ello", "Content-Range", c.value, "Content-Length", "4"))
		if got := rec.Header().Get("Content-Range"); got != c.want {
			t.Errorf("Range %q, Content-Range %q: got %q, want %q", c.rangeHdr, c.value, got, c.want)
		}
		if want := []ev{{RuleContentRangeInvalid, c.action, c.status}}; !equalEvents(evs, want) {
			t.Errorf("Range %q, Content-Range %q: events %v, want %v", c.rangeHdr, c.value, evs, want)
		}
	}
}

// TestContentTypeHold: the header of a response without Content-Type or
// length is held until content shows, whichever way the content comes;
// the labelled response carries the content unchanged.
func TestContentTypeHold(t *testing.T) {
	const content = "<b>streamed</b>"
	writers := map[string]func(w http.ResponseWriter){
		"Write":       func(w http.ResponseWriter) { w.Write([]byte(content)) },
		"WriteString": func(w http.ResponseWriter) { w.(interface{ WriteString(string) (int, error) }).WriteString(content) },
		"ReadFrom": func(w http.ResponseWriter) {
			w.(interface {
				ReadFrom(r io.Reader) (int64, error)
			}).ReadFrom(strings.NewReader(content))
		},
		"empty Write first": func(w http.ResponseWriter) { w.Write(nil); w.Write([]byte(content)) },
		"after a 103": func(w http.ResponseWriter) {
			w.Header().Set("Link", "</a.css>; rel=preload")
			w.WriteHeader(http.StatusEarlyHints)
			w.Header().Del("Link")
			w.Write([]byte(content))
		},
	}
	for name, write := range writers {
		for _, action := range []Action{Enforce, Report} {
			t.Run(name+"/"+action.String(), func(t *testing.T) {
				f := newFixture(t, with(full, RuleContentTypeMissing, action), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Date", fixedDate)
					write(w)
				}))
				wantType := "application/octet-stream"
				if action == Report {
					wantType = "text/html; charset=utf-8" // sniffed by net/http, as without the wrapper
				}
				raw := rawDo(t, f.h1.Listener.Addr().String(), "GET", "/x")
				if raw.status != 200 || string(raw.decoded) != content || raw.header.Get("Content-Type") != wantType {
					t.Errorf("HTTP/1.1: %d %v %q; want 200, %s, the content", raw.status, raw.header, raw.decoded, wantType)
				}
				if evs, want := f.events(), []ev{{RuleContentTypeMissing, action, 200}}; !equalEvents(evs, want) {
					t.Errorf("HTTP/1.1: events %v, want %v", evs, want)
				}
				r2 := do(t, f.h2, "GET", "/x")
				if r2.status != 200 || string(r2.body) != content || r2.header.Get("Content-Type") != wantType {
					t.Errorf("HTTP/2: %d %v %q; want 200, %s, the content", r2.status, r2.header, r2.body, wantType)
				}
				if evs, want := f.events(), []ev{{RuleContentTypeMissing, action, 200}}; !equalEvents(evs, want) {
					t.Errorf("HTTP/2: events %v, want %v", evs, want)
				}
			})
		}
	}
	// Fields changed after WriteHeader take no effect, held or not (as
	// with net/http).
	f0 := newFixture(t, full, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", fixedDate)
		w.Header().Set("X-Kept", "1")
		w.WriteHeader(http.StatusOK)
		w.Header().Set("X-Late", "1")
		w.Header().Del("X-Kept")
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(content))
	}))
	r0 := rawDo(t, f0.h1.Listener.Addr().String(), "GET", "/x")
	if r0.header.Get("X-Kept") != "1" || r0.header.Get("X-Late") != "" || r0.header.Get("Content-Type") != "application/octet-stream" {
		t.Errorf("changed after WriteHeader: %v; want X-Kept, no X-Late, application/octet-stream", r0.header)
	}
	f0.events()

	// A handler that writes only the header: held, then sent as it was
	// when the handler returns, without a type.
	f := newFixture(t, full, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", fixedDate)
		w.WriteHeader(http.StatusAccepted)
	}))
	raw := rawDo(t, f.h1.Listener.Addr().String(), "GET", "/x")
	direct := rawDo(t, f.h1.Listener.Addr().String(), "GET", "/direct/x")
	if raw.status != 202 || string(raw.bytes) != string(direct.bytes) {
		t.Errorf("header only: %q, want as without the wrapper: %q", raw.bytes, direct.bytes)
	}
	if evs := f.events(); len(evs) != 0 {
		t.Errorf("header only: events %v, want none", evs)
	}
}

// TestHeldCleanPathAllocs: a conformant response whose header is held
// (no Content-Type, no length: a redirect written without content)
// costs no allocation either, once the pool holds a writer.
func TestHeldCleanPathAllocs(t *testing.T) {
	n := benchNormalizer(t)
	w := newBenchWriter()
	req := httptest.NewRequest("GET", "/", nil)
	location := []string{"/next"}
	serve := func() {
		w.reset()
		w.h["Date"] = benchDate
		w.h["Location"] = location
		nw := n.Wrap(w, req)
		nw.WriteHeader(http.StatusFound)
		n.Release(nw)
	}
	serve()
	allocs := testing.AllocsPerRun(1000, serve)
	if w.status != http.StatusFound || len(w.h["Content-Type"]) != 0 {
		t.Fatalf("the response was %d %v, want a 302 without Content-Type", w.status, w.h)
	}
	if allocs != 0 {
		t.Errorf("%v allocations per held conformant response, want 0", allocs)
	}
}
