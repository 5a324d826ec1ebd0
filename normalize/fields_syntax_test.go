package normalize

import (
	"testing"

	"github.com/respnorm/caddy-normalize/responses"
)

func TestGrammarHelpers(t *testing.T) {
	type tc struct {
		in   string
		want bool
	}
	grammars := []struct {
		name  string
		valid func(string) bool
		cases []tc
	}{
		{"vary element", validVaryElement, []tc{
			{"*", true}, {"Accept-Encoding", true}, {"accept", true},
			{"Accept Encoding", false}, {"Accept:Encoding", false}, {"**", true},
		}},
		{"via element", validViaElement, []tc{
			{"1.1 Caddy", true}, {"HTTP/1.1 proxy.example:8080", true}, {"1.0 fred (Apache/1.1)", true},
			{"2 [::1]:443", true}, {"1.1 a (nested (comment) \\) ok)", true}, {"h3/1 edge", true},
			{"proxy1", false}, {"1.1", false}, {"1.1 ", false}, {"1.1 a (unclosed", false}, {"1.1 a b", false}, {"/1.1 a", false},
		}},
	}
	for _, g := range grammars {
		for _, c := range g.cases {
			if got := g.valid(c.in); got != c.want {
				t.Errorf("%s(%q) = %v, want %v", g.name, c.in, got, c.want)
			}
		}
	}
}

