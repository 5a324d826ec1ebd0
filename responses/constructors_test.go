package responses_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/respnorm/caddy-normalize/normalize"
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
	{"OK json", responses.OK().WithJSON(map[string]int{"a": 1}), 200, []string{"Content-Type: application/json"}, `{"a":1}`},
	{"OK untyped", responses.OK().WithBody("", []byte("raw")), 200, nil, "raw"},
	{"OK headers", responses.OK().WithText("x").WithHeader("Cache-Control", "no-store").WithContentLocation("/doc/1"), 200,
		[]string{"Cache-Control: no-store", "Content-Location: /doc/1"}, "x"},
	{"Created", responses.Created("/items/1").WithJSON(map[string]int{"id": 1}), 201, []string{"Location: /items/1"}, `{"id":1}`},
	{"Accepted", responses.Accepted(), 202, nil, ""},
	{"NonAuthoritativeInformation", responses.NonAuthoritativeInformation().WithText("t"), 203, nil, "t"},
	{"NoContent", responses.NoContent().WithHeader("Etag", `"v2"`), 204, []string{`Etag: "v2"`}, ""},
	{"ResetContent", responses.ResetContent(), 205, []string{"Content-Length: 0"}, ""},
	{"PartialContent", responses.PartialContent(2, 6, 10).WithBody("text/plain", []byte("23456")), 206,
		[]string{"Content-Range: bytes 2-6/10", "Content-Type: text/plain"}, "23456"},
	{"PartialContent unknown length", responses.PartialContent(0, 0, -1).WithText("a"), 206, []string{"Content-Range: bytes 0-0/*"}, "a"},
	{"MultipleChoices", responses.MultipleChoices("/en").WithHTML(`<a href="/en">en</a>`), 300, []string{"Location: /en"}, `<a href="/en">en</a>`},
	{"MovedPermanently", responses.MovedPermanently("https://example.com/new"), 301, []string{"Location: https://example.com/new"}, ""},
	{"Found", responses.Found("/login?next=%2F"), 302, []string{"Location: /login?next=%2F"}, ""},
	{"SeeOther", responses.SeeOther("/orders/7"), 303, []string{"Location: /orders/7"}, ""},
	{"NotModified", responses.NotModified().WithHeader("ETag", `"v1"`).WithHeader("Cache-Control", "max-age=60"), 304,
		[]string{`Etag: "v1"`, "Cache-Control: max-age=60"}, ""},
	{"TemporaryRedirect", responses.TemporaryRedirect("/v2/upload"), 307, []string{"Location: /v2/upload"}, ""},
	{"PermanentRedirect", responses.PermanentRedirect("../moved"), 308, []string{"Location: ../moved"}, ""},
	{"BadRequest", responses.BadRequest().WithProblem("missing field"), 400, []string{"Content-Type: text/plain; charset=utf-8", "Vary: Accept"},
		"400 Bad Request\nmissing field\n"},
	{"Unauthorized", responses.Unauthorized(`Bearer realm="api"`, `Basic realm="api", charset="UTF-8"`), 401,
		[]string{`Www-Authenticate: Bearer realm="api"`, `Www-Authenticate: Basic realm="api", charset="UTF-8"`}, ""},
	{"PaymentRequired", responses.PaymentRequired(), 402, nil, ""},
	{"Forbidden", responses.Forbidden().WithText("no"), 403, nil, "no"},
	{"NotFound", responses.NotFound(), 404, nil, ""},
	// Served to GET and HEAD: a 405 that allowed them would contradict itself
	// (allow-lists-refused).
	{"MethodNotAllowed", responses.MethodNotAllowed("POST", "PUT"), 405, []string{"Allow: POST, PUT"}, ""},
	{"MethodNotAllowed none", responses.MethodNotAllowed(), 405, []string{"Allow: "}, ""},
	{"NotAcceptable", responses.NotAcceptable(), 406, nil, ""},
	{"ProxyAuthenticationRequired", responses.ProxyAuthenticationRequired(`Basic realm="proxy"`), 407,
		[]string{`Proxy-Authenticate: Basic realm="proxy"`}, ""},
	{"RequestTimeout", responses.RequestTimeout(), 408, []string{"Connection: close"}, ""},
	{"Conflict", responses.Conflict(), 409, nil, ""},
	{"Gone", responses.Gone(), 410, nil, ""},
	{"LengthRequired", responses.LengthRequired(), 411, nil, ""},
	{"PreconditionFailed", responses.PreconditionFailed(), 412, nil, ""},
	{"ContentTooLarge", responses.ContentTooLarge().WithRetryAfter(time.Minute), 413, []string{"Retry-After: 60"}, ""},
	{"URITooLong", responses.URITooLong(), 414, nil, ""},
	{"UnsupportedMediaType", responses.UnsupportedMediaType().WithHeader("Accept", "application/json"), 415, []string{"Accept: application/json"}, ""},
	{"RangeNotSatisfiable", responses.RangeNotSatisfiable(1234), 416, []string{"Content-Range: bytes */1234"}, ""},
	{"ExpectationFailed", responses.ExpectationFailed(), 417, nil, ""},
	{"MisdirectedRequest", responses.MisdirectedRequest(), 421, nil, ""},
	{"UnprocessableContent", responses.UnprocessableContent(), 422, nil, ""},
	{"UpgradeRequired", responses.UpgradeRequired("HTTP/3.0", "h2c"), 426, []string{"Upgrade: HTTP/3.0, h2c", "Connection: upgrade"}, ""},
	{"PreconditionRequired", responses.PreconditionRequired(), 428, nil, ""},
	{"TooManyRequests", responses.TooManyRequests(1500 * time.Millisecond), 429, []string{"Retry-After: 2"}, ""},
	{"RequestHeaderFieldsTooLarge", responses.RequestHeaderFieldsTooLarge(), 431, nil, ""},
	{"UnavailableForLegalReasons", responses.UnavailableForLegalReasons("https://authority.example/orders/1"), 451,
		[]string{`Link: <https://authority.example/orders/1>; rel="blocked-by"`}, ""},
	{"InternalServerError", responses.InternalServerError(), 500, nil, ""},
	{"NotImplemented", responses.NotImplemented(), 501, nil, ""},
	{"BadGateway", responses.BadGateway().WithProblem("upstream reset").WithFormat(responses.FormatProblem), 502,
		[]string{"Content-Type: application/problem+json", "X-Content-Type-Options: nosniff"},
		`{"type":"about:blank","title":"Bad Gateway","status":502,"detail":"upstream reset"}`},
	{"ServiceUnavailable", responses.ServiceUnavailable(2 * time.Minute), 503, []string{"Retry-After: 120"}, ""},
	{"ServiceUnavailableUntil", responses.ServiceUnavailableUntil(until), 503, []string{"Retry-After: Wed, 02 Jan 2030 03:04:05 GMT"}, ""},
	{"GatewayTimeout", responses.GatewayTimeout(), 504, nil, ""},
	{"HTTPVersionNotSupported", responses.HTTPVersionNotSupported(), 505, nil, ""},
	{"NetworkAuthenticationRequired", responses.NetworkAuthenticationRequired(), 511, nil, ""},
	{"New", responses.New(299), 299, nil, ""},
}

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
			if err := tt.resp.Err(); err != nil {
				t.Fatalf("Err: %v", err)
			}
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
	want := hdr(lines...)
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
			vs := normalize.Check(httptest.NewRequest(method, "/", nil), res.code, res.header, len(res.body) > 0)
			if tt.name == "OK untyped" && len(vs) == 1 && vs[0].Rule == normalize.RuleContentTypeMissing {
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
		{responses.NotModified().WithHeader("Etag", `"x"`), nil},
		// Content given to them is refused and not sent.
		{responses.NoContent().WithText("dropped"), nil},
		{responses.ResetContent().WithHTML("<p>dropped</p>"), []string{"0"}},
		{responses.NotModified().WithProblem("dropped"), nil},
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
			if vs := normalize.Check(httptest.NewRequest(method, "/", nil), res.code, res.header, false); len(vs) != 0 {
				t.Errorf("%d %s: violations %v", tt.resp.Code(), method, vs)
			}
		}
		srv.Close()
	}
}

