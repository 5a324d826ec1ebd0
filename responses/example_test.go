package responses_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"

	"github.com/respnorm/caddy-normalize/responses"
)

// A plain net/http handler answers each method with the constructor of
// its status; each takes what the specification requires of that status.
// A value written in the program goes through MustBuild, once; one that
// comes from data is checked, and its error handled, where it is used.
func Example() {
	notAllowed := responses.MustBuild(responses.MethodNotAllowed("GET", "HEAD", "POST", "DELETE"))
	items := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			responses.OK().WithText("item 42\n").ServeHTTP(w, r)
		case http.MethodPost:
			id := 42 // from the database
			resp, err := responses.Created("/items/" + strconv.Itoa(id))
			if err == nil {
				resp, err = resp.WithJSON(map[string]int{"id": id})
			}
			if err != nil {
				responses.InternalServerError().WithProblem("").ServeHTTP(w, r)
				return
			}
			resp.ServeHTTP(w, r)
		case http.MethodDelete:
			responses.NoContent().ServeHTTP(w, r)
		default:
			notAllowed.ServeHTTP(w, r)
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

// A 401 takes at least one challenge: the signature asks for the first.
func ExampleUnauthorized() {
	unauthorized := responses.MustBuild(responses.Unauthorized(`Bearer realm="api"`, `Basic realm="api"`))
	w := httptest.NewRecorder()
	unauthorized.ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	fmt.Println(w.Code, w.Header().Values("WWW-Authenticate"))

	_, err := responses.Unauthorized(`realm="api"`) // no auth-scheme
	fmt.Println(err)
	// Output:
	// 401 [Bearer realm="api" Basic realm="api"]
	// responses: Www-Authenticate "realm=\"api\"": not a challenge: auth-scheme [ SP parameters ]
}

// A location from data may be refused; nothing is sent without it.
// RepairLocation percent-encodes what a URI-reference cannot hold.
func ExampleFound() {
	next := "/search?q=a b" // from the request
	_, err := responses.Found(next)
	fmt.Println(err)

	resp, err := responses.Found(responses.RepairLocation(next))
	fmt.Println(resp.Header().Get("Location"), err)
	// Output:
	// responses: Location "/search?q=a b": not a URI-reference (see RepairLocation)
	// /search?q=a%20b <nil>
}

// A redirect goes to http, https or a relative reference; another scheme
// must be allowed by name.
func ExampleRedirect() {
	_, err := responses.Found("javascript:alert(1)")
	fmt.Println(err)

	resp, err := responses.Redirect(http.StatusFound, "myapp://signed-in", "myapp")
	fmt.Println(resp.Code(), resp.Header().Get("Location"), err)
	// Output:
	// responses: Location "javascript:alert(1)": scheme "javascript" is not one a redirect may take: http, https, or one allowed by Redirect
	// 302 myapp://signed-in <nil>
}

// PartialContent derives Content-Range from the part it is given, so the
// two cannot disagree.
func ExamplePartialContent() {
	doc := []byte("0123456789")
	resp, err := responses.PartialContent(2, int64(len(doc)), "text/plain", doc[2:7])
	if err != nil {
		panic(err)
	}
	w := httptest.NewRecorder()
	resp.ServeHTTP(w, httptest.NewRequest("GET", "/doc", nil))
	fmt.Println(w.Code, w.Header().Get("Content-Range"), w.Header().Get("Content-Length"), w.Body)
	// Output:
	// 206 bytes 2-6/10 5 23456
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

// What the catalogue says of a code is the caller's copy: changing it
// changes nothing for anyone else.
func ExampleStatus_Requires() {
	s, _ := responses.Lookup(http.StatusUnauthorized)
	fmt.Println(s.Requires("WWW-Authenticate"), s.Requires("Retry-After") == 0)
	s.Fields[0].Level = responses.May

	again, _ := responses.Lookup(http.StatusUnauthorized)
	fmt.Println(again.Requires("WWW-Authenticate"))
	// Output:
	// MUST true
	// MUST
}

// A problem body is negotiated on Accept when the Response is served.
func ExampleResponse_WithProblem() {
	notFound := responses.NotFound().WithProblem("no item 42")
	for _, accept := range []string{"application/problem+json", "text/html", ""} {
		r := httptest.NewRequest("GET", "/items/42", nil)
		r.Header.Set("Accept", accept)
		w := httptest.NewRecorder()
		notFound.ServeHTTP(w, r)
		fmt.Println(w.Code, w.Header().Get("Content-Type"))
	}
	// Output:
	// 404 application/problem+json
	// 404 text/html; charset=utf-8
	// 404 text/plain; charset=utf-8
}
