package responses_test

import (
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/respnorm/caddy-normalize/responses"
)

// want is the catalogue as typed in from /work/shared/RFC9110-RESPONSES.md
// and checked against the RFCs, independently of catalogue.go. fields
// lists "Name:LEVEL" pairs, Date included.
var want = []struct {
	code      int
	reason    string
	rfc, sec  string
	content   bool // the status may carry content
	cacheable bool
	unused    bool
	fields    string
}{
	{100, "Continue", "RFC 9110", "15.2.1", false, false, false, "Date:MAY"},
	{101, "Switching Protocols", "RFC 9110", "15.2.2", false, false, false, "Upgrade:MUST Connection:MUST Date:MAY"},
	{103, "Early Hints", "RFC 8297", "2", false, false, false, "Link:MAY Date:MAY"},

	{200, "OK", "RFC 9110", "15.3.1", true, true, false, "Date:MUST"},
	{201, "Created", "RFC 9110", "15.3.2", true, false, false, "Location:SHOULD Etag:MAY Last-Modified:MAY Date:MUST"},
	{202, "Accepted", "RFC 9110", "15.3.3", true, false, false, "Date:MUST"},
	{203, "Non-Authoritative Information", "RFC 9110", "15.3.4", true, true, false, "Date:MUST"},
	{204, "No Content", "RFC 9110", "15.3.5", false, true, false, "Date:MUST"},
	{205, "Reset Content", "RFC 9110", "15.3.6", false, false, false, "Date:MUST"},
	{206, "Partial Content", "RFC 9110", "15.3.7", true, true, false,
		"Content-Range:MUST Date:MUST Cache-Control:MUST Etag:MUST Expires:MUST Content-Location:MUST Vary:MUST"},

	{300, "Multiple Choices", "RFC 9110", "15.4.1", true, true, false, "Location:SHOULD Date:MUST"},
	{301, "Moved Permanently", "RFC 9110", "15.4.2", true, true, false, "Location:SHOULD Date:MUST"},
	{302, "Found", "RFC 9110", "15.4.3", true, false, false, "Location:SHOULD Date:MUST"},
	{303, "See Other", "RFC 9110", "15.4.4", true, false, false, "Location:SHOULD Date:MUST"},
	{304, "Not Modified", "RFC 9110", "15.4.5", false, false, false,
		"Content-Location:MUST Date:MUST Etag:MUST Vary:MUST Cache-Control:MUST Expires:MUST"},
	{305, "Use Proxy", "RFC 9110", "15.4.6", true, false, true, ""},
	{306, "(Unused)", "RFC 9110", "15.4.7", true, false, true, ""},
	{307, "Temporary Redirect", "RFC 9110", "15.4.8", true, false, false, "Location:SHOULD Date:MUST"},
	{308, "Permanent Redirect", "RFC 9110", "15.4.9", true, true, false, "Location:SHOULD Date:MUST"},

	{400, "Bad Request", "RFC 9110", "15.5.1", true, false, false, "Date:MUST"},
	{401, "Unauthorized", "RFC 9110", "15.5.2", true, false, false, "Www-Authenticate:MUST Date:MUST"},
	{402, "Payment Required", "RFC 9110", "15.5.3", true, false, false, "Date:MUST"},
	{403, "Forbidden", "RFC 9110", "15.5.4", true, false, false, "Date:MUST"},
	{404, "Not Found", "RFC 9110", "15.5.5", true, true, false, "Date:MUST"},
	{405, "Method Not Allowed", "RFC 9110", "15.5.6", true, true, false, "Allow:MUST Date:MUST"},
	{406, "Not Acceptable", "RFC 9110", "15.5.7", true, false, false, "Date:MUST"},
	{407, "Proxy Authentication Required", "RFC 9110", "15.5.8", true, false, false, "Proxy-Authenticate:MUST Date:MUST"},
	{408, "Request Timeout", "RFC 9110", "15.5.9", true, false, false, "Connection:SHOULD Date:MUST"},
	{409, "Conflict", "RFC 9110", "15.5.10", true, false, false, "Date:MUST"},
	{410, "Gone", "RFC 9110", "15.5.11", true, true, false, "Date:MUST"},
	{411, "Length Required", "RFC 9110", "15.5.12", true, false, false, "Date:MUST"},
	{412, "Precondition Failed", "RFC 9110", "15.5.13", true, false, false, "Date:MUST"},
	{413, "Content Too Large", "RFC 9110", "15.5.14", true, false, false, "Retry-After:SHOULD Date:MUST"},
	{414, "URI Too Long", "RFC 9110", "15.5.15", true, true, false, "Date:MUST"},
	{415, "Unsupported Media Type", "RFC 9110", "15.5.16", true, false, false, "Accept:MAY Accept-Encoding:MAY Date:MUST"},
	{416, "Range Not Satisfiable", "RFC 9110", "15.5.17", true, false, false, "Content-Range:SHOULD Date:MUST"},
	{417, "Expectation Failed", "RFC 9110", "15.5.18", true, false, false, "Date:MUST"},
	{418, "(Unused)", "RFC 9110", "15.5.19", true, false, true, ""},
	{421, "Misdirected Request", "RFC 9110", "15.5.20", true, false, false, "Date:MUST"},
	{422, "Unprocessable Content", "RFC 9110", "15.5.21", true, false, false, "Date:MUST"},
	{426, "Upgrade Required", "RFC 9110", "15.5.22", true, false, false, "Upgrade:MUST Connection:MUST Date:MUST"},
	{428, "Precondition Required", "RFC 6585", "3", true, false, false, "Date:MUST"},
	{429, "Too Many Requests", "RFC 6585", "4", true, false, false, "Retry-After:MAY Date:MUST"},
	{431, "Request Header Fields Too Large", "RFC 6585", "5", true, false, false, "Date:MUST"},
	{451, "Unavailable For Legal Reasons", "RFC 7725", "3", true, true, false, "Link:SHOULD Date:MUST"},

	{500, "Internal Server Error", "RFC 9110", "15.6.1", true, false, false, "Date:MAY"},
	{501, "Not Implemented", "RFC 9110", "15.6.2", true, true, false, "Date:MAY"},
	{502, "Bad Gateway", "RFC 9110", "15.6.3", true, false, false, "Date:MAY"},
	{503, "Service Unavailable", "RFC 9110", "15.6.4", true, false, false, "Retry-After:MAY Date:MAY"},
	{504, "Gateway Timeout", "RFC 9110", "15.6.5", true, false, false, "Date:MAY"},
	{505, "HTTP Version Not Supported", "RFC 9110", "15.6.6", true, false, false, "Date:MAY"},
	{511, "Network Authentication Required", "RFC 6585", "6", true, false, false, "Date:MAY"},
}

