package responses_test

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/respnorm/caddy-normalize/responses"
)

var until = time.Date(2030, time.January, 2, 3, 4, 5, 0, time.UTC)

// ctorTests holds one case per constructor, some with content. fields are
// "Name: value" lines; each named field must carry exactly the values
// listed.
var ctorTests = []struct {
	name   string
	resp   *responses.Response
	code   int
	fields []string
	body   string // the content a GET gets
}{
	{"OK", responses.OK(), 200, nil, ""},
	{"OK text", responses.OK().WithText("hello\n"), 200, []string{"Content-Type: text/plain; charset=utf-8"}, "hello\n"},
	{"OK html", responses.OK().WithHTML("<p>hi</p>"), 200, []string{"Content-Type: text/html; charset=utf-8"}, "<p>hi</p>"},
	{"OK json", must(responses.OK().WithJSON(map[string]int{"a": 1})), 200, []string{"Content-Type: application/json"}, `{"a":1}`},
	{"OK untyped", must(responses.OK().WithBody("", []byte("raw"))), 200, nil, "raw"},
	{"OK headers", must(must(responses.OK().WithText("x").WithHeader("Cache-Control", "no-store")).WithContentLocation("/doc/1")), 200,
		[]string{"Cache-Control: no-store", "Content-Location: /doc/1"}, "x"},
	{"OK Allow", must(responses.OK().WithAllow("GET", "HEAD", "OPTIONS")), 200, []string{"Allow: GET, HEAD, OPTIONS"}, ""},
	{"OK Date", must(must(responses.OK().WithHeader("Date", "Sun, 06 Nov 1994 08:49:37 GMT")).WithHeader("date", "Mon, 07 Nov 1994 08:49:37 GMT")), 200,
		[]string{"Date: Mon, 07 Nov 1994 08:49:37 GMT"}, ""},
	{"Created", must(must(responses.Created("/items/1")).WithJSON(map[string]int{"id": 1})), 201, []string{"Location: /items/1"}, `{"id":1}`},
	{"Created other scheme", must(responses.Created("urn:isbn:0451450523")), 201, []string{"Location: urn:isbn:0451450523"}, ""},
	{"Accepted", responses.Accepted(), 202, nil, ""},
	{"NonAuthoritativeInformation", responses.NonAuthoritativeInformation().WithText("t"), 203, nil, "t"},
	{"NoContent", must(responses.NoContent().WithHeader("Etag", `"v2"`)), 204, []string{`Etag: "v2"`}, ""},
	{"ResetContent", responses.ResetContent(), 205, []string{"Content-Length: 0"}, ""},
	{"PartialContent", must(responses.PartialContent(2, 10, "text/plain", []byte("23456"))), 206,
		[]string{"Content-Range: bytes 2-6/10", "Content-Type: text/plain", "Content-Length: 5"}, "23456"},
	{"PartialContent unknown length", must(responses.PartialContent(0, -1, "text/plain; charset=utf-8", []byte("a"))), 206,
		[]string{"Content-Range: bytes 0-0/*"}, "a"},
	{"PartialContent last byte", must(responses.PartialContent(9, 10, "application/octet-stream", []byte("9"))), 206, []string{"Content-Range: bytes 9-9/10"}, "9"},
	{"MultipleChoices", must(responses.MultipleChoices("/en")).WithHTML(`<a href="/en">en</a>`), 300, []string{"Location: /en"}, `<a href="/en">en</a>`},
	{"MultipleChoices no preference", must(responses.MultipleChoices("")), 300, nil, ""},
	{"MovedPermanently", must(responses.MovedPermanently("https://example.com/new")), 301, []string{"Location: https://example.com/new"}, ""},
	{"Found", must(responses.Found("/login?next=%2F")), 302, []string{"Location: /login?next=%2F"}, ""},
	{"SeeOther", must(responses.SeeOther("/orders/7")), 303, []string{"Location: /orders/7"}, ""},
	{"NotModified", must(must(responses.NotModified().WithHeader("ETag", `"v1"`)).WithHeader("Cache-Control", "max-age=60")), 304,
		[]string{`Etag: "v1"`, "Cache-Control: max-age=60"}, ""},
	{"TemporaryRedirect", must(responses.TemporaryRedirect("/v2/upload")), 307, []string{"Location: /v2/upload"}, ""},
	{"PermanentRedirect", must(responses.PermanentRedirect("../moved")), 308, []string{"Location: ../moved"}, ""},
	{"Redirect app scheme", must(responses.Redirect(302, "myapp://callback?code=1", "myapp")), 302, []string{"Location: myapp://callback?code=1"}, ""},
	{"BadRequest", responses.BadRequest().WithProblem("missing field"), 400, []string{"Content-Type: text/plain; charset=utf-8", "Vary: Accept"},
		"400 Bad Request\nmissing field\n"},
	{"Unauthorized", must(responses.Unauthorized(`Bearer realm="api"`, `Basic realm="api", charset="UTF-8"`)), 401,
		[]string{`Www-Authenticate: Bearer realm="api"`, `Www-Authenticate: Basic realm="api", charset="UTF-8"`}, ""},
	{"Unauthorized one", must(responses.Unauthorized("Negotiate")), 401, []string{"Www-Authenticate: Negotiate"}, ""},
	{"Unauthorized token68 and odd parameters", must(responses.Unauthorized("Negotiate a87421+/==", `Digest realm="a, \"b\"" , qop = auth,nonce=x`)), 401,
		[]string{"Www-Authenticate: Negotiate a87421+/==", `Www-Authenticate: Digest realm="a, \"b\"" , qop = auth,nonce=x`}, ""},
	{"PaymentRequired", responses.PaymentRequired(), 402, nil, ""},
	{"Forbidden", responses.Forbidden().WithText("no"), 403, nil, "no"},
	{"NotFound", responses.NotFound(), 404, nil, ""},
	// Served to GET and HEAD: a 405 that allowed them would contradict itself
	// (allow-lists-refused).
	{"MethodNotAllowed", must(responses.MethodNotAllowed("POST", "PUT")), 405, []string{"Allow: POST, PUT"}, ""},
	{"MethodNotAllowed one", must(responses.MethodNotAllowed("PROPFIND")), 405, []string{"Allow: PROPFIND"}, ""},
	{"NotAcceptable", responses.NotAcceptable(), 406, nil, ""},
	{"ProxyAuthenticationRequired", must(responses.ProxyAuthenticationRequired(`Basic realm="proxy"`)), 407,
		[]string{`Proxy-Authenticate: Basic realm="proxy"`}, ""},
	{"RequestTimeout", responses.RequestTimeout(), 408, []string{"Connection: close"}, ""},
	{"Conflict", responses.Conflict(), 409, nil, ""},
	{"Gone", responses.Gone(), 410, nil, ""},
	{"LengthRequired", responses.LengthRequired(), 411, nil, ""},
	{"PreconditionFailed", responses.PreconditionFailed(), 412, nil, ""},
	{"ContentTooLarge", responses.ContentTooLarge().WithRetryAfter(time.Minute), 413, []string{"Retry-After: 60"}, ""},
	{"URITooLong", responses.URITooLong(), 414, nil, ""},
	{"UnsupportedMediaType", must(responses.UnsupportedMediaType().WithHeader("Accept", "application/json")), 415, []string{"Accept: application/json"}, ""},
	{"RangeNotSatisfiable", must(responses.RangeNotSatisfiable(1234)), 416, []string{"Content-Range: bytes */1234"}, ""},
	{"ExpectationFailed", responses.ExpectationFailed(), 417, nil, ""},
	{"MisdirectedRequest", responses.MisdirectedRequest(), 421, nil, ""},
	{"UnprocessableContent", responses.UnprocessableContent(), 422, nil, ""},
	{"UpgradeRequired", must(responses.UpgradeRequired("HTTP/3.0", "h2c")), 426, []string{"Upgrade: HTTP/3.0, h2c", "Connection: upgrade"}, ""},
	{"PreconditionRequired", responses.PreconditionRequired(), 428, nil, ""},
	{"TooManyRequests", responses.TooManyRequests(1500 * time.Millisecond), 429, []string{"Retry-After: 2"}, ""},
	{"RequestHeaderFieldsTooLarge", responses.RequestHeaderFieldsTooLarge(), 431, nil, ""},
	{"UnavailableForLegalReasons", must(responses.UnavailableForLegalReasons("https://authority.example/orders/1")), 451,
		[]string{`Link: <https://authority.example/orders/1>; rel="blocked-by"`}, ""},
	// Unnamed, the 451 lacks the Link a SHOULD asks for (RFC 7725 §4):
	// TestConstructorsOnTheWire expects exactly that advisory.
	{"UnavailableForLegalReasons unnamed", must(responses.UnavailableForLegalReasons("")), 451, nil, ""},
	{"InternalServerError", responses.InternalServerError(), 500, nil, ""},
	{"NotImplemented", responses.NotImplemented(), 501, nil, ""},
	{"BadGateway", responses.BadGateway().WithProblem("upstream reset").WithFormat(responses.FormatProblem), 502,
		[]string{"Content-Type: application/problem+json", "X-Content-Type-Options: nosniff"},
		`{"type":"about:blank","title":"Bad Gateway","status":502,"detail":"upstream reset"}`},
	{"ServiceUnavailable", responses.ServiceUnavailable(2 * time.Minute), 503, []string{"Retry-After: 120"}, ""},
	{"ServiceUnavailableUntil", must(responses.ServiceUnavailableUntil(until)), 503, []string{"Retry-After: Wed, 02 Jan 2030 03:04:05 GMT"}, ""},
	{"GatewayTimeout", responses.GatewayTimeout(), 504, nil, ""},
	{"HTTPVersionNotSupported", responses.HTTPVersionNotSupported(), 505, nil, ""},
	{"NetworkAuthenticationRequired", responses.NetworkAuthenticationRequired(), 511, nil, ""},
	{"New", must(responses.New(299)), 299, nil, ""},
	{"New extension", must(responses.New(207)).WithText("multi"), 207, nil, "multi"},
}