func TestValidChallenges(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want bool
	}{
		{[]string{`Basic realm="app"`}, true},
		{[]string{`Basic realm="app", charset="UTF-8"`}, true},
		{[]string{`Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple"`}, true},
		{[]string{`Bearer`}, true},
		{[]string{`Negotiate YII=`, `NTLM`}, true},
		{[]string{`Basic realm="a"`, `charset="UTF-8"`}, true}, // one list over two lines
		{[]string{`Basic realm="a"`, `realm="b"`}, false},
		{[]string{`Negotiate YII=`, `realm="b"`}, false},
		{[]string{`Bearer realm = "api" , error="invalid_token"`}, true},
		{[]string{`Basic realm="a", Digest realm="b", nonce="x", Basic realm="c"`}, true},
		{[]string{`Basic realm="a", realm="b"`}, false}, // repeated in one challenge
		{[]string{`Basic REALM="a", realm="b"`}, false},
		{[]string{`realm="a"`}, false},   // no scheme
		{[]string{`Basic realm=`}, true}, // "realm=" is a token68
		{[]string{`Basic realm="a`}, false},
		{[]string{``}, true}, // no challenge: the -missing rules' business
		{[]string{`, ,`}, true},
		{[]string{`Negotiate YII=, x=1`}, false}, // a parameter after token68
		{[]string{`Basic realm="a" charset="b"`}, false},
		{[]string{`Basic=realm`}, false},
		{[]string{`Bas(ic realm="a"`}, false},
	} {
		if got := validChallenges(c.in); got != c.want {
			t.Errorf("validChallenges(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestCheckSetCookie(t *testing.T) {
	for _, c := range []struct {
		in   string
		name string
		want cookieSyntax
	}{
		{"id=a3fWa; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Secure; HttpOnly", "id", cookieOK},
		{`id="quoted"; Path=/; Domain=example.com; Max-Age=3600; SameSite=Lax; Secure`, "id", cookieOK},
		{"id=; Max-Age=0; Secure", "id", cookieOK},
		{"id=x; Domain=.example.com; Secure", "id", cookieOK},
		{"id=x; Partitioned; Priority=High; Secure", "id", cookieOK},
		{"id=x", "id", cookieNoSecure},
		{"id=x;Path=/; Secure", "id", cookieInvalid | cookieNoSecure},
		{"id=a b; Secure", "id", cookieInvalid | cookieNoSecure},
		{"id=a,b; Secure", "id", cookieInvalid | cookieNoSecure},
		{"=x; Secure", "", cookieInvalid},
		{"novalue; Secure", "novalue", cookieInvalid},
		{`id="x; Secure`, "id", cookieInvalid},
		{"id=x; Max-Age=-1; Secure", "id", cookieInvalid},
		{"id=x; Max-Age=01; Secure", "id", cookieInvalid},
		{"id=x; Domain=exa mple.com; Secure", "id", cookieInvalid},
		{"id=x; Domain=-a.com; Secure", "id", cookieInvalid},
		{"id=x; Path=/; Path=/a; Secure", "id", cookieRepeatedAV},
		{"id=x; secure; Secure", "id", cookieRepeatedAV},
		{"id=x; Expires=Wed, 21-Oct-2015 07:28:00 GMT; Secure", "id", cookieBadExpires},
		{"id=x; Expires=0; Secure", "id", cookieBadExpires},
		{"id=x; Path=/\x01; Secure", "id", cookieInvalid | cookieNoSecure},
	} {
		name, got := checkSetCookie(c.in)
		if name != c.name || got != c.want {
			t.Errorf("checkSetCookie(%q) = %q, %b; want %q, %b", c.in, name, got, c.name, c.want)
		}
	}
}

func TestValidSFStringTokenList(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"ExampleCDN; hit, \"origin\"; fwd=uri-miss", true},
		{`cdn.example; error=http_request_error; details="x \"y\""`, true},
		{"OriginCache; hit; ttl=1.5; key=:aGk=:; stored=?1; n=-12", true},
		{"a, b ,c", true},
		{"HIT MISS", false}, {"hit,", false}, {"", false}, {"1abc", false}, {"a; Ttl=1", false},
		{"a; ttl=1.2345", false}, {"a; x=?2", false}, {`"unterminated`, false}, {"a; k=(1 2)", false},
	} {
		if got := validSFStringTokenList([]string{c.in}); got != c.want {
			t.Errorf("validSFStringTokenList(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

// TestGrammarHelpersDoNotAllocate: the helpers run on the clean path.
func TestGrammarHelpersDoNotAllocate(t *testing.T) {
	vs := []string{`Newauth realm="apps", type=1, title="Login", Basic realm="simple"`}
	links := []string{`</a>; rel=next, </b>; rel="prev"`}
	sf := []string{`ExampleCDN; hit; ttl=1.5, "origin"; fwd=uri-miss`}
	n := testing.AllocsPerRun(100, func() {
		validChallenges(vs)
		validList(links, false, responses.ValidLinkValue)
		responses.ValidMediaType("text/html; charset=utf-8")
		validViaElement("1.1 Caddy (comment)")
		checkSetCookie("id=a3fWa; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Secure; HttpOnly")
		validSFStringTokenList(sf)
	})
	if n != 0 {
		t.Errorf("%v allocations, want 0", n)
	}
}

// FuzzFieldsSyntax: the grammar helpers take any field value without
// panicking, and a cookie date fixCookieExpires rewrites is one
// set-cookie-expires-date accepts, rewritten once and for all.
func FuzzFieldsSyntax(f *testing.F) {
	for _, s := range []string{
		`Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple"`,
		`</a,b>; rel="next prev"; title*=UTF-8'en'a%20b, <https://example.com/>; REL=canonical`,
		"1.0 fred, 1.1 p.example.net (Apache/1.1 (nested \\) ok))",
		`OriginCache; hit; ttl=1.5; key=:aGk=:; stored=?1, "x"; n=-12`,
		"id=x; Expires=Wed, 21-Oct-2015 07:28:00 GMT; Path=/; Max-Age=0; Secure",
		"id=x; expires=Sun Nov  6 08:49:37 1994; Domain=.a.b",
		`multipart/byteranges; boundary="3d"`,
		"max-age=60, no-store, stale-while-revalidate=\"1\", immutable=",
		"gzip;q=0, *;q=0.000, br",
		"", ",", `"`, "(", "<", ";", ":", "=", "\x00\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		vs := []string{s}
		validChallenges(vs)
		validList(vs, true, responses.ValidLinkValue)
		validList(vs, false, validViaElement)
		validList(vs, false, validVaryElement)
		validSFStringTokenList(vs)
		responses.ValidMediaType(s)
		responses.ValidToken68(s)
		ccConflict(vs)
		codingAccepted(vs, "gzip")
		hasBoundary(s)
		zeroQ(s)
		for rest := s; rest != ""; {
			var e string
			e, rest = responses.NextListElement(rest)
			if len(e) > len(s) {
				t.Fatalf("element %q longer than %q", e, s)
			}
			cutDirective(e)
		}
		if fixed, ok := fixCookieExpires(s); ok {
			if _, res := checkSetCookie(fixed); res&cookieBadExpires != 0 {
				t.Errorf("fixCookieExpires(%q) = %q, still not an rfc1123-date", s, fixed)
			}
			if again, ok := fixCookieExpires(fixed); !ok || again != fixed {
				t.Errorf("fixCookieExpires not idempotent: %q -> %q -> %q", s, fixed, again)
			}
		}
	})
}

// TestListLookupsSplitLikeTheGrammar: a comma inside a quoted-string does
// not split (RFC 9110 §5.6.1), so a directive or element named inside one
// is not found.
func TestListLookupsSplitLikeTheGrammar(t *testing.T) {
	cc := []string{`no-cache="Set-Cookie, no-store", max-age=60`}
	if cacheDirective(cc, "no-store") {
		t.Errorf("cacheDirective found no-store inside a quoted argument")
	}
	if !cacheDirective(cc, "max-age") || !cacheDirective(cc, "no-cache") {
		t.Errorf("cacheDirective missed max-age or no-cache")
	}
	if listHasFold([]string{`x="a, accept-encoding"`}, "Accept-Encoding") {
		t.Errorf("listHasFold found an element inside a quoted-string")
	}
	if !listHasFold([]string{"Origin,  accept-encoding "}, "Accept-Encoding") {
		t.Errorf("listHasFold missed accept-encoding")
	}
	n := 0
	eachElement([]string{`gzip, , x;q="1,2"`, "br"}, func(string) bool { n++; return false })
	if n != 3 {
		t.Errorf("eachElement saw %d elements, want 3", n)
	}
}
