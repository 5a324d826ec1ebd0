package normalize_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/respnorm/caddy-normalize/normalize"
)

// CheckResponse judges what a client received. A legacy handler answers
// a refused method without Allow, and says when to retry in words.
func ExampleCheckResponse() {
	legacy := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Retry-After", "in a minute")
		http.Error(w, "busy", http.StatusServiceUnavailable)
	})
	srv := httptest.NewServer(legacy)
	defer srv.Close()

	for _, method := range []string{"GET", "DELETE"} {
		req, _ := http.NewRequest(method, srv.URL+"/items/42", nil)
		resp, err := srv.Client().Do(req)
		if err != nil {
			panic(err)
		}
		for _, v := range normalize.CheckResponse(resp) {
			fmt.Printf("%s %d: %s, %s of %s\n", method, resp.StatusCode, v.Rule.ID(), v.Level(), v.Ref())
		}
		resp.Body.Close()
	}
	// Output:
	// GET 503: retry-after-invalid, MUST of RFC 9110 §10.2.3
	// DELETE 405: allow-missing, MUST of RFC 9110 §15.5.6
}