// must is responses.MustBuild, short for the tables.
var must = responses.MustBuild

// TestConstructorsCoverCatalogue checks that every status the catalogue
// lists, the unused ones and 100 and 101 aside, has a case above, so a
// constructor cannot be forgotten.
func TestConstructorsCoverCatalogue(t *testing.T) {
	have := map[int]bool{103: true} // EarlyHints has tests of its own
	for _, tt := range ctorTests {
		have[tt.code] = true
	}
	for _, s := range responses.All() {
		if !s.Unused && s.Code != 100 && s.Code != 101 && !have[s.Code] {
			t.Errorf("no constructor test for %d %s", s.Code, s.Reason)
		}
	}
}

func TestConstructorsRecorded(t *testing.T) {
	for _, tt := range ctorTests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.resp.Code() != tt.code {
				t.Errorf("Code() = %d, want %d", tt.resp.Code(), tt.code)
			}
			get := serve(tt.resp, "GET")
			if get.Code != tt.code {
				t.Errorf("GET: status %d, want %d", get.Code, tt.code)
			}
			checkFields(t, "GET", get.Header(), tt.fields)
			if got := get.Body.String(); got != tt.body {
				t.Errorf("GET: body %q, want %q", got, tt.body)
			}
			checkFraming(t, "GET", tt.code, get.Header(), len(tt.body))

			head := serve(tt.resp, "HEAD")
			if head.Code != tt.code || head.Body.Len() != 0 {
				t.Errorf("HEAD: status %d, body %q", head.Code, head.Body)
			}
			for _, name := range []string{"Content-Type", "Content-Length"} {
				if g, h := get.Header().Values(name), head.Header().Values(name); !slices.Equal(g, h) {
					t.Errorf("HEAD: %s %q, GET has %q", name, h, g)
				}
			}
		})
	}
}

// checkFraming checks Content-Length and Content-Type against what the
// catalogue allows the status.
func checkFraming(t *testing.T, method string, code int, h http.Header, n int) {
	t.Helper()
	cl := h.Values("Content-Length")
	switch {
	case code == 205:
		if !slices.Equal(cl, []string{"0"}) {
			t.Errorf("%s: 205 with Content-Length %q", method, cl)
		}
	case !responses.ContentAllowed("GET", code):
		if len(cl) != 0 {
			t.Errorf("%s: %d with Content-Length %q", method, code, cl)
		}
	default:
		if !slices.Equal(cl, []string{strconv.Itoa(n)}) {
			t.Errorf("%s: Content-Length %q for %d bytes", method, cl, n)
		}
	}
	if n == 0 && h.Get("Content-Type") != "" {
		t.Errorf("%s: Content-Type %q without content", method, h.Get("Content-Type"))
	}
	if len(h.Values("Transfer-Encoding")) != 0 {
		t.Errorf("%s: Transfer-Encoding %q", method, h.Values("Transfer-Encoding"))
	}
}

