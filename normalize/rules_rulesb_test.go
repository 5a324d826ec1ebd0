package normalize

import (
	"net/http"
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

		// field-conflicting: reported only.
		{name: "field-conflicting/Content-Type twice/enforce reports", opts: full, h: reply(200, "hi", "Content-Type", "text/plain", "Content-Type", "text/html"),
			status: 200, want: map[string]string{"Content-Type": "text/plain|text/html"}, body: "hi", same: true,
			events: []ev{{RuleFieldConflicting, R, 200}}},
		{name: "field-conflicting/ETag differs, Content-Type repeated/enforce", opts: full,
			h:      reply(200, "hi", "Content-Type", "text/plain", "Content-Type", "text/plain", "ETag", `"a"`, "ETag", `"b"`),
			status: 200, want: map[string]string{"Content-Type": "text/plain", "Etag": `"a"|"b"`}, body: "hi",
			events: []ev{{RuleFieldConflicting, R, 200}, {RuleFieldRepeated, E, 200}}},
		{name: "field-conflicting/Content-Type twice/off", opts: with(full, RuleFieldConflicting, Off), h: reply(200, "hi", "Content-Type", "text/plain", "Content-Type", "text/html"),
			status: 200, want: map[string]string{"Content-Type": "text/plain|text/html"}, body: "hi", same: true},
	}
}

func TestRulesB(t *testing.T) { runRuleCases(t, rulesBCases()) }

// TestConformantRulesB: responses in unusual but valid forms of the
// fields the rules-b rules judge pass byte for byte.
func TestConformantRulesB(t *testing.T) {
	runConformant(t, []conformantCase{
		{"Content-Type with parameters", "GET", reply(200, "a,b", "Content-Type", `text/csv; charset="utf-8"; header=present`)},
		{"Content-Type upper case", "GET", reply(200, "x", "Content-Type", "TEXT/PLAIN")},
		{"Content-Type without content", "GET", reply(200, "", "Content-Type", "application/json", "Content-Length", "0")},
		{"no Content-Type, no content, unknown length", "GET", reply(200, "", "Content-Type", del, "Content-Length", del)},
		{"list fields on several lines", "GET", reply(200, "x", "Vary", "Accept", "Vary", "Accept-Language", "Cache-Control", "max-age=0", "Cache-Control", "must-revalidate",
			"Link", "</a>; rel=next", "Link", "</b>; rel=prev", "Set-Cookie", "a=1", "Set-Cookie", "a=1")},
		{"one weak ETag, one Expires far in the past", "GET", reply(200, "x", "ETag", `W/""`, "Expires", "Thu, 01 Jan 1970 00:00:00 GMT")},
	})
}
