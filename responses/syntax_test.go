package responses

import "testing"

// TestFieldSyntax: the field syntax validators on valid values in unusual
// forms and on values just outside the grammar.
func TestFieldSyntax(t *testing.T) {
	type tc struct {
		in   string
		want bool
	}
	grammars := []struct {
		name  string
		valid func(string) bool
		cases []tc
	}{
		{"media-type", ValidMediaType, []tc{
			{"text/html", true}, {"text/html; charset=utf-8", true}, {"text/html;charset=UTF-8", true},
			{`multipart/form-data; boundary="a b;c"`, true}, {"application/vnd.api+json ; q=1 ;", true},
			{"text/plain;;charset=x", true}, {"TEXT/HTML", true},
			{"html", false}, {"text/", false}, {"/html", false}, {"text/html;charset", false},
			{"text/html; charset=", false}, {`text/html; charset="utf-8`, false}, {"text/html, text/plain", false},
			{"text /html", false}, {"", false}, {"text/html; charset = utf-8", false},
		}},
		{"link-value", ValidLinkValue, []tc{
			{`</a>; rel=next`, true}, {`<https://example.com/a?b=1,2>; rel="next prev"; title*=UTF-8'de'n%c3%a4chstes`, true},
			{`<>; rel=self`, true}, {`</a> ; REL = "preload" ; as=style`, true}, {`</a>; rel=preload; crossorigin`, true},
			{`</a>`, false}, {`</a>; rel=a; rel=b`, false}, {`/a; rel=next`, false}, {`</a b>; rel=x`, false},
			{`</a>; rel=`, false}, {`</a> rel=x`, false}, {`</a>; rel="x`, false},
		}},
		{"token68", ValidToken68, []tc{{"abc", true}, {"QWxhZGRpbjpvcGVu==", true}, {"a=b", false}, {"=", false}, {"", false}}},
		{"digits", ValidDigits, []tc{{"0", true}, {"0123", true}, {"", false}, {"1.5", false}, {"-1", false}, {" 1", false}}},
		{"quoted-string", ValidQuotedString, []tc{
			{`""`, true}, {`"a \"b\" c"`, true}, {"\"\tx\x80\"", true},
			{`"`, false}, {`"a`, false}, {`"a\"`, false}, {`"a"b`, false}, {"\"a\x00\"", false}, {"\"a\x7f\"", false}, {"\"\\\x01\"", false},
		}},
		{"auth-param", func(s string) bool { _, ok := ValidAuthParam(s); return ok }, []tc{
			{"realm=x", true}, {`realm = "a, b"`, true}, {`title="Login to \"apps\""`, true}, {"a=b=c", false},
			{"realm", false}, {"realm=", false}, {`realm="x`, false}, {"=x", false}, {"a b=c", false}, {"realm=x y", false},
		}},
		{"cache-directive", func(s string) bool { _, _, _, ok := ParseCacheDirective(s); return ok }, []tc{
			{"no-store", true}, {"max-age=60", true}, {`no-cache="Set-Cookie, Vary"`, true}, {`x=""`, true},
			{"max-age=", false}, {"max-age = 60", false}, {`x="a"b`, false}, {`x="a`, false}, {"=1", false}, {"a b", false},
		}},
		{"token", ValidToken, []tc{{"GET", true}, {"x-y.z~!", true}, {"", false}, {"a b", false}, {"a/b", false}, {"\x80", false}, {"a\x7f", false}}},
	}
	for _, g := range grammars {
		for _, c := range g.cases {
			if got := g.valid(c.in); got != c.want {
				t.Errorf("%s(%q) = %v, want %v", g.name, c.in, got, c.want)
			}
		}
	}
}

func TestNextListElement(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"a, b,c", []string{"a", "b", "c"}},
		{` a ,, "x,y" , (c,d) e, <u,v>;rel=x `, []string{"a", "", `"x,y"`, "(c,d) e", "<u,v>;rel=x"}},
		{`"unterminated, b`, []string{`"unterminated`, "b"}},
		{",", []string{""}},
	} {
		var got []string
		for rest := c.in; rest != ""; {
			var e string
			e, rest = NextListElement(rest)
			got = append(got, e)
		}
		if len(got) != len(c.want) {
			t.Errorf("%q: %q, want %q", c.in, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%q: %q, want %q", c.in, got, c.want)
				break
			}
		}
	}
}

// TestFieldSyntaxDoesNotAllocate: the validators run on the normalize
// engine's clean path.
func TestFieldSyntaxDoesNotAllocate(t *testing.T) {
	n := testing.AllocsPerRun(100, func() {
		ValidMediaType(`multipart/form-data; boundary="a b;c"`)
		ValidLinkValue(`<https://example.com/a>; rel="next prev"; title=x`)
		ValidToken68("QWxhZGRpbjpvcGVu==")
		ValidQuotedString(`"a \"b\""`)
		ValidDigits("3600")
		ValidToken("Accept-Encoding")
		ParseCacheDirective(`no-cache="Set-Cookie"`)
		CutToken("max-age=60")
		ValidAuthParam(`realm = "apps"`)
		NextListElement(` a ,, "x,y" , (c,d) e, <u,v>;rel=x `)
		CutComment("(a (b) \\) c)")
	})
	if n != 0 {
		t.Errorf("%v allocations, want 0", n)
	}
}