func checkFields(t *testing.T, method string, h http.Header, lines []string) {
	t.Helper()
	want := http.Header{}
	for _, l := range lines {
		name, value, _ := strings.Cut(l, ":")
		want.Add(name, strings.TrimPrefix(value, " "))
	}
	for name, values := range want {
		if got := h.Values(name); !slices.Equal(got, values) {
			t.Errorf("%s: %s = %q, want %q", method, name, got, values)
		}
	}
}

func serve(resp *responses.Response, method string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	resp.ServeHTTP(w, httptest.NewRequest(method, "/", nil))
	return w
}

// TestConstructorsOnTheWire serves every case from a real server and
// checks what crosses the connection, Date included, with Check.
func TestConstructorsOnTheWire(t *testing.T) {
	mux := http.NewServeMux()
	for i, tt := range ctorTests {
		mux.Handle("/"+strconv.Itoa(i), tt.resp)
	}
	srv := httptest.NewServer(mux)
	defer srv.Close()
	addr := srv.Listener.Addr().String()

	for i, tt := range ctorTests {
		for _, method := range []string{"GET", "HEAD"} {
			res := roundTrip(t, addr, method, "/"+strconv.Itoa(i), "HTTP/1.1")
			if res.code != tt.code {
				t.Errorf("%s %s: status %d, want %d", tt.name, method, res.code, tt.code)
				continue
			}
			want := tt.body
			if method == "HEAD" {
				want = ""
			}
			if string(res.body) != want {
				t.Errorf("%s %s: content %q, want %q", tt.name, method, res.body, want)
			}
			vs := violations(method, res.code, res.header, len(res.body) > 0)
			switch {
			case tt.name == "UnavailableForLegalReasons unnamed" && len(vs) == 1 && vs[0] == "link-451-missing (RFC 7725 §4 SHOULD)":
				// Unnamed, the 451 lacks the Link RFC 7725 §4 asks for.
				vs = nil
			case tt.name == "OK untyped" && len(vs) == 1 && strings.HasPrefix(vs[0], "content-type-missing "):
				// Content of a type the sender does not know goes
				// without Content-Type (RFC 9110 §8.3's exception to its
				// SHOULD), which normalize reports all the same.
				vs = nil
			}
			if len(vs) != 0 {
				t.Errorf("%s %s: violations %v in\n%v", tt.name, method, vs, res.header)
			}
			if d := res.header.Get("Date"); !responses.ValidHTTPDate(d) {
				t.Errorf("%s %s: Date %q", tt.name, method, d)
			}
			if tt.body == "" && res.header.Get("Content-Type") != "" {
				t.Errorf("%s %s: Content-Type %q without content", tt.name, method, res.header.Get("Content-Type"))
			}
		}
	}
}

// TestNoContentOnTheWire looks at the bytes of the statuses that carry no
// content: nothing after the header section, and the framing the
// catalogue asks for.
func TestNoContentOnTheWire(t *testing.T) {
	tests := []struct {
		resp *responses.Response
		cl   []string
	}{
		{responses.NoContent(), nil},
		{responses.ResetContent(), []string{"0"}},
		{must(responses.NotModified().WithHeader("Etag", `"x"`)), nil},
	}
	for _, tt := range tests {
		srv := httptest.NewServer(tt.resp)
		for _, method := range []string{"GET", "POST", "HEAD"} {
			res := roundTrip(t, srv.Listener.Addr().String(), method, "/", "HTTP/1.1")
			if res.code != tt.resp.Code() || len(res.body) != 0 {
				t.Errorf("%d %s: status %d, %d bytes after the header", tt.resp.Code(), method, res.code, len(res.body))
			}
			if cl := res.header.Values("Content-Length"); !slices.Equal(cl, tt.cl) {
				t.Errorf("%d %s: Content-Length %q, want %q", tt.resp.Code(), method, cl, tt.cl)
			}
			if ct := res.header.Values("Content-Type"); len(ct) != 0 {
				t.Errorf("%d %s: Content-Type %q", tt.resp.Code(), method, ct)
			}
			if vs := violations(method, res.code, res.header, false); len(vs) != 0 {
				t.Errorf("%d %s: violations %v", tt.resp.Code(), method, vs)
			}
		}
		srv.Close()
	}
}

func TestEarlyHints(t *testing.T) {
	const link = "</style.css>; rel=preload; as=style"
	hints, err := responses.EarlyHints(link, "</app.js>; rel=preload; as=script")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hints.ServeHTTP(w, r)
		responses.OK().WithText("page").ServeHTTP(w, r)
	}))
	defer srv.Close()
	addr := srv.Listener.Addr().String()

	res := roundTrip(t, addr, "GET", "/", "HTTP/1.1")
	if len(res.interim) != 1 || res.interim[0].code != 103 {
		t.Fatalf("interim responses %+v, want one 103", res.interim)
	}
	if got := res.interim[0].header.Values("Link"); len(got) != 2 || got[0] != link {
		t.Errorf("103 Link %q", got)
	}
	if res.code != 200 || string(res.body) != "page" {
		t.Errorf("final response %d %q", res.code, res.body)
	}
	// No 1xx to an HTTP/1.0 client (§15.2).
	res = roundTrip(t, addr, "GET", "/", "HTTP/1.0")
	if len(res.interim) != 0 || res.code != 200 {
		t.Errorf("HTTP/1.0: interim %+v, final %d", res.interim, res.code)
	}
	// Nor from WriteError.
	srv10 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		responses.WriteError(w, r, 100, "", responses.FormatAuto)
		responses.NoContent().ServeHTTP(w, r)
	}))
	defer srv10.Close()
	for _, proto := range []string{"HTTP/1.0", "HTTP/1.1"} {
		res = roundTrip(t, srv10.Listener.Addr().String(), "GET", "/", proto)
		if want := proto == "HTTP/1.1"; (len(res.interim) == 1) != want || res.code != 204 {
			t.Errorf("%s: interim %+v, final %d", proto, res.interim, res.code)
		}
	}
}

