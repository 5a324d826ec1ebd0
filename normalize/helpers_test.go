package normalize

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// guard bounds every blocking step of a test, so that a broken wrapper
// fails the test instead of hanging it. It is never used to assert on
// timing.
const guard = 10 * time.Second

// fixedDate is the Date every test handler sends, so that two responses
// served a second apart are still byte-identical.
const fixedDate = "Sun, 06 Nov 1994 08:49:37 GMT"

// ev is an Event without its Request, for comparing.
type ev struct {
	Rule   Rule
	Action Action
	Status int
}

func (e ev) String() string { return fmt.Sprintf("{%s %s %d}", e.Rule, e.Action, e.Status) }

// eventLog collects the Events of a Normalizer.
type eventLog struct {
	mu      sync.Mutex
	evs     []ev
	methods []string // the Request's method of each Event
}

func (l *eventLog) add(e Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.evs = append(l.evs, ev{e.Rule, e.Action, e.Status})
	m := "<nil request>"
	if e.Request != nil {
		m = e.Request.Method
	}
	l.methods = append(l.methods, m)
}

// take returns the Events so far and forgets them.
func (l *eventLog) take() ([]ev, []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	evs, ms := l.evs, l.methods
	l.evs, l.methods = nil, nil
	return evs, ms
}

// fixture serves one handler twice on each of an HTTP/1.1 server and an
// HTTP/2 (TLS) server: through the Normalizer at every path but
// /direct/..., and without it at /direct/..., so that a test can compare
// what the wrapper changes with what the handler alone sends.
type fixture struct {
	t      *testing.T
	n      *Normalizer
	log    *eventLog
	done   chan any // one value per request that went through the wrapper: the panic, or nil
	h1, h2 *httptest.Server
}

func newFixture(t *testing.T, opts Options, h http.Handler) *fixture {
	t.Helper()
	f := &fixture{t: t, log: new(eventLog), done: make(chan any, 64)}
	opts.OnViolation = f.log.add
	n, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	f.n = n
	wrapped := n.Middleware(h)
	mux := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/direct/") {
			h.ServeHTTP(w, r)
			return
		}
		defer func() {
			v := recover()
			f.done <- v
			if v != nil {
				panic(v) // on to net/http, which aborts the response
			}
		}()
		wrapped.ServeHTTP(w, r)
	})
	quiet := log.New(io.Discard, "", 0)
	f.h1 = httptest.NewUnstartedServer(mux)
	f.h1.Config.ErrorLog = quiet
	f.h1.Start()
	f.h2 = httptest.NewUnstartedServer(mux)
	f.h2.Config.ErrorLog = quiet
	f.h2.EnableHTTP2 = true
	f.h2.StartTLS()
	t.Cleanup(func() {
		f.h1.Close()
		f.h2.Close()
	})
	return f
}

// wait waits for the wrapped handler of one request to return, and
// returns what it panicked with.
func (f *fixture) wait() any {
	f.t.Helper()
	select {
	case v := <-f.done:
		return v
	case <-time.After(guard):
		f.t.Fatal("the wrapped handler did not return")
		return nil
	}
}

// events waits for the request's handler to return and returns the
// Events it caused.
func (f *fixture) events() []ev {
	f.t.Helper()
	if v := f.wait(); v != nil {
		f.t.Fatalf("handler panicked: %v", v)
	}
	evs, ms := f.log.take()
	for i, m := range ms {
		if m == "<nil request>" {
			f.t.Errorf("event %v has no Request", evs[i])
		}
	}
	return evs
}

// result is what a client received.
type result struct {
	proto  string
	status int
	header http.Header
	body   []byte
	err    error // from reading the body
}

// do sends one request with the client of srv and reads the whole
// response.
func do(t *testing.T, srv *httptest.Server, method, path string, hdr ...string) result {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	c := srv.Client()
	c.Timeout = guard
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if srv.TLS != nil && resp.ProtoMajor != 2 {
		t.Fatalf("%s %s: served over %s, want HTTP/2", method, path, resp.Proto)
	}
	return result{proto: resp.Proto, status: resp.StatusCode, header: resp.Header, body: body, err: err}
}

// rawResponse is a response as it was on the wire.
type rawResponse struct {
	bytes   []byte // everything the server sent
	interim []int  // the 1xx statuses before the final one
	status  int
	header  http.Header // the final header section, names canonicalised, values as sent
	order   []string    // the final header section's lines, in order
	body    []byte      // the bytes after the final header section, framing included
	decoded []byte      // the body with its framing removed, as net/http reads it
}