func TestEarlyHints(t *testing.T) {
	const link = "</style.css>; rel=preload; as=style"
	hints := responses.EarlyHints(link, "</app.js>; rel=preload; as=script")
	if err := hints.Err(); err != nil {
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
	responses.MethodNotAllowed("GET").ServeHTTP(w, httptest.NewRequest("POST", "/", nil))
	h := w.Header()
	if h.Get("Allow") != "GET" || h.Get("Content-Type") != "" || h.Get("Content-Length") != "0" ||
		h.Get("Transfer-Encoding") != "" || h.Get("X-Kept") != "yes" {
		t.Errorf("header %v", h)
	}
}

func TestServeConcurrently(t *testing.T) {
	resp := responses.ServiceUnavailable(time.Second).WithHeader("Cache-Control", "no-store").WithProblem("busy")
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

// TestRefusedValues checks the documented handling of bad input: the value
// is not sent and Err reports it.
func TestRefusedValues(t *testing.T) {
	tests := []struct {
		name   string
		resp   *responses.Response
		code   int
		field  string   // the field Err names
		sent   []string // "Name: value" lines still sent
		absent string   // a field that must not be sent
	}{
		{"Created bad location", responses.Created("/a b"), 201, "Location", nil, "Location"},
		{"Found empty", responses.Found(""), 302, "Location", nil, "Location"},
		{"SeeOther CRLF", responses.SeeOther("/x\r\nSet-Cookie: a=b"), 303, "Location", nil, "Location"},
		{"MultipleChoices bad", responses.MultipleChoices("/%zz"), 300, "Location", nil, "Location"},
		{"Unauthorized none", responses.Unauthorized(), 401, "Www-Authenticate", nil, "Www-Authenticate"},
		{"Unauthorized bad", responses.Unauthorized("Bearer\r\nX: y", "Basic"), 401, "Www-Authenticate", []string{"Www-Authenticate: Basic"}, ""},
		{"Unauthorized no scheme", responses.Unauthorized(` realm="x"`), 401, "Www-Authenticate", nil, "Www-Authenticate"},
		{"ProxyAuthenticationRequired none", responses.ProxyAuthenticationRequired(), 407, "Proxy-Authenticate", nil, "Proxy-Authenticate"},
		{"MethodNotAllowed bad", responses.MethodNotAllowed("GET", "BAD METHOD"), 405, "Allow", []string{"Allow: GET"}, ""},
		{"UpgradeRequired none", responses.UpgradeRequired(), 426, "Upgrade", nil, "Upgrade"},
		{"UpgradeRequired bad", responses.UpgradeRequired("h2c/"), 426, "Upgrade", nil, "Connection"},
		{"PartialContent backwards", responses.PartialContent(5, 1, 10), 206, "Content-Range", nil, "Content-Range"},
		{"PartialContent negative", responses.PartialContent(-1, 1, 10), 206, "Content-Range", nil, "Content-Range"},
		{"PartialContent past end", responses.PartialContent(0, 10, 10), 206, "Content-Range", nil, "Content-Range"},
		{"RangeNotSatisfiable negative", responses.RangeNotSatisfiable(-1), 416, "Content-Range", nil, "Content-Range"},
		{"UnavailableForLegalReasons bad", responses.UnavailableForLegalReasons("https://x/ y"), 451, "Link", nil, "Link"},
		{"EarlyHints bad", responses.EarlyHints("/style.css"), 103, "Link", nil, "Link"},
		{"WithHeader name", responses.OK().WithHeader("Bad Name", "v"), 200, "Bad Name", nil, "Bad Name"},
		{"WithHeader value", responses.OK().WithHeader("X-A", "b\r\nc"), 200, "X-A", nil, "X-A"},
		{"WithHeader padded", responses.OK().WithHeader("X-A", " b"), 200, "X-A", nil, "X-A"},
		{"WithHeader framing", responses.OK().WithHeader("content-length", "5"), 200, "Content-Length", []string{"Content-Length: 0"}, ""},
		{"WithContentLocation fragment", responses.OK().WithContentLocation("/a#b"), 200, "Content-Location", nil, "Content-Location"},
		{"WithContentLocation empty", responses.OK().WithContentLocation(""), 200, "Content-Location", nil, "Content-Location"},
		{"WithBody type", responses.OK().WithBody("not a type", []byte("x")), 200, "Content-Type", []string{"Content-Length: 0"}, "Content-Type"},
		{"WithRetryAfterDate year", responses.ServiceUnavailableUntil(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)), 503, "Retry-After", nil, "Retry-After"},
	}
	for _, tt := range tests {
		var fe *responses.FieldError
		if err := tt.resp.Err(); !errors.As(err, &fe) || fe.Field != tt.field || !strings.Contains(err.Error(), tt.field) {
			t.Errorf("%s: Err = %v, want a FieldError on %s", tt.name, err, tt.field)
		}
		w := serve(tt.resp, "GET")
		if w.Code != tt.code {
			t.Errorf("%s: status %d", tt.name, w.Code)
		}
		checkFields(t, tt.name, w.Header(), tt.sent)
		if tt.absent != "" && len(w.Header().Values(tt.absent)) != 0 {
			t.Errorf("%s: %s sent: %q", tt.name, tt.absent, w.Header().Values(tt.absent))
		}
	}
}

func TestRefusedStatusAndContent(t *testing.T) {
	tests := []struct {
		name   string
		resp   *responses.Response
		code   int
		target error
	}{
		{"New 600", responses.New(600), 500, responses.ErrStatus},
		{"New 99", responses.New(99), 500, responses.ErrStatus},
		{"New 306", responses.New(306), 306, responses.ErrStatus},
		{"New 418", responses.New(418), 418, responses.ErrStatus},
		{"New 101", responses.New(101), 101, responses.ErrStatus},
		{"NoContent text", responses.NoContent().WithText("x"), 204, responses.ErrContentForbidden},
		{"ResetContent json", responses.ResetContent().WithJSON(1), 205, responses.ErrContentForbidden},
		{"NotModified problem", responses.NotModified().WithProblem("x"), 304, responses.ErrContentForbidden},
		{"EarlyHints body", responses.EarlyHints().WithText("x"), 103, responses.ErrContentForbidden},
		{"bad format", responses.NotFound().WithFormat(responses.Format(9)), 404, responses.ErrFormat},
	}
	for _, tt := range tests {
		if err := tt.resp.Err(); !errors.Is(err, tt.target) {
			t.Errorf("%s: Err = %v, want %v", tt.name, err, tt.target)
		}
		if tt.resp.Code() != tt.code {
			t.Errorf("%s: Code = %d, want %d", tt.name, tt.resp.Code(), tt.code)
		}
	}
	if err := responses.OK().WithJSON(make(chan int)).Err(); err == nil {
		t.Error("WithJSON of a channel: no error")
	}
	if resp := responses.New(600); serve(resp, "GET").Code != 500 {
		t.Error("New(600) not served as 500")
	}
}

// TestCreatedWithoutLocation: a 201 without Location names the target URI
// as the new resource, which Check reports at SHOULD level only.
func TestCreatedWithoutLocation(t *testing.T) {
	resp := responses.Created("")
	if err := resp.Err(); err != nil {
		t.Fatal(err)
	}
	w := serve(resp, "POST")
	if w.Code != 201 || len(w.Header().Values("Location")) != 0 {
		t.Fatalf("%d %v", w.Code, w.Header())
	}
	w.Header().Set("Date", date)
	vs := normalize.Check(httptest.NewRequest("POST", "/", nil), 201, w.Header(), false)
	if len(vs) != 1 || vs[0].Rule != normalize.RuleLocationMissing || vs[0].Level() != responses.Should {
		t.Errorf("violations %v", vs)
	}
}

func TestRetryAfterOmitted(t *testing.T) {
	for _, resp := range []*responses.Response{
		responses.ServiceUnavailable(0),
		responses.TooManyRequests(-time.Second),
		responses.ServiceUnavailableUntil(time.Time{}),
		responses.ServiceUnavailable(time.Second).WithRetryAfter(0),
	} {
		if err := resp.Err(); err != nil {
			t.Errorf("%d: %v", resp.Code(), err)
		}
		if v := serve(resp, "GET").Header().Values("Retry-After"); len(v) != 0 {
			t.Errorf("%d: Retry-After %q", resp.Code(), v)
		}
	}
}