func TestProblemNegotiatedOnServe(t *testing.T) {
	resp := responses.NotFound().WithProblem(`no <such> "thing"`)
	tests := []struct{ accept, ct string }{
		{"text/html,*/*;q=0.8", "text/html; charset=utf-8"},
		{"application/json", "application/json"},
		{"", "text/plain; charset=utf-8"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		if tt.accept != "" {
			r.Header.Set("Accept", tt.accept)
		}
		w := httptest.NewRecorder()
		resp.ServeHTTP(w, r)
		if w.Code != 404 || w.Header().Get("Content-Type") != tt.ct || w.Header().Get("Vary") != "Accept" {
			t.Errorf("Accept %q: %d %v", tt.accept, w.Code, w.Header())
		}
		if want := string(responses.AppendErrorBody(nil, 404, `no <such> "thing"`, responses.Negotiate(tt.accept))); w.Body.String() != want {
			t.Errorf("Accept %q: body %q, want %q", tt.accept, w.Body, want)
		}
	}
}

func TestServeReplacesFields(t *testing.T) {
	w := httptest.NewRecorder()
	w.Header().Set("Allow", "POST")
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Length", "999")
	w.Header().Set("Transfer-Encoding", "chunked")
	w.Header().Set("X-Kept", "yes")
	must(responses.MethodNotAllowed("GET")).ServeHTTP(w, httptest.NewRequest("POST", "/", nil))
	h := w.Header()
	if h.Get("Allow") != "GET" || h.Get("Content-Type") != "" || h.Get("Content-Length") != "0" ||
		h.Get("Transfer-Encoding") != "" || h.Get("X-Kept") != "yes" {
		t.Errorf("header %v", h)
	}
}

func TestServeConcurrently(t *testing.T) {
	resp := must(responses.ServiceUnavailable(time.Second).WithHeader("Cache-Control", "no-store")).WithProblem("busy")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				w := httptest.NewRecorder()
				resp.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
				w.Header().Add("Cache-Control", "private") // must not reach resp
				if w.Code != 503 || w.Header().Get("Retry-After") != "1" {
					t.Errorf("%d %v", w.Code, w.Header())
				}
			}
		})
	}
	wg.Wait()
	if got := resp.Header().Values("Cache-Control"); len(got) != 1 {
		t.Errorf("serving changed the Response: %q", got)
	}
}

// TestRequiredBySignature: a value the sender of a status MUST generate
// is a parameter its constructor cannot be called without; a list of
// them takes a first one apart, so that none is not an option.
func TestRequiredBySignature(t *testing.T) {
	type oneOrMore = func(string, ...string) (*responses.Response, error)
	for name, f := range map[string]oneOrMore{
		"MethodNotAllowed":            responses.MethodNotAllowed,
		"Unauthorized":                responses.Unauthorized,
		"ProxyAuthenticationRequired": responses.ProxyAuthenticationRequired,
		"UpgradeRequired":             responses.UpgradeRequired,
		"EarlyHints":                  responses.EarlyHints,
	} {
		if _, err := f(""); err == nil {
			t.Errorf("%s(\"\"): no error", name)
		}
	}
	var (
		_ func(string) (*responses.Response, error)                       = responses.Found
		_ func(int64, int64, string, []byte) (*responses.Response, error) = responses.PartialContent
		_ func(int64) (*responses.Response, error)                        = responses.RangeNotSatisfiable
		_ func(int, string, ...string) (*responses.Response, error)       = responses.Redirect
	)
}

