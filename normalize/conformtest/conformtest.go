// Package conformtest checks, in a Go service's own tests, that its
// handlers' responses keep the requirements of the HTTP specifications
// that package normalize enforces in front of services that do not: the
// same rules, from the same registry, with the same ids, sections and
// levels.
//
// Check judges a response a client received, from an httptest.Server or
// any server; CheckRecorder judges what a handler wrote to an
// httptest.ResponseRecorder:
//
//	func TestDeleteItem(t *testing.T) {
//		rec := httptest.NewRecorder()
//		req := httptest.NewRequest("DELETE", "/items/42", nil)
//		items.ServeHTTP(rec, req)
//		conformtest.CheckRecorder(t, rec, req)
//	}
//
// A broken MUST fails the test; a broken SHOULD, and a MAY, are logged.
// For the violations themselves, use normalize.CheckResponse.
//
// The two judge different things. A recorder keeps what the handler
// wrote, as normalize sees it behind Caddy: content written for a HEAD
// or a 204, say, which net/http's server drops on the way
// out. A client sees what the server sent, after the server's own
// repairs.
package conformtest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/respnorm/caddy-normalize/normalize"
	"github.com/respnorm/caddy-normalize/responses"
)

// Check reports each rule resp breaks: a MUST as an error of t, which
// fails the test and lets it go on, a SHOULD or a MAY in t's log. It
// judges resp as normalize.CheckResponse does, and leaves resp.Body whole
// for the caller.
func Check(t testing.TB, resp *http.Response) {
	t.Helper()
	report(t, resp, normalize.CheckResponse(resp))
}

// CheckRecorder is Check for the response a handler wrote to rec in
// answer to req (nil: a GET over HTTP/1.1). Call it after the handler has
// returned.
func CheckRecorder(t testing.TB, rec *httptest.ResponseRecorder, req *http.Request) {
	t.Helper()
	resp := *rec.Result() // a copy, with a body of its own: Result is rec's
	resp.Request = req
	resp.Body = http.NoBody
	if rec.Body != nil && rec.Body.Len() > 0 {
		resp.Body = io.NopCloser(bytes.NewReader(rec.Body.Bytes()))
	}
	if req != nil {
		resp.Proto, resp.ProtoMajor, resp.ProtoMinor = req.Proto, req.ProtoMajor, req.ProtoMinor
	}
	report(t, &resp, normalize.CheckResponse(&resp))
}

// report writes vs to t, naming the response they were found in.
func report(t testing.TB, resp *http.Response, vs []normalize.Violation) {
	t.Helper()
	method := http.MethodGet
	if resp.Request != nil && resp.Request.Method != "" {
		method = resp.Request.Method
	}
	for _, v := range vs {
		switch v.Level() {
		case responses.Must:
			t.Errorf("%d to %s breaks %s: %s", resp.StatusCode, method, v, v.Rule.Summary())
		case responses.Should:
			t.Logf("%d to %s breaks %s: %s", resp.StatusCode, method, v, v.Rule.Summary())
		default: // a MAY is not a violation
			t.Logf("%d to %s, advisory %s: %s", resp.StatusCode, method, v, v.Rule.Summary())
		}
	}
}
