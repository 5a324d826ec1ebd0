package responses_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/respnorm/caddy-normalize/normalize"
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
	for _, v := range normalize.Check(httptest.NewRequest(method, "/", nil), code, h, hasContent) {
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

// allowsRefused reports whether resp is a 405 whose own Allow lists
// method: served to that method it would contradict itself
// (allow-lists-refused), which is the choice of the caller who named the
// methods, not a fault of the constructor.
func allowsRefused(resp *responses.Response, method string) bool {
	if resp.Code() != http.StatusMethodNotAllowed {
		return false
	}
	for _, v := range resp.Header().Values("Allow") {
		for _, m := range strings.Split(v, ",") {
			if strings.TrimSpace(m) == method || (method == "HEAD" && strings.TrimSpace(m) == "GET") {
				return true
			}
		}
	}
	return false
}