// TestRefusedValues: a value that is not valid fails where it is given,
// with a FieldError naming the field, and no Response comes back to be
// served. A With method that refuses a value leaves its Response as it
// was.
func TestRefusedValues(t *testing.T) {
	tests := []struct {
		name  string
		build func() (*responses.Response, error)
		field string // the field the error names
	}{
		{"Created bad location", func() (*responses.Response, error) { return responses.Created("/a b") }, "Location"},
		{"Created CRLF", func() (*responses.Response, error) { return responses.Created("/x\r\nSet-Cookie: a=b") }, "Location"},
		{"Found empty", func() (*responses.Response, error) { return responses.Found("") }, "Location"},
		{"Found space", func() (*responses.Response, error) { return responses.Found("/a b") }, "Location"},
		{"SeeOther CRLF", func() (*responses.Response, error) { return responses.SeeOther("/x\r\nSet-Cookie: a=b") }, "Location"},
		{"MovedPermanently bad", func() (*responses.Response, error) { return responses.MovedPermanently("/%zz") }, "Location"},
		{"TemporaryRedirect empty", func() (*responses.Response, error) { return responses.TemporaryRedirect("") }, "Location"},
		{"PermanentRedirect two fragments", func() (*responses.Response, error) { return responses.PermanentRedirect("/a#b#c") }, "Location"},
		{"MultipleChoices bad", func() (*responses.Response, error) { return responses.MultipleChoices("/%zz") }, "Location"},
		{"Redirect bad", func() (*responses.Response, error) { return responses.Redirect(302, "/a b", "myapp") }, "Location"},
		{"Unauthorized empty", func() (*responses.Response, error) { return responses.Unauthorized("") }, "Www-Authenticate"},
		{"Unauthorized realm only", func() (*responses.Response, error) { return responses.Unauthorized("realm=x") }, "Www-Authenticate"},
		{"Unauthorized bad", func() (*responses.Response, error) { return responses.Unauthorized("Basic", "Bearer\r\nX: y") }, "Www-Authenticate"},
		{"Unauthorized no scheme", func() (*responses.Response, error) { return responses.Unauthorized(` realm="x"`) }, "Www-Authenticate"},
		// What follows the scheme is token68 or auth-params
		// (RFC 9110 §11.6.1, §11.2).
		{"Unauthorized neither token68 nor auth-param", func() (*responses.Response, error) { return responses.Unauthorized("0 !") }, "Www-Authenticate"},
		{"Unauthorized param without value", func() (*responses.Response, error) { return responses.Unauthorized("Basic realm=, qop=auth") }, "Www-Authenticate"},
		{"Unauthorized param twice", func() (*responses.Response, error) {
			return responses.Unauthorized(`Basic realm="a", REALM="b"`)
		}, "Www-Authenticate"},
		{"Unauthorized unterminated quote", func() (*responses.Response, error) { return responses.Unauthorized(`Basic realm="a`) }, "Www-Authenticate"},
		{"Unauthorized empty list element", func() (*responses.Response, error) { return responses.Unauthorized("0 ,0=0") }, "Www-Authenticate"},
		{"Unauthorized tab after the scheme", func() (*responses.Response, error) { return responses.Unauthorized("Basic \trealm=x") }, "Www-Authenticate"},
		{"Unauthorized trailing space", func() (*responses.Response, error) { return responses.Unauthorized("Basic ") }, "Www-Authenticate"},
		{"ProxyAuthenticationRequired empty", func() (*responses.Response, error) { return responses.ProxyAuthenticationRequired("") }, "Proxy-Authenticate"},
		{"ProxyAuthenticationRequired bad", func() (*responses.Response, error) { return responses.ProxyAuthenticationRequired("Basic\x00") }, "Proxy-Authenticate"},
		{"MethodNotAllowed empty", func() (*responses.Response, error) { return responses.MethodNotAllowed("") }, "Allow"},
		{"MethodNotAllowed space", func() (*responses.Response, error) { return responses.MethodNotAllowed("GE T") }, "Allow"},
		{"MethodNotAllowed bad", func() (*responses.Response, error) { return responses.MethodNotAllowed("GET", "BAD METHOD") }, "Allow"},
		{"MethodNotAllowed list", func() (*responses.Response, error) { return responses.MethodNotAllowed("GET, HEAD") }, "Allow"},
		{"UpgradeRequired empty", func() (*responses.Response, error) { return responses.UpgradeRequired("") }, "Upgrade"},
		{"UpgradeRequired bad", func() (*responses.Response, error) { return responses.UpgradeRequired("h2c/") }, "Upgrade"},
		{"UpgradeRequired second bad", func() (*responses.Response, error) { return responses.UpgradeRequired("h2c", "a b") }, "Upgrade"},
		{"PartialContent empty", func() (*responses.Response, error) { return responses.PartialContent(0, 10, "", nil) }, "Content-Range"},
		{"PartialContent negative", func() (*responses.Response, error) {
			return responses.PartialContent(-1, 10, "", []byte("ab"))
		}, "Content-Range"},
		{"PartialContent past end", func() (*responses.Response, error) {
			return responses.PartialContent(0, 10, "", make([]byte, 11))
		}, "Content-Range"},
		{"PartialContent start past end", func() (*responses.Response, error) {
			return responses.PartialContent(10, 10, "", []byte("x"))
		}, "Content-Range"},
		{"PartialContent type", func() (*responses.Response, error) {
			return responses.PartialContent(0, 10, "not a type", []byte("x"))
		}, "Content-Type"},
		{"PartialContent type without subtype", func() (*responses.Response, error) {
			return responses.PartialContent(0, 10, "GET", []byte("x"))
		}, "Content-Type"},
		{"RangeNotSatisfiable negative", func() (*responses.Response, error) { return responses.RangeNotSatisfiable(-1) }, "Content-Range"},
		{"UnavailableForLegalReasons bad", func() (*responses.Response, error) {
			return responses.UnavailableForLegalReasons("https://x/ y")
		}, "Link"},
		{"EarlyHints bad", func() (*responses.Response, error) { return responses.EarlyHints("/style.css") }, "Link"},
		// rel MUST be present, and MUST NOT appear twice (RFC 8288 §3.3).
		{"EarlyHints without rel", func() (*responses.Response, error) { return responses.EarlyHints("<>") }, "Link"},
		{"EarlyHints rel twice", func() (*responses.Response, error) {
			return responses.EarlyHints("</a.css>; rel=preload; REL=prefetch")
		}, "Link"},
		{"EarlyHints parameter without value", func() (*responses.Response, error) {
			return responses.EarlyHints("</a.css>; rel=preload; as=")
		}, "Link"},
		{"EarlyHints text after the link", func() (*responses.Response, error) {
			return responses.EarlyHints("</a.css> rel=preload")
		}, "Link"},
		{"EarlyHints second bad", func() (*responses.Response, error) {
			return responses.EarlyHints("</a.css>; rel=preload", "<a b>")
		}, "Link"},
		{"ServiceUnavailableUntil year", func() (*responses.Response, error) {
			return responses.ServiceUnavailableUntil(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))
		}, "Retry-After"},
	}
	tested := map[string]bool{"New": true, "Redirect": true} // TestNewRefuses, TestRedirectSchemes
	for _, tt := range tests {
		name, _, _ := strings.Cut(tt.name, " ")
		tested[name] = true
		resp, err := tt.build()
		var fe *responses.FieldError
		if !errors.As(err, &fe) || fe.Field != tt.field || !strings.Contains(err.Error(), tt.field) {
			t.Errorf("%s: err = %v, want a FieldError on %s", tt.name, err, tt.field)
		}
		if resp != nil {
			t.Errorf("%s: a Response came back with the error", tt.name)
		}
	}
	// Every function of the package that builds a Response and can refuse
	// a value has a case above.
	for _, name := range fallibleConstructors(t) {
		if !tested[name] {
			t.Errorf("%s returns an error but has no refused value in TestRefusedValues", name)
		}
	}
}

