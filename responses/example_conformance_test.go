package responses_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/respnorm/caddy-normalize/normalize"
	"github.com/respnorm/caddy-normalize/responses"
)

// A service's own tests can judge its handlers by the rules that
// normalize enforces in front of services: package normalize/conformtest
// fails a test on a MUST, and normalize.CheckResponse lists what a
// response breaks, with the rule's id, level and section. Here a handler
// built with the constructors passes; the same handler written by hand
// does not.
func Example_conformance() {
	notAllowed := responses.MustBuild(responses.MethodNotAllowed("GET", "HEAD"))
	login := responses.MustBuild(responses.Found("/login"))
	built := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method != http.MethodGet && r.Method != http.MethodHead:
			notAllowed.ServeHTTP(w, r)
		case r.Header.Get("Authorization") == "":
			login.ServeHTTP(w, r)
		default:
			responses.OK().WithText("item 42\n").ServeHTTP(w, r)
		}
	})
	byHand := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method != http.MethodGet && r.Method != http.MethodHead:
			http.Error(w, "not allowed", http.StatusMethodNotAllowed)
		case r.Header.Get("Authorization") == "":
			w.WriteHeader(http.StatusFound)
		default:
			fmt.Fprintln(w, "item 42")
		}
	})
	for _, h := range []struct {
		name    string
		handler http.Handler
	}{{"built", built}, {"by hand", byHand}} {
		fmt.Println(h.name + ":")
		for _, method := range []string{"GET", "DELETE"} {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(method, "/items/42", nil)
			h.handler.ServeHTTP(rec, req)
			// In a test: conformtest.CheckRecorder(t, rec, req).
			resp := rec.Result()
			resp.Request = req
			vs := normalize.CheckResponse(resp)
			if vs == nil {
				fmt.Printf("  %s %d: conformant\n", method, resp.StatusCode)
			}
			for _, v := range vs {
				fmt.Printf("  %s %d: %s, %s of %s\n", method, resp.StatusCode, v.Rule.ID(), v.Level(), v.Ref())
			}
		}
	}
	// Output:
	// built:
	//   GET 302: conformant
	//   DELETE 405: conformant
	// by hand:
	//   GET 302: location-missing, SHOULD of RFC 9110 §15.4
	//   DELETE 405: allow-missing, MUST of RFC 9110 §15.5.6
}