// rfc9110Codes are the codes RFC 9110 §15 defines, plus the registered
// codes of other RFCs the catalogue must hold.
func rfc9110Codes() []int {
	var codes []int
	add := func(from, to int) {
		for c := from; c <= to; c++ {
			codes = append(codes, c)
		}
	}
	add(100, 101)
	add(200, 206)
	add(300, 308)
	add(400, 417)
	codes = append(codes, 418, 421, 422, 426)
	add(500, 505)
	return append(codes, 103, 428, 429, 431, 451, 511)
}

func TestCatalogueHoldsEveryCode(t *testing.T) {
	for _, code := range rfc9110Codes() {
		if _, ok := responses.Lookup(code); !ok {
			t.Errorf("Lookup(%d): not in the catalogue", code)
		}
	}
}

func TestCatalogueMatchesSpec(t *testing.T) {
	seen := map[int]bool{}
	for _, w := range want {
		seen[w.code] = true
		s, ok := responses.Lookup(w.code)
		if !ok {
			t.Errorf("%d: missing", w.code)
			continue
		}
		if s.Code != w.code {
			t.Errorf("%d: Code = %d", w.code, s.Code)
		}
		if s.Reason != w.reason {
			t.Errorf("%d: Reason = %q, want %q", w.code, s.Reason, w.reason)
		}
		if s.RFC != w.rfc || s.Section != w.sec {
			t.Errorf("%d: defined in %s §%s, want %s §%s", w.code, s.RFC, s.Section, w.rfc, w.sec)
		}
		if s.Class != responses.Class(w.code/100) {
			t.Errorf("%d: Class = %v", w.code, s.Class)
		}
		if s.NoContent == w.content {
			t.Errorf("%d: NoContent = %v, want %v", w.code, s.NoContent, !w.content)
		}
		if s.Cacheable != w.cacheable {
			t.Errorf("%d: Cacheable = %v, want %v", w.code, s.Cacheable, w.cacheable)
		}
		if s.Unused != w.unused {
			t.Errorf("%d: Unused = %v, want %v", w.code, s.Unused, w.unused)
		}
		if got, want := fieldList(s.Fields), sortedFields(w.fields); got != want {
			t.Errorf("%d: Fields\n got %s\nwant %s", w.code, got, want)
		}
		for _, f := range s.Fields {
			if f.Name != http.CanonicalHeaderKey(f.Name) {
				t.Errorf("%d: field %q is not in canonical form", w.code, f.Name)
			}
			if s.Requires(f.Name) != f.Level {
				t.Errorf("%d: Requires(%s) = %v, want %v", w.code, f.Name, s.Requires(f.Name), f.Level)
			}
		}
		if w.code != 200 && s.Requires("X-Nothing") != 0 {
			t.Errorf("%d: Requires of an unnamed field is not 0", w.code)
		}
		if got := responses.Reason(w.code); got != w.reason {
			t.Errorf("Reason(%d) = %q, want %q", w.code, got, w.reason)
		}
	}
	for _, s := range responses.All() {
		if !seen[s.Code] {
			t.Errorf("%d %s: in the catalogue but not accounted for", s.Code, s.Reason)
		}
	}
	if n := len(responses.All()); n != len(want) {
		t.Errorf("catalogue holds %d codes, want %d", n, len(want))
	}
}

