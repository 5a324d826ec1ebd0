package conformtest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/respnorm/caddy-normalize/normalize/conformtest"
	"github.com/respnorm/caddy-normalize/responses"
)

// items is the handler under test. The constructors of package responses
// take what each status requires; the 405 written by hand for PUT forgets
// Allow, and the 302 its Location.
var items = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		responses.OK().WithText("item 42\n").ServeHTTP(w, r)
	case http.MethodDelete:
		responses.NoContent().ServeHTTP(w, r)
	case http.MethodPut:
		http.Error(w, "read-only", http.StatusMethodNotAllowed)
	case http.MethodPost:
		w.WriteHeader(http.StatusFound)
	default:
		notAllowed.ServeHTTP(w, r)
	}
})

var notAllowed = responses.MustBuild(responses.MethodNotAllowed("GET", "HEAD", "DELETE"))

// testItems is the body of the service's test, func TestItems(t
// *testing.T): every method, every response checked.
func testItems(t testing.TB) {
	for _, method := range []string{"GET", "HEAD", "DELETE", "PUT", "POST", "PATCH"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(method, "/items/42", nil)
		items.ServeHTTP(rec, req)
		conformtest.CheckRecorder(t, rec, req)
	}
}

// A MUST fails the test, a SHOULD is logged.
func ExampleCheckRecorder() {
	testItems(printT{}) // in the test: testItems(t)
	// Output:
	// FAIL: 405 to PUT breaks allow-missing (RFC 9110 §15.5.6 MUST): no Allow on 405
	// log: 302 to POST breaks location-missing (RFC 9110 §15.4 SHOULD): no Location on a redirect or a 201 to POST
}

// printT prints what a test would report, for the example.
type printT struct{ testing.TB }

func (printT) Helper()                           {}
func (printT) Errorf(format string, args ...any) { fmt.Printf("FAIL: "+format+"\n", args...) }
func (printT) Logf(format string, args ...any)   { fmt.Printf("log: "+format+"\n", args...) }
