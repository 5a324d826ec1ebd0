package responses_test

import (
	"strings"
	"testing"

	"github.com/respnorm/caddy-normalize/responses"
)

func FuzzParseRetryAfter(f *testing.F) {
	for _, tt := range retryAfterTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, value string) {
		at, delay, err := responses.ParseRetryAfter(value, now)
		if valid := responses.ValidRetryAfter(value); valid != (err == nil) {
			t.Fatalf("ValidRetryAfter(%q) = %v, ParseRetryAfter err = %v", value, valid, err)
		}
		if err != nil {
			return
		}
		if delay < 0 {
			t.Fatalf("ParseRetryAfter(%q): negative delay %v", value, delay)
		}
		// Formatted again, the value means the same thing.
		var again string
		if value[0] >= '0' && value[0] <= '9' {
			again = responses.RetryAfterSeconds(delay)
		} else {
			again = responses.RetryAfterDate(at)
			if !responses.ValidHTTPDate(value) {
				t.Fatalf("%q parsed as a date but ValidHTTPDate says no", value)
			}
		}
		at2, delay2, err := responses.ParseRetryAfter(again, now)
		if err != nil {
			t.Fatalf("%q formatted as %q, which does not parse: %v", value, again, err)
		}
		if !at2.Equal(at) || delay2 != delay {
			t.Fatalf("%q: %v, %v; formatted as %q: %v, %v", value, at, delay, again, at2, delay2)
		}
	})
}

func FuzzRepairLocation(f *testing.F) {
	for _, s := range []string{
		"", "/", "/a b", "/café", "/%zz", "/%4", "%", "/a#b#c", "##", "/x\r\nX: y",
		"https://example.com/a?b=c#d", "/%E2%82%AC", "\xff", "[::1]", "/%%41",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		got := responses.RepairLocation(value)
		if !responses.ValidLocation(got) {
			t.Fatalf("RepairLocation(%q) = %q, not valid", value, got)
		}
		if !responses.ValidFieldValue(got) {
			t.Fatalf("RepairLocation(%q) = %q, not a field value", value, got)
		}
		if responses.ValidLocation(value) && got != value {
			t.Fatalf("RepairLocation changed the valid %q into %q", value, got)
		}
		if again := responses.RepairLocation(got); again != got {
			t.Fatalf("RepairLocation(%q) = %q, then %q", value, got, again)
		}
	})
}

func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{
		"", "*/*", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
		"application/json, text/plain, */*", "application/problem+json", "text/*;q=0",
		`text/html;x="a,b", application/json;q=0.1`, `a/b;x="\"`, ";;,,q=1", "*/*;q=0.0001",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, accept string) {
		got := responses.Negotiate(accept)
		if got == responses.FormatAuto || got.ContentType() == "" {
			t.Fatalf("Negotiate(%q) = %v", accept, got)
		}
		// The Accept of a request is read as a whole: a member that adds
		// nothing acceptable does not change the outcome.
		if again := responses.Negotiate(accept + ", image/png"); again != got {
			t.Fatalf("Negotiate(%q) = %v, but %v with image/png added", accept, got, again)
		}
	})
}

// FuzzConstructors feeds any value to the constructors that take values:
// each either refuses it or builds a Response that, served to GET or
// HEAD, breaks no MUST, and whose redirects go nowhere but http, https or
// a relative reference.
func FuzzConstructors(f *testing.F) {
	for _, s := range []string{
		"/login", "GET", `Bearer realm="x"`, "h2c", "</a.css>; rel=preload", "", " ", "a b", "javascript:alert(1)",
		"/x\r\nSet-Cookie: a=b", "HTTP/1.1", "realm=x", "data:,x", "//evil.example", "\x00",
	} {
		f.Add(s, int64(0), int64(10))
	}
	f.Fuzz(func(t *testing.T, value string, start, total int64) {
		var built []*responses.Response
		add := func(resp *responses.Response, err error) {
			if (resp == nil) == (err == nil) {
				t.Fatalf("%q: Response %v with error %v", value, resp, err)
			}
			if resp != nil {
				built = append(built, resp)
			}
		}
		for _, ctor := range []func(string) (*responses.Response, error){
			responses.Created, responses.MultipleChoices, responses.MovedPermanently, responses.Found,
			responses.SeeOther, responses.TemporaryRedirect, responses.PermanentRedirect,
			responses.UnavailableForLegalReasons,
		} {
			add(ctor(value))
		}
		for _, ctor := range []func(string, ...string) (*responses.Response, error){
			responses.MethodNotAllowed, responses.Unauthorized, responses.ProxyAuthenticationRequired,
			responses.UpgradeRequired, responses.EarlyHints,
		} {
			add(ctor(value))
			add(ctor("a", value))
		}
		add(responses.PartialContent(start, total, "", []byte(value)))
		add(responses.RangeNotSatisfiable(total))
		add(responses.New(int(start % 1000)))
		add(responses.OK().WithHeader("X-Fuzz", value))
		add(responses.OK().WithHeader(value, "v"))
		add(responses.OK().WithContentLocation(value))
		add(responses.OK().WithBody(value, nil))
		for _, resp := range built {
			for _, method := range []string{"GET", "HEAD"} {
				if allowsRefused(resp, method) {
					continue // the caller's contradiction, not the constructor's
				}
				if vs := mustViolations(t, method, resp); len(vs) != 0 {
					t.Fatalf("%q: %d to %s breaks %v", value, resp.Code(), method, vs)
				}
			}
			if loc := resp.Header().Get("Location"); loc != "" && resp.Code() != 201 {
				lower := strings.ToLower(loc)
				if i := strings.IndexAny(lower, ":/?#"); i > 0 && lower[i] == ':' &&
					!strings.HasPrefix(lower, "http:") && !strings.HasPrefix(lower, "https:") && isScheme(lower[:i]) {
					t.Fatalf("%d redirects to %q", resp.Code(), loc)
				}
			}
		}
	})
}

// isScheme reports whether s has the syntax of a URI scheme.
func isScheme(s string) bool {
	for i, c := range s {
		if !('a' <= c && c <= 'z') && (i == 0 || !('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return s != ""
}