func TestAllIsSortedAndACopy(t *testing.T) {
	all := responses.All()
	if !sort.SliceIsSorted(all, func(i, j int) bool { return all[i].Code < all[j].Code }) {
		t.Error("All is not in order of code")
	}
	all[0].Reason = "changed"
	if responses.All()[0].Reason == "changed" {
		t.Error("All returns the catalogue itself, not a copy")
	}
}

// TestCallersCannotChangeTheCatalogue: what Lookup and All return shares
// no memory with the catalogue. A caller that changes a field's level
// changes it for itself alone: 405 still requires Allow at MUST level.
func TestCallersCannotChangeTheCatalogue(t *testing.T) {
	s, _ := responses.Lookup(405)
	s.Fields[0].Level = responses.May
	s.Fields[0].Name = "Changed"
	s.Fields = append(s.Fields[:0], responses.Field{Name: "Allow", Level: responses.May})
	for _, e := range responses.All() {
		for i := range e.Fields {
			e.Fields[i].Level = responses.May
		}
	}
	_ = append(responses.All()[0].Fields[:0], responses.Field{Name: "X"})
	fresh, _ := responses.Lookup(405)
	if got := fresh.Requires("Allow"); got != responses.Must {
		t.Errorf(`Requires("Allow") on 405 = %v after a caller changed its copy`, got)
	}
	for _, w := range want {
		e, _ := responses.Lookup(w.code)
		if fieldList(e.Fields) != sortedFields(w.fields) {
			t.Errorf("%d: fields %s after callers changed their copies, want %s", e.Code, fieldList(e.Fields), w.fields)
		}
	}
	// New reads the catalogue too: it still refuses a bare 405.
	if _, err := responses.New(405); err == nil {
		t.Error("New(405) accepted after a caller changed its copy of the catalogue")
	}
	if fresh.Requires("allow") != responses.Must {
		t.Error(`Requires is not case-insensitive`)
	}
}

func TestContentAllowed(t *testing.T) {
	tests := []struct {
		method string
		code   int
		want   bool
	}{
		{"GET", 200, true},
		{"HEAD", 200, false},
		{"HEAD", 404, false},
		{"GET", 204, false},
		{"GET", 205, false},
		{"GET", 304, false},
		{"GET", 100, false},
		{"GET", 103, false},
		{"GET", 199, false}, // unknown 1xx is a 100
		{"GET", 299, true},  // unknown 2xx is a 200
		{"CONNECT", 200, false},
		{"CONNECT", 407, true},
		{"POST", 201, true},
		{"GET", 500, true},
	}
	for _, tt := range tests {
		if got := responses.ContentAllowed(tt.method, tt.code); got != tt.want {
			t.Errorf("ContentAllowed(%s, %d) = %v, want %v", tt.method, tt.code, got, tt.want)
		}
	}
}

func TestReasonOfUnknownCodes(t *testing.T) {
	tests := []struct {
		code int
		want string
	}{
		{299, "OK"},
		{499, "Bad Request"},
		{599, "Internal Server Error"},
		{150, "Continue"},
		{99, ""},
		{600, ""},
		{-1, ""},
	}
	for _, tt := range tests {
		if got := responses.Reason(tt.code); got != tt.want {
			t.Errorf("Reason(%d) = %q, want %q", tt.code, got, tt.want)
		}
	}
}

func TestClassOf(t *testing.T) {
	tests := []struct {
		code int
		want responses.Class
		str  string
	}{
		{100, responses.Informational, "1xx"},
		{204, responses.Successful, "2xx"},
		{399, responses.Redirection, "3xx"},
		{451, responses.ClientError, "4xx"},
		{599, responses.ServerError, "5xx"},
		{600, 0, "invalid"},
		{99, 0, "invalid"},
	}
	for _, tt := range tests {
		got := responses.ClassOf(tt.code)
		if got != tt.want || got.String() != tt.str {
			t.Errorf("ClassOf(%d) = %v (%s), want %v (%s)", tt.code, int(got), got, int(tt.want), tt.str)
		}
	}
}

// fieldList renders fields as sorted "Name:LEVEL" pairs.
func fieldList(fields []responses.Field) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = f.Name + ":" + f.Level.String()
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

func sortedFields(s string) string {
	parts := strings.Fields(s)
	sort.Strings(parts)
	return strings.Join(parts, " ")
}