// fallibleConstructors lists the package's functions that return
// (*Response, error), read from its source.
func fallibleConstructors(t *testing.T) []string {
	t.Helper()
	pkgs, err := parser.ParseDir(token.NewFileSet(), ".", func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, pkg := range pkgs {
		for _, file := range pkg.Files {
			for _, decl := range file.Decls {
				fn, ok := decl.(*ast.FuncDecl)
				if !ok || fn.Recv != nil || !fn.Name.IsExported() || fn.Type.Results == nil || len(fn.Type.Results.List) != 2 {
					continue
				}
				star, ok := fn.Type.Results.List[0].Type.(*ast.StarExpr)
				if id, isIdent := fn.Type.Results.List[1].Type.(*ast.Ident); ok && isIdent && id.Name == "error" {
					if r, ok := star.X.(*ast.Ident); ok && r.Name == "Response" {
						names = append(names, fn.Name.Name)
					}
				}
			}
		}
	}
	if len(names) < 15 {
		t.Fatalf("found only %v", names)
	}
	return names
}

func TestRefusedWith(t *testing.T) {
	tests := []struct {
		name   string
		base   func() *responses.Response
		with   func(*responses.Response) (*responses.Response, error)
		field  string
		absent string // a field the Response still does not have
	}{
		{"WithHeader name", responses.OK, func(r *responses.Response) (*responses.Response, error) { return r.WithHeader("Bad Name", "v") }, "Bad Name", "Bad Name"},
		{"WithHeader value", responses.OK, func(r *responses.Response) (*responses.Response, error) { return r.WithHeader("X-A", "b\r\nc") }, "X-A", "X-A"},
		{"WithHeader padded", responses.OK, func(r *responses.Response) (*responses.Response, error) { return r.WithHeader("X-A", " b") }, "X-A", "X-A"},
		{"WithHeader framing", responses.OK, func(r *responses.Response) (*responses.Response, error) { return r.WithHeader("content-length", "5") }, "Content-Length", ""},
		{"WithHeader Content-Type", responses.OK, func(r *responses.Response) (*responses.Response, error) {
			return r.WithHeader("Content-Type", "text/plain")
		}, "Content-Type", "Content-Type"},
		{"WithHeader Location", responses.OK, func(r *responses.Response) (*responses.Response, error) {
			return r.WithHeader("Location", "javascript:alert(1)")
		}, "Location", "Location"},
		{"WithHeader second Location", func() *responses.Response { return must(responses.Found("/a")) }, func(r *responses.Response) (*responses.Response, error) {
			return r.WithHeader("Location", "/b")
		}, "Location", ""},
		{"WithHeader Allow", responses.OK, func(r *responses.Response) (*responses.Response, error) { return r.WithHeader("Allow", "") }, "Allow", "Allow"},
		{"WithHeader Retry-After", responses.OK, func(r *responses.Response) (*responses.Response, error) {
			return r.WithHeader("Retry-After", "soon")
		}, "Retry-After", "Retry-After"},
		{"WithHeader Content-Range", responses.OK, func(r *responses.Response) (*responses.Response, error) {
			return r.WithHeader("Content-Range", "bytes 0-99/1000")
		}, "Content-Range", "Content-Range"},
		{"WithHeader Upgrade", responses.OK, func(r *responses.Response) (*responses.Response, error) { return r.WithHeader("Upgrade", "h2c") }, "Upgrade", "Upgrade"},
		{"WithHeader Connection", responses.OK, func(r *responses.Response) (*responses.Response, error) {
			return r.WithHeader("Connection", "close")
		}, "Connection", "Connection"},
		{"WithHeader Date", responses.OK, func(r *responses.Response) (*responses.Response, error) { return r.WithHeader("Date", "yesterday") }, "Date", "Date"},
		{"WithContentLocation fragment", responses.OK, func(r *responses.Response) (*responses.Response, error) {
			return r.WithContentLocation("/a#b")
		}, "Content-Location", "Content-Location"},
		{"WithContentLocation empty", responses.OK, func(r *responses.Response) (*responses.Response, error) {
			return r.WithContentLocation("")
		}, "Content-Location", "Content-Location"},
		{"WithBody type", responses.OK, func(r *responses.Response) (*responses.Response, error) {
			return r.WithBody("not a type", []byte("x"))
		}, "Content-Type", "Content-Type"},
		// A token without a subtype parses with mime.ParseMediaType,
		// and is no media-type (RFC 9110 §8.3.1).
		{"WithBody type without subtype", responses.OK, func(r *responses.Response) (*responses.Response, error) {
			return r.WithBody("html", []byte("x"))
		}, "Content-Type", "Content-Type"},
		{"WithBody type with empty subtype", responses.OK, func(r *responses.Response) (*responses.Response, error) {
			return r.WithBody("text/", []byte("x"))
		}, "Content-Type", "Content-Type"},
		// mime.ParseMediaType takes braces in a token; tchar does not.
		{"WithBody brace in the subtype", responses.OK, func(r *responses.Response) (*responses.Response, error) {
			return r.WithBody("text/}", []byte("x"))
		}, "Content-Type", "Content-Type"},
		{"WithBody brace in a parameter", responses.OK, func(r *responses.Response) (*responses.Response, error) {
			return r.WithBody("text/plain; a={", []byte("x"))
		}, "Content-Type", "Content-Type"},
		{"WithAllow empty", responses.OK, func(r *responses.Response) (*responses.Response, error) { return r.WithAllow("") }, "Allow", "Allow"},
		{"WithAllow bad", responses.OK, func(r *responses.Response) (*responses.Response, error) { return r.WithAllow("GET", "A,B") }, "Allow", "Allow"},
		{"WithRetryAfterDate year", responses.ContentTooLarge, func(r *responses.Response) (*responses.Response, error) {
			return r.WithRetryAfterDate(time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC))
		}, "Retry-After", "Retry-After"},
	}
	for _, tt := range tests {
		base := tt.base()
		before := serve(base, "GET")
		resp, err := tt.with(base)
		var fe *responses.FieldError
		if !errors.As(err, &fe) || fe.Field != tt.field {
			t.Errorf("%s: err = %v, want a FieldError on %s", tt.name, err, tt.field)
		}
		if resp != nil {
			t.Errorf("%s: a Response came back with the error", tt.name)
		}
		after := serve(base, "GET")
		if !reflect.DeepEqual(before.Header(), after.Header()) || before.Body.String() != after.Body.String() {
			t.Errorf("%s: the refused value changed the Response:\n%v\n%v", tt.name, before.Header(), after.Header())
		}
		if tt.absent != "" && len(after.Header().Values(tt.absent)) != 0 {
			t.Errorf("%s: %s sent: %q", tt.name, tt.absent, after.Header().Values(tt.absent))
		}
	}
	if _, err := responses.OK().WithJSON(make(chan int)); err == nil {
		t.Error("WithJSON of a channel: no error")
	}
}

// TestNewRefuses: New builds no Response for a code that is not valid
// HTTP, one the specification reserves, or one whose catalogue entry
// has a MUST field that only a constructor can supply.
func TestNewRefuses(t *testing.T) {
	for _, code := range []int{600, 99, 0, -1, 1000, 305, 306, 418, 101, 206, 401, 405, 407, 426} {
		resp, err := responses.New(code)
		if !errors.Is(err, responses.ErrStatus) || resp != nil {
			t.Errorf("New(%d) = %v, %v; want ErrStatus", code, resp, err)
		}
	}
	// The catalogue decides: every code it lists with a MUST field other
	// than Date and those a 206 or 304 repeats from a 200 is refused.
	for _, s := range responses.All() {
		_, err := responses.New(s.Code)
		refused := s.Unused
		for _, f := range s.Fields {
			if f.Level == responses.Must && f.Name != "Date" && !strings.Contains(f.Note, "200") {
				refused = true
			}
		}
		if (err != nil) != refused {
			t.Errorf("New(%d): err %v, want refused %v", s.Code, err, refused)
		}
	}
	for _, code := range []int{100, 103, 200, 204, 207, 299, 304, 404, 499, 503, 599} {
		if resp, err := responses.New(code); err != nil || resp.Code() != code {
			t.Errorf("New(%d) = %v, %v", code, resp, err)
		}
	}
	if _, err := responses.Redirect(200, "/"); !errors.Is(err, responses.ErrStatus) {
		t.Errorf("Redirect(200): %v", err)
	}
	if _, err := responses.Redirect(304, "/"); !errors.Is(err, responses.ErrStatus) {
		t.Errorf("Redirect(304): %v", err)
	}
}

