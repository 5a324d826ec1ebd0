package responses_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/respnorm/caddy-normalize/responses"
)

// A plain net/http handler answers each method with the constructor of
// its status; each takes what the specification requires of that status.
func Example() {
	items := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			responses.OK().WithText("item 42\n").ServeHTTP(w, r)
		case http.MethodPost:
			responses.Created("/items/42").WithJSON(map[string]int{"id": 42}).ServeHTTP(w, r)
		case http.MethodDelete:
			responses.NoContent().ServeHTTP(w, r)
		default:
			responses.MethodNotAllowed("GET", "HEAD", "POST", "DELETE").ServeHTTP(w, r)
		}
	})
	for _, method := range []string{"GET", "HEAD", "POST", "DELETE", "PUT"} {
		w := httptest.NewRecorder()
		items.ServeHTTP(w, httptest.NewRequest(method, "/items/42", nil))
		fmt.Printf("%s: %d Content-Length=%q", method, w.Code, w.Header().Get("Content-Length"))
		for _, name := range []string{"Location", "Allow"} {
			if v := w.Header().Get(name); v != "" {
				fmt.Printf(" %s=%q", name, v)
			}
		}
		fmt.Printf(" body=%q\n", w.Body)
	}
	// Output:
	// GET: 200 Content-Length="8" body="item 42\n"
	// HEAD: 200 Content-Length="8" body=""
	// POST: 201 Content-Length="9" Location="/items/42" body="{\"id\":42}"
	// DELETE: 204 Content-Length="" body=""
	// PUT: 405 Content-Length="0" Allow="GET, HEAD, POST, DELETE" body=""
}

func ExampleServiceUnavailable() {
	maintenance := responses.ServiceUnavailable(90 * time.Second).WithProblem("down for maintenance")
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Accept", "application/problem+json")
	maintenance.ServeHTTP(w, r)
	fmt.Println(w.Code, w.Header().Get("Retry-After"), w.Header().Get("Content-Type"))
	fmt.Println(w.Body)
	// Output:
	// 503 90 application/problem+json
	// {"type":"about:blank","title":"Service Unavailable","status":503,"detail":"down for maintenance"}
}

func ExampleUnauthorized() {
	w := httptest.NewRecorder()
	responses.Unauthorized(`Bearer realm="api"`, `Basic realm="api"`).ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	fmt.Println(w.Code, w.Header().Values("WWW-Authenticate"))
	// Output:
	// 401 [Bearer realm="api" Basic realm="api"]
}

// Bad input is not sent; Err says what was refused.
func ExampleResponse_Err() {
	resp := responses.Found("/search?q=a b")
	fmt.Println(resp.Err())
	fmt.Println(responses.Found(responses.RepairLocation("/search?q=a b")).Header().Get("Location"))
	// Output:
	// responses: Location "/search?q=a b": not a URI-reference (see RepairLocation)
	// /search?q=a%20b
}

// WriteError negotiates the body of a generated error on Accept.
func ExampleWriteError() {
	for _, accept := range []string{
		"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", // a browser
		"*/*",              // curl
		"application/json", // an API client
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Accept", accept)
		w := httptest.NewRecorder()
		responses.WriteError(w, r, http.StatusBadGateway, "upstream timed out", responses.FormatAuto)
		fmt.Println(w.Code, w.Header().Get("Content-Type"), "| Vary:", w.Header().Get("Vary"))
	}
	w := httptest.NewRecorder()
	responses.WriteError(w, httptest.NewRequest("GET", "/", nil), http.StatusBadGateway, "upstream timed out", responses.FormatAuto)
	fmt.Print(w.Body)
	// Output:
	// 502 text/html; charset=utf-8 | Vary: Accept
	// 502 text/plain; charset=utf-8 | Vary: Accept
	// 502 application/json | Vary: Accept
	// 502 Bad Gateway
	// upstream timed out
}

func ExampleNegotiate() {
	fmt.Println(responses.Negotiate("application/json, text/plain, */*"))
	fmt.Println(responses.Negotiate("text/html;q=0, */*"))
	// Output:
	// json
	// text
}

func ExampleLookup() {
	s, _ := responses.Lookup(http.StatusMethodNotAllowed)
	fmt.Println(s.Code, s.Reason, s.Ref(), "cacheable:", s.Cacheable)
	for _, f := range s.Fields {
		fmt.Println(" ", f.Level, f.Name)
	}
	// Output:
	// 405 Method Not Allowed RFC 9110 §15.5.6 cacheable: true
	//   MUST Allow
	//   MUST Date
}