// rawDo sends a request over a plain TCP connection to an HTTP/1.1 server,
// with Connection: close, and reads everything until the server closes.
func rawDo(t *testing.T, addr, method, path string, hdr ...string) rawResponse {
	t.Helper()
	var req bytes.Buffer
	fmt.Fprintf(&req, "%s %s HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n", method, path)
	for i := 0; i+1 < len(hdr); i += 2 {
		fmt.Fprintf(&req, "%s: %s\r\n", hdr[i], hdr[i+1])
	}
	req.WriteString("\r\n")
	b := rawExchange(t, addr, req.Bytes())
	return parseRaw(t, method, b)
}

// rawExchange writes req to addr and reads until EOF.
func rawExchange(t *testing.T, addr string, req []byte) []byte {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, guard)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(guard))
	if _, err := conn.Write(req); err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("reading raw response: %v (got %q)", err, b)
	}
	return b
}

func parseRaw(t *testing.T, method string, b []byte) rawResponse {
	t.Helper()
	r := rawResponse{bytes: b}
	rest := b
	for {
		end := bytes.Index(rest, []byte("\r\n\r\n"))
		if end < 0 {
			t.Fatalf("no complete header section in %q", b)
		}
		head, after := string(rest[:end]), rest[end+4:]
		lines := strings.Split(head, "\r\n")
		f := strings.SplitN(lines[0], " ", 3)
		if len(f) < 2 || !strings.HasPrefix(f[0], "HTTP/1.") {
			t.Fatalf("bad status line %q", lines[0])
		}
		code, err := strconv.Atoi(f[1])
		if err != nil {
			t.Fatalf("bad status line %q", lines[0])
		}
		if code >= 100 && code < 200 && code != 101 {
			r.interim = append(r.interim, code)
			rest = after
			continue
		}
		r.status = code
		r.header = make(http.Header)
		for _, l := range lines[1:] {
			name, value, ok := strings.Cut(l, ":")
			if !ok {
				t.Fatalf("bad header line %q", l)
			}
			r.header[http.CanonicalHeaderKey(name)] = append(r.header[http.CanonicalHeaderKey(name)], strings.TrimLeft(value, " \t"))
			r.order = append(r.order, l)
		}
		r.body = after
		// Let net/http undo the framing.
		resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(rest)), &http.Request{Method: method})
		if err != nil {
			t.Fatalf("net/http cannot read %q: %v", rest, err)
		}
		r.decoded, err = io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("net/http cannot read the body of %q: %v", rest, err)
		}
		return r
	}
}

// h2Client returns an HTTP/2 client for srv that does not verify its
// certificate; for requests the standard client cannot build.
func h2Client(srv *httptest.Server) *http.Client {
	c := srv.Client()
	c.Timeout = guard
	if tr, ok := c.Transport.(*http.Transport); ok && tr.TLSClientConfig == nil {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
	}
	return c
}

// reply returns a handler that sets header fields (name, value pairs; a
// value of del removes the field; a name may repeat to add values), a
// fixed Date unless the pairs set one, writes status and then body.
//
// Where the status and method allow content and the pairs name neither
// field, content is labelled Content-Type: text/plain and an empty body
// is sent with Content-Length: 0, so that only the cases about
// content-type-missing (which remove Content-Type with del) break it.
func reply(status int, body string, kv ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Date", fixedDate)
		named := func(name string) bool {
			for i := 0; i+1 < len(kv); i += 2 {
				if http.CanonicalHeaderKey(kv[i]) == name {
					return true
				}
			}
			return false
		}
		if status >= 200 && status != 204 && status != 205 && status != 304 && r.Method != "HEAD" && !named("Content-Type") {
			switch {
			case body != "":
				h.Set("Content-Type", "text/plain")
			case !named("Content-Length") && !named("Transfer-Encoding"):
				h.Set("Content-Length", "0")
			}
		}
		set := map[string]bool{}
		for i := 0; i+1 < len(kv); i += 2 {
			k, v := http.CanonicalHeaderKey(kv[i]), kv[i+1]
			switch {
			case v == del:
				delete(h, k)
			case set[k]:
				h[k] = append(h[k], v)
			default:
				h[k] = []string{v}
			}
			set[k] = true
		}
		w.WriteHeader(status)
		if body != "" {
			if _, err := io.WriteString(w, body); err != nil && err != http.ErrBodyNotAllowed {
				panic(err)
			}
		}
	}
}

// del as a value in reply's pairs removes the field.
const del = "\x00del"

func equalEvents(a, b []ev) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// contentRuleFor returns the rule that forbids content in a response with
// status code to a request with method, and false when content is allowed.
func contentRuleFor(method string, code int) (Rule, bool) {
	r := response{Method: method, Status: code, Proto: HTTP11}
	_, rule, ok := detect(&r, candidates(&r))
	return rule, ok
}
