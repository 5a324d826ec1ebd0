package conformtest_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/respnorm/caddy-normalize/normalize/conformtest"
	"github.com/respnorm/caddy-normalize/responses"
)

// recordingTB is a testing.TB that records what Check reports instead of
// failing the test that runs it. Check calls only Helper, Errorf and
// Logf: any other method panics on the nil TB.
type recordingTB struct {
	testing.TB
	errors, logs []string
}

func (r *recordingTB) Helper() {}
func (r *recordingTB) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recordingTB) Logf(format string, args ...any) {
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}

// reply is a handler that writes code, then fields (name, value pairs)
// and body.
func reply(code int, body string, fields ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(fields); i += 2 {
			w.Header().Add(fields[i], fields[i+1])
		}
		w.WriteHeader(code)
		io.WriteString(w, body)
	}
}

var checkTests = []struct {
	name    string
	method  string
	h       http.Handler
	errors  string // what fails the test, one line each
	logs    string // what is logged
	dropped bool   // net/http's servers drop the content: no client sees it
	content string
}{
	{"constructor 405", "DELETE", responses.MustBuild(responses.MethodNotAllowed("GET", "HEAD")), "", "", false, ""},
	{"constructor 201", "POST", responses.MustBuild(responses.Created("/items/1")), "", "", false, ""},
	{"constructor 204 to HEAD", "HEAD", responses.NoContent(), "", "", false, ""},
	{"304 with Content-Length and weak ETag", "GET", reply(304, "", "Content-Length", "1234", "ETag", `W/"v1"`), "", "", false, ""},
	{"HEAD with Content-Length", "HEAD", reply(200, "", "Content-Length", "1234"), "", "", false, ""},
	{"chunked", "GET", reply(200, "hello", "Transfer-Encoding", "chunked", "Content-Type", "text/plain"), "", "", false, "hello"},
	{"405 without Allow", "DELETE", reply(405, "no", "Content-Type", "text/plain"),
		"405 to DELETE breaks allow-missing (RFC 9110 §15.5.6 MUST): no Allow on 405", "", false, "no"},
	{"302 without Location", "GET", reply(302, ""),
		"", "302 to GET breaks location-missing (RFC 9110 §15.4 SHOULD): no Location on a redirect or a 201 to POST", false, ""},
	{"503 without Retry-After", "GET", reply(503, "busy", "Content-Type", "text/plain"),
		"", "503 to GET, advisory retry-after-missing (RFC 9110 §10.2.3 MAY): no Retry-After on 503 or 429 (advisory)", false, "busy"},
	{"204 with content", "GET", reply(204, "oops"),
		"204 to GET breaks content-forbidden (RFC 9110 §8.6 MUST): content or framing on 1xx, 204, 304 or a 2xx to CONNECT", "", true, "oops"},
	{"HEAD with content", "HEAD", reply(200, "oops"),
		"200 to HEAD breaks head-content (RFC 9110 §9.3.2 MUST): content in a response to HEAD", "", true, "oops"},
}

// TestCheckRecorder: a MUST fails the test, a SHOULD is logged, a MAY
// is logged as an advisory, a
// conformant response in an unusual form gives nothing, and the recorder
// still holds the whole body afterwards.
func TestCheckRecorder(t *testing.T) {
	for _, tt := range checkTests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(tt.method, "/", nil)
			tt.h.ServeHTTP(rec, req)
			var tb recordingTB
			conformtest.CheckRecorder(&tb, rec, req)
			if got := strings.Join(tb.errors, "\n"); got != tt.errors {
				t.Errorf("errors:\n%s\nwant:\n%s", got, tt.errors)
			}
			if got := strings.Join(tb.logs, "\n"); got != tt.logs {
				t.Errorf("logs:\n%s\nwant:\n%s", got, tt.logs)
			}
			if body, _ := io.ReadAll(rec.Result().Body); string(body) != tt.content || rec.Body.String() != tt.content {
				t.Errorf("after the check, Result().Body = %q and Body = %q, want %q", body, rec.Body, tt.content)
			}
		})
	}
}

// TestCheck judges what a client receives from a real server, over
// HTTP/1.1 and HTTP/2. What a recorder keeps and net/http's servers drop
// (content on 204 or HEAD) does not reach a client. The body the caller
// reads after the check is the one it reads without: the same bytes, the
// same error.
func TestCheck(t *testing.T) {
	mux := http.NewServeMux()
	for i, tt := range checkTests {
		mux.Handle(fmt.Sprintf("/%d", i), tt.h)
	}
	h1 := httptest.NewServer(mux)
	defer h1.Close()
	h2 := httptest.NewUnstartedServer(mux)
	h2.EnableHTTP2 = true
	h2.StartTLS()
	defer h2.Close()
	for _, srv := range []*httptest.Server{h1, h2} {
		for i, tt := range checkTests {
			get := func() *http.Response {
				req, _ := http.NewRequest(tt.method, fmt.Sprintf("%s/%d", srv.URL, i), nil)
				resp, err := srv.Client().Do(req)
				if err != nil {
					t.Fatal(err)
				}
				return resp
			}
			resp := get()
			wantBody, wantErr := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !tt.dropped && tt.method != "HEAD" && string(wantBody) != tt.content {
				t.Errorf("%s over %s: the handler sent %q, want %q", tt.name, resp.Proto, wantBody, tt.content)
			}

			resp = get()
			var tb recordingTB
			conformtest.Check(&tb, resp)
			want := tt.errors
			if tt.dropped {
				want = ""
			}
			if got := strings.Join(tb.errors, "\n"); got != want {
				t.Errorf("%s over %s: errors:\n%s\nwant:\n%s", tt.name, resp.Proto, got, want)
			}
			if got := strings.Join(tb.logs, "\n"); got != tt.logs {
				t.Errorf("%s over %s: logs:\n%s\nwant:\n%s", tt.name, resp.Proto, got, tt.logs)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(body) != string(wantBody) || fmt.Sprint(err) != fmt.Sprint(wantErr) {
				t.Errorf("%s over %s: body after the check = %q, %v; without = %q, %v", tt.name, resp.Proto, body, err, wantBody, wantErr)
			}
		}
	}
}