// TestMistakesPanic: what no data can make wrong, only the program,
// panics where it is done: content for a status that cannot carry any,
// other content for a 206, a Format that does not exist.
func TestMistakesPanic(t *testing.T) {
	partial := func() *responses.Response {
		return must(responses.PartialContent(0, 1000, "text/plain", []byte("01234")))
	}
	tests := []struct {
		name string
		f    func()
	}{
		{"NoContent text", func() { responses.NoContent().WithText("x") }},
		{"NoContent body", func() { responses.NoContent().WithBody("", []byte("x")) }},
		{"ResetContent json", func() { responses.ResetContent().WithJSON(1) }},
		{"ResetContent html", func() { responses.ResetContent().WithHTML("<p>x</p>") }},
		{"NotModified problem", func() { responses.NotModified().WithProblem("x") }},
		{"EarlyHints body", func() { must(responses.EarlyHints("</a.css>; rel=preload")).WithText("x") }},
		{"New 100 body", func() { must(responses.New(100)).WithText("x") }},
		{"PartialContent body", func() { partial().WithBody("text/plain", []byte("other")) }},
		{"PartialContent text", func() { partial().WithText("01234") }},
		{"PartialContent problem", func() { partial().WithProblem("x") }},
		{"bad format", func() { responses.NotFound().WithFormat(responses.Format(9)) }},
		{"MustBuild error", func() { must(responses.Found("javascript:alert(1)")) }},
	}
	for _, tt := range tests {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tt.name)
				}
			}()
			tt.f()
		}()
	}
}

// TestPartialContentAgrees: the case. Content-Range is derived
// from the part, so it cannot disagree with Content-Length.
func TestPartialContentAgrees(t *testing.T) {
	resp := must(responses.PartialContent(0, 1000, "application/octet-stream", []byte("01234")))
	for _, method := range []string{"GET", "HEAD"} {
		w := serve(resp, method)
		if cr, cl := w.Header().Get("Content-Range"), w.Header().Get("Content-Length"); cr != "bytes 0-4/1000" || cl != "5" {
			t.Errorf("%s: Content-Range %q with Content-Length %q", method, cr, cl)
		}
	}
}

func TestMustBuild(t *testing.T) {
	resp := responses.OK()
	if got := responses.MustBuild(resp, nil); got != resp {
		t.Error("MustBuild did not return its Response")
	}
	_, want := responses.Found("/a b")
	defer func() {
		if got, ok := recover().(error); !ok || got.Error() != want.Error() {
			t.Errorf("MustBuild panicked with %v, want %v", got, want)
		}
	}()
	responses.MustBuild(responses.Found("/a b"))
}

// TestRedirectSchemes: a redirect goes to http, https or a relative
// reference, or to a scheme Redirect is told to allow.
func TestRedirectSchemes(t *testing.T) {
	safe := []string{
		"/login", "login", "../up", "?q=1", "#top", "//cdn.example/a", "https://example.com/", "HTTP://EXAMPLE.COM/",
		"http:relative", "/a:b", "./javascript:alert(1)", "javascript%3Aalert(1)",
	}
	unsafe := []string{
		"javascript:alert(1)", "JavaScript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox", "file:///etc/passwd",
		"ftp://example.com/", "mailto:a@example.com", "myapp://callback", "x:y",
	}
	ctors := map[string]func(string) (*responses.Response, error){
		"MovedPermanently":  responses.MovedPermanently,
		"Found":             responses.Found,
		"SeeOther":          responses.SeeOther,
		"TemporaryRedirect": responses.TemporaryRedirect,
		"PermanentRedirect": responses.PermanentRedirect,
		"MultipleChoices":   responses.MultipleChoices,
	}
	for name, ctor := range ctors {
		for _, loc := range safe {
			if resp, err := ctor(loc); err != nil || serve(resp, "GET").Header().Get("Location") != loc {
				t.Errorf("%s(%q): %v", name, loc, err)
			}
		}
		for _, loc := range unsafe {
			resp, err := ctor(loc)
			var fe *responses.FieldError
			if !errors.As(err, &fe) || fe.Field != "Location" || !strings.Contains(fe.Reason, "scheme") || resp != nil {
				t.Errorf("%s(%q) = %v, %v; want refused for its scheme", name, loc, resp, err)
			}
		}
	}
	// Explicitly allowed, in any case.
	for _, tt := range []struct{ loc, scheme string }{
		{"myapp://callback?code=1", "myapp"},
		{"MyApp://callback", "myapp"},
		{"ftp://example.com/", "FTP"},
		{"javascript:void(0)", "javascript"},
	} {
		if resp, err := responses.Redirect(http.StatusSeeOther, tt.loc, "other", tt.scheme); err != nil || resp.Code() != 303 {
			t.Errorf("Redirect(303, %q, %q): %v", tt.loc, tt.scheme, err)
		}
	}
	if _, err := responses.Redirect(http.StatusFound, "javascript:alert(1)", "myapp"); err == nil {
		t.Error("Redirect allowed javascript: when only myapp was")
	}
	// A 201's Location is not followed: any URI-reference.
	if _, err := responses.Created("urn:isbn:0451450523"); err != nil {
		t.Error(err)
	}
}

// TestHeaderIsACopy: changing what Header returns does not change the
// Response, so nothing unchecked reaches the wire.
func TestHeaderIsACopy(t *testing.T) {
	resp := must(responses.MethodNotAllowed("GET"))
	resp.Header().Set("Allow", "")
	resp.Header().Set("Location", "javascript:alert(1)")
	w := serve(resp, "POST")
	if w.Header().Get("Allow") != "GET" || w.Header().Get("Location") != "" {
		t.Errorf("header %v", w.Header())
	}
}

