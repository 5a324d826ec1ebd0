package normalize_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/respnorm/caddy-normalize/normalize"
)

// An AllowLearner lets the Allow added to a 405 follow what the origin
// said of the resource: the methods it refused there are left out.
func ExampleNewAllowLearner() {
	n, err := normalize.New(normalize.Options{
		Allow:      []string{"GET", "HEAD", "POST", "PUT", "DELETE"},
		LearnAllow: normalize.NewAllowLearner(1000, 10*time.Minute),
	})
	if err != nil {
		panic(err)
	}
	// An origin that refuses every method on /orders/7 with a bare 405.
	origin := n.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusMethodNotAllowed)
	}))
	for _, method := range []string{"DELETE", "PUT", "POST"} {
		rec := httptest.NewRecorder()
		origin.ServeHTTP(rec, httptest.NewRequest(method, "/orders/7", nil))
		fmt.Printf("%s: Allow: %s\n", method, rec.Header().Get("Allow"))
	}
	// Output:
	// DELETE: Allow: GET, HEAD, POST, PUT
	// PUT: Allow: GET, HEAD, POST
	// POST: Allow: GET, HEAD
}
