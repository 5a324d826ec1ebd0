package responses

import (
	"encoding/json"
	"testing"
)

var negotiateTests = []struct {
	name   string
	accept string
	want   Format
}{
	// Browsers navigating.
	{"chrome", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7", FormatHTML},
	{"firefox", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/png,image/svg+xml,*/*;q=0.8", FormatHTML},
	{"firefox old", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", FormatHTML},
	{"safari", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", FormatHTML},
	{"safari 5", "application/xml,application/xhtml+xml,text/html;q=0.9,text/plain;q=0.8,image/png,*/*;q=0.5", FormatHTML},
	{"edge legacy", "text/html, application/xhtml+xml, image/jxr, */*", FormatHTML},
	{"chrome image", "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8", FormatText},
	// Tools and libraries.
	{"curl", "*/*", FormatText},
	{"wget", "*/*", FormatText},
	{"python-requests", "*/*", FormatText},
	{"fetch default", "*/*", FormatText},
	{"go client (no Accept)", "", FormatText},
	{"httpie", "application/json, */*;q=0.5", FormatJSON},
	{"axios", "application/json, text/plain, */*", FormatJSON},
	{"jquery json", "application/json, text/javascript, */*; q=0.01", FormatJSON},
	// APIs.
	{"json", "application/json", FormatJSON},
	{"problem", "application/problem+json", FormatProblem},
	{"json over text", "application/json, text/plain;q=0.5", FormatJSON},
	{"problem over json", "application/problem+json, application/json;q=0.9", FormatProblem},
	{"problem weighted higher", "application/json;q=0.9, application/problem+json", FormatProblem},
	{"json weighted higher", "application/problem+json;q=0.5, application/json", FormatJSON},
	{"equal weights: order", "text/html;q=0.5, application/json;q=0.5", FormatJSON},
	{"equal weights: text vs json", "text/plain, application/json", FormatJSON},
	{"text only", "text/plain", FormatText},
	{"charset", "application/json;charset=UTF-8", FormatJSON},
	{"quoted charset", `text/html;charset="utf-8"`, FormatHTML},
	{"case", "TEXT/HTML", FormatHTML},
	{"spaces", "text/html ; q=0.8 , application/json ; q=0.9", FormatJSON},
	{"tabs", "\ttext/html\t;\tq=0.8", FormatHTML},
	{"q after accept-ext", "text/html;q=0.8;level=1, application/json;q=0.7", FormatHTML},
	{"q=1.000", "application/json;q=1.000, text/html;q=0.999", FormatJSON},
	// Wildcards.
	{"text/*", "text/*", FormatHTML},
	{"application/*", "application/*", FormatProblem},
	{"text/* below json", "text/*;q=0.5, application/json", FormatJSON},
	{"exact beats type range at equal q", "text/*, application/json", FormatJSON},
	{"exact beats wildcard at equal q", "*/*, text/plain", FormatText},
	{"exact html beats wildcard", "*/*, text/html", FormatHTML},
	{"more specific overrides", "text/*;q=0.9, text/html;q=0.1", FormatText},
	{"specific overrides wildcard", "*/*;q=0.9, application/json;q=0.1", FormatText},
	// q=0 excludes.
	{"html excluded", "text/html;q=0, */*", FormatText},
	{"text excluded", "*/*;q=0.1, text/plain;q=0", FormatProblem},
	{"all but html excluded", "*/*;q=0, text/html;q=0.2", FormatHTML},
	{"only json, excluded", "application/json;q=0", FormatText},
	{"q=0.000", "application/json;q=0.000, text/html;q=0.001", FormatHTML},
	{"nothing acceptable", "image/png", FormatText},
	{"wildcard excluded", "*/*;q=0", FormatText},
	// Parameters other than charset=utf-8 name none of the formats.
	{"level", "text/html;level=1", FormatText},
	{"other charset", "text/plain;charset=iso-8859-1, application/json;q=0.1", FormatJSON},
	{"quoted comma", `text/html;x="a,text/plain", application/json;q=0.1`, FormatJSON},
	// Garbage: malformed members are skipped.
	{"garbage", "garbage", FormatText},
	{"commas", ",,,", FormatText},
	{"semicolons", ";;;", FormatText},
	{"q too big", "text/html;q=2, application/json;q=0.1", FormatJSON},
	{"q 1.001", "text/html;q=1.001, application/json;q=0.1", FormatJSON},
	{"q four digits", "text/html;q=0.1234, application/json;q=0.1", FormatJSON},
	{"q not a number", "text/html;q=abc, application/json;q=0.1", FormatJSON},
	{"q empty", "text/html;q=, application/json;q=0.1", FormatJSON},
	{"q quoted", `text/html;q="0.5", application/json;q=0.1`, FormatJSON},
	{"bad wildcard", "*/json", FormatText},
	{"no subtype", "application/, text/html;q=0.1", FormatHTML},
	{"no slash", "json", FormatText},
	{"space in type", "text /html", FormatText},
	{"unterminated quote", `text/html;x="a, application/json`, FormatText},
	{"junk after range", "text/html junk, application/json;q=0.1", FormatJSON},
	{"utf-8 junk", "tëxt/html, application/json;q=0.1", FormatJSON},
}

func TestNegotiate(t *testing.T) {
	for _, tt := range negotiateTests {
		if got := Negotiate(tt.accept); got != tt.want {
			t.Errorf("%s: Negotiate(%q) = %v, want %v", tt.name, tt.accept, got, tt.want)
		}
	}
}

func TestNegotiateDoesNotAllocate(t *testing.T) {
	for _, tt := range negotiateTests {
		if n := testing.AllocsPerRun(100, func() { Negotiate(tt.accept) }); n != 0 {
			t.Errorf("%s: Negotiate allocates %v times", tt.name, n)
		}
	}
}

func TestNextMember(t *testing.T) {
	tests := []struct{ in, member, rest string }{
		{"a, b", "a", " b"},
		{"a", "a", ""},
		{`a;x="1,2", b`, `a;x="1,2"`, " b"},
		{`a;x="1\",2", b`, `a;x="1\",2"`, " b"},
		{`a;x="1,2`, `a;x="1,2`, ""},
		{",", "", ""},
	}
	for _, tt := range tests {
		m, r := nextMember(tt.in)
		if m != tt.member || r != tt.rest {
			t.Errorf("nextMember(%q) = %q, %q, want %q, %q", tt.in, m, r, tt.member, tt.rest)
		}
	}
}

func TestParseQValue(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"0", 0, true}, {"1", 1000, true}, {"0.", 0, true}, {"1.", 1000, true},
		{"0.5", 500, true}, {"0.05", 50, true}, {"0.125", 125, true}, {"1.000", 1000, true},
		{"0.0001", 0, false}, {"1.001", 0, false}, {"2", 0, false}, {"", 0, false},
		{".5", 0, false}, {"0,5", 0, false}, {"-0", 0, false}, {"0.5 ", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseQValue(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseQValue(%q) = %d, %v, want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in      string
		want    Format
		wantErr bool
	}{
		{"auto", FormatAuto, false},
		{"problem", FormatProblem, false},
		{"json", FormatJSON, false},
		{"html", FormatHTML, false},
		{"text", FormatText, false},
		{"JSON", FormatJSON, false},
		{"", FormatAuto, true},
		{"xml", FormatAuto, true},
		{"problem+json", FormatAuto, true},
	}
	for _, tt := range tests {
		got, err := ParseFormat(tt.in)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("ParseFormat(%q) = %v, %v", tt.in, got, err)
		}
		if err == nil && got.String() != lower(tt.in) {
			t.Errorf("ParseFormat(%q).String() = %q", tt.in, got.String())
		}
	}
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func TestFormatContentTypeAndResolve(t *testing.T) {
	tests := []struct {
		f        Format
		ct       string
		resolved Format // for an Accept of application/json
	}{
		{FormatAuto, "", FormatJSON},
		{FormatProblem, "application/problem+json", FormatProblem},
		{FormatJSON, "application/json", FormatJSON},
		{FormatHTML, "text/html; charset=utf-8", FormatHTML},
		{FormatText, "text/plain; charset=utf-8", FormatText},
		{Format(99), "", FormatText},
		{Format(-1), "", FormatText},
	}
	for _, tt := range tests {
		if got := tt.f.ContentType(); got != tt.ct {
			t.Errorf("%v.ContentType() = %q, want %q", tt.f, got, tt.ct)
		}
		if got := tt.f.Resolve("application/json"); got != tt.resolved {
			t.Errorf("%v.Resolve = %v, want %v", tt.f, got, tt.resolved)
		}
	}
	if s := Format(99).String(); s != "Format(99)" {
		t.Errorf("Format(99).String() = %q", s)
	}
}

func TestFormatJSONConfig(t *testing.T) {
	var cfg struct{ Format Format }
	if err := json.Unmarshal([]byte(`{"Format":"html"}`), &cfg); err != nil || cfg.Format != FormatHTML {
		t.Fatalf("unmarshal: %v, %v", cfg.Format, err)
	}
	b, err := json.Marshal(cfg)
	if err != nil || string(b) != `{"Format":"html"}` {
		t.Fatalf("marshal: %s, %v", b, err)
	}
	if err := json.Unmarshal([]byte(`{"Format":"yaml"}`), &cfg); err == nil {
		t.Error("unmarshal of an unknown format succeeded")
	}
	if _, err := json.Marshal(struct{ F Format }{Format(42)}); err == nil {
		t.Error("marshal of an invalid format succeeded")
	}
}

// TestResolveLike: a client that accepts anything gets the replaced
// body's media family; one that names a format gets it; fixed formats
// stay fixed.
func TestResolveLike(t *testing.T) {
	tests := []struct {
		name         string
		f            Format
		accept, like string
		want         Format
	}{
		{"curl json", FormatAuto, "*/*", "application/json", FormatProblem},
		{"curl problem", FormatAuto, "*/*", "application/problem+json; charset=utf-8", FormatProblem},
		{"curl vendor json", FormatAuto, "*/*", "application/vnd.api+json", FormatProblem},
		{"curl html", FormatAuto, "*/*", "text/html; charset=utf-8", FormatHTML},
		{"curl xhtml", FormatAuto, "*/*", "application/xhtml+xml", FormatHTML},
		{"curl other", FormatAuto, "*/*", "application/xml", FormatText},
		{"curl none", FormatAuto, "*/*", "", FormatText},
		{"no accept json", FormatAuto, "", "application/json", FormatProblem},
		{"no accept html", FormatAuto, "", "TEXT/HTML", FormatHTML},
		{"browser json", FormatAuto, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/json", FormatHTML},
		{"json client html", FormatAuto, "application/json", "text/html", FormatJSON},
		{"json refused", FormatAuto, "*/*, application/problem+json;q=0", "application/json", FormatText},
		{"fixed", FormatText, "*/*", "application/json", FormatText},
		{"fixed html", FormatHTML, "application/json", "application/json", FormatHTML},
	}
	for _, tt := range tests {
		if got := tt.f.ResolveLike(tt.accept, tt.like); got != tt.want {
			t.Errorf("%s: %v.ResolveLike(%q, %q) = %v, want %v", tt.name, tt.f, tt.accept, tt.like, got, tt.want)
		}
	}
}
