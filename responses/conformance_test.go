package responses_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/respnorm/caddy-normalize/responses"
)

// The one place the tests of this package judge a response against the
// rules of the specification: the rest go through violations and
// mustViolations, so that re-pointing them to another rule engine
// re-points every test.

// violations returns the requirements a response with status code and
// header fields h, to a request with method, breaks, each as
// "rule-id (RFC 9110 §x.y LEVEL)". hasContent says whether content
// follows the header section.
func violations(method string, code int, h http.Header, hasContent bool) []string {
	var out []string
	for _, v := range responses.Check(method, code, h, hasContent) {
		out = append(out, v.String())
	}
	return out
}

// mustViolations serves resp to a request with method and returns the
// MUST-level requirements the response breaks, as violations writes them.
func mustViolations(t testing.TB, method string, resp *responses.Response) []string {
	t.Helper()
	w := httptest.NewRecorder()
	resp.ServeHTTP(w, httptest.NewRequest(method, "/", nil))
	res := w.Result()
	var out []string
	for _, v := range violations(method, res.StatusCode, res.Header, w.Body.Len() > 0) {
		if strings.HasSuffix(v, " MUST)") {
			out = append(out, v)
		}
	}
	return out
}
