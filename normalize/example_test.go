package normalize_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/respnorm/caddy-normalize/normalize"
)

// Check tells what a response breaks, and at what level.
func ExampleCheck() {
	h := http.Header{}
	h.Set("Date", "Sun, 06 Nov 1994 08:49:37 GMT")
	h.Set("Retry-After", "in a minute")
	req := httptest.NewRequest(http.MethodDelete, "/items/1", nil)
	for _, v := range normalize.Check(req, http.StatusMethodNotAllowed, h, true) {
		fmt.Println(v)
	}
	// Output:
	// allow-missing (RFC 9110 §15.5.6 MUST)
	// content-type-missing (RFC 9110 §8.3 SHOULD)
	// retry-after-invalid (RFC 9110 §10.2.3 MUST)
}