// TestCreatedWithoutLocation: a 201 without Location names the target URI
// as the new resource, which is reported at SHOULD level only.
func TestCreatedWithoutLocation(t *testing.T) {
	resp := must(responses.Created(""))
	w := serve(resp, "POST")
	if w.Code != 201 || len(w.Header().Values("Location")) != 0 {
		t.Fatalf("%d %v", w.Code, w.Header())
	}
	w.Header().Set("Date", "Sun, 06 Nov 1994 08:49:37 GMT")
	if vs := violations("POST", 201, w.Header(), false); len(vs) != 1 || !strings.Contains(vs[0], "location-missing") || !strings.Contains(vs[0], "SHOULD") {
		t.Errorf("violations %v", vs)
	}
}

func TestRetryAfterOmitted(t *testing.T) {
	for _, resp := range []*responses.Response{
		responses.ServiceUnavailable(0),
		responses.TooManyRequests(-time.Second),
		must(responses.ServiceUnavailableUntil(time.Time{})),
		responses.ServiceUnavailable(time.Second).WithRetryAfter(0),
		must(responses.ServiceUnavailable(time.Second).WithRetryAfterDate(time.Time{})),
	} {
		if v := serve(resp, "GET").Header().Values("Retry-After"); len(v) != 0 {
			t.Errorf("%d: Retry-After %q", resp.Code(), v)
		}
	}
}

// TestNoConstructorBreaksAMust serves every case of ctorTests to every
// method and asks the rules for MUST-level violations: there must be
// none. A 405 is not served to a method its own Allow lists: that
// contradiction is the caller's, who chose the methods.
func TestNoConstructorBreaksAMust(t *testing.T) {
	for _, tt := range ctorTests {
		for _, method := range []string{"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "CONNECT", "OPTIONS"} {
			if allowsRefused(tt.resp, method) {
				continue
			}
			if vs := mustViolations(t, method, tt.resp); len(vs) != 0 {
				t.Errorf("%s to %s: %v", tt.name, method, vs)
			}
		}
	}
}

// TestEarlyHintsValidForms: links in unusual valid forms are taken as
// they are (RFC 8288 §3): an empty URI-reference, a quoted rel, a
// parameter without a value, white space around ";" and "=".
func TestEarlyHintsValidForms(t *testing.T) {
	for _, l := range []string{
		`<>; rel="preload"`,
		`</a.css>;rel=preload;crossorigin`,
		`</a.css> ; rel = "preload stylesheet" ; as=style`,
		`</a;b.css>; title="a;b, \"c\""; rel=preload`,
	} {
		resp, err := responses.EarlyHints(l)
		if err != nil {
			t.Errorf("%s: %v", l, err)
			continue
		}
		if got := resp.Header().Values("Link"); len(got) != 1 || got[0] != l {
			t.Errorf("%s: Link %q", l, got)
		}
	}
}

// TestWithBodyValidTypes: media types in unusual valid forms are sent as
// given (RFC 9110 §8.3.1, §5.6.6).
func TestWithBodyValidTypes(t *testing.T) {
	for _, ct := range []string{
		`text/csv; charset="utf-8"; header=present`,
		"TEXT/PLAIN",
		"text/plain;charset=utf-8",
		"application/vnd.api+json",
		"text/plain ; a=b",
		`multipart/form-data; boundary="a b;c"`,
	} {
		resp, err := responses.OK().WithBody(ct, []byte("x"))
		if err != nil {
			t.Errorf("%s: %v", ct, err)
			continue
		}
		if got := serve(resp, "GET").Header().Get("Content-Type"); got != ct {
			t.Errorf("%s: Content-Type %q", ct, got)
		}
	}
}

// TestWithHeaderGrammar: WithHeader refuses what breaks the grammar of a
// field the package knows, and request and proxy fields; it takes their
// valid forms, a singleton replacing the value before.
func TestWithHeaderGrammar(t *testing.T) {
	for _, c := range [][2]string{
		{"Age", "5s"}, {"Age", "-1"},
		{"Expires", "0"}, {"Expires", "Sunday, 06-Nov-94 08:49:37 GMT"},
		{"Last-Modified", "Sun, 06 Nov 2094 08:49:37 GMT"}, {"Last-Modified", "yesterday"},
		{"Date", "Sunday, 06-Nov-94 08:49:37 GMT"},
		{"ETag", "abc"}, {"Link", "</a>"}, {"WWW-Authenticate", "0 !"},
		{"Vary", "Accept,,Origin"}, {"Vary", "Accept Origin"},
		{"Cache-Control", `max-age="60"`}, {"Cache-Control", "max-age=-1"}, {"Cache-Control", "no-cache; no-store"},
		{"Cache-Control", "immutable=1"}, {"Cache-Control", "public,"},
		{"Content-Encoding", "gzip,,br"}, {"Content-Language", "de_CH"}, {"Accept-Ranges", ""},
		{"Host", "example.com"}, {"Cookie", "a=b"}, {"Via", "1.1 proxy"}, {"Proxy-Status", "x"},
	} {
		resp := responses.OK()
		if _, err := resp.WithHeader(c[0], c[1]); err == nil {
			t.Errorf("%s: %q taken", c[0], c[1])
		}
		if _, ok := resp.Header()[http.CanonicalHeaderKey(c[0])]; ok {
			t.Errorf("%s: %q refused, yet set", c[0], c[1])
		}
	}
	for _, c := range [][2]string{
		{"Age", "0"}, {"Expires", "Thu, 01 Jan 1970 00:00:00 GMT"}, {"Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT"},
		{"ETag", `W/""`}, {"Link", `<>; rel="preload"`}, {"Vary", "*"}, {"Vary", "Accept, accept-encoding"},
		{"Cache-Control", `max-age=0, must-revalidate`}, {"Cache-Control", `no-cache="Set-Cookie, X-A", private`},
		{"Cache-Control", `ext="a, b; c", stale-while-revalidate=30, immutable`},
		{"Content-Encoding", "gzip, x-custom"}, {"Content-Language", "de-CH, en"}, {"Accept-Ranges", "bytes"},
		{"X-Anything", "a,,b"},
	} {
		resp, err := responses.OK().WithHeader(c[0], c[1])
		if err != nil {
			t.Errorf("%s: %q refused: %v", c[0], c[1], err)
			continue
		}
		if got := resp.Header().Values(c[0]); len(got) != 1 || got[0] != c[1] {
			t.Errorf("%s: %q", c[0], got)
		}
	}
	resp := must(must(responses.OK().WithHeader("ETag", `"a"`)).WithHeader("Etag", `"b"`))
	if got := resp.Header().Values("Etag"); len(got) != 1 || got[0] != `"b"` {
		t.Errorf("ETag set twice: %q, want the second alone", got)
	}
}
