package caddytest

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// rawHandler answers one request on conn. br holds what was read past the
// request head (the bytes of an upgraded protocol); the request body has
// been read off the wire already and is in req.Body. The connection is
// closed when the handler returns.
type rawHandler func(conn net.Conn, br *bufio.Reader, req *http.Request)

// rawUpstream is an HTTP upstream that writes exact bytes, mistakes
// included, which Go's HTTP server refuses to send. It serves one request
// per connection and closes it after the handler returns; requests whose
// path has no handler get a 404.
type rawUpstream struct {
	t  testing.TB
	ln net.Listener

	mu       sync.Mutex
	handlers map[string]rawHandler
	hits     map[string]int
	conns    map[net.Conn]struct{}
	wg       sync.WaitGroup
}

// newRawUpstream listens on 127.0.0.1:0 and stops on t.Cleanup.
func newRawUpstream(t testing.TB) *rawUpstream {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("raw upstream: listen: %v", err)
	}
	u := &rawUpstream{
		t:        t,
		ln:       ln,
		handlers: map[string]rawHandler{},
		hits:     map[string]int{},
		conns:    map[net.Conn]struct{}{},
	}
	u.wg.Add(1)
	go u.serve()
	t.Cleanup(u.close)
	return u
}

// Addr is the host:port to proxy to.
func (u *rawUpstream) Addr() string { return u.ln.Addr().String() }

// Handle answers requests for path with h.
func (u *rawUpstream) Handle(path string, h rawHandler) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.handlers[path] = h
}

// HandleBytes answers every request for path with exactly response.
func (u *rawUpstream) HandleBytes(path, response string) {
	u.Handle(path, func(conn net.Conn, _ *bufio.Reader, _ *http.Request) {
		_, _ = io.WriteString(conn, response)
	})
}

// Hits is how many requests for path have arrived.
func (u *rawUpstream) Hits(path string) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.hits[path]
}

func (u *rawUpstream) serve() {
	defer u.wg.Done()
	for {
		conn, err := u.ln.Accept()
		if err != nil {
			return
		}
		u.mu.Lock()
		u.conns[conn] = struct{}{}
		u.mu.Unlock()
		u.wg.Add(1)
		go u.serveConn(conn)
	}
}

func (u *rawUpstream) serveConn(conn net.Conn) {
	defer u.wg.Done()
	defer func() {
		_ = conn.Close()
		u.mu.Lock()
		delete(u.conns, conn)
		u.mu.Unlock()
	}()
	_ = conn.SetDeadline(time.Now().Add(time.Minute))
	br := bufio.NewReader(conn)
	req, err := http.ReadRequest(br)
	if err != nil {
		return
	}
	u.mu.Lock()
	h := u.handlers[req.URL.Path]
	u.hits[req.URL.Path]++
	u.mu.Unlock()
	if h == nil {
		_, _ = io.WriteString(conn, rawResponse("HTTP/1.1 404 Not Found",
			[]string{"Date: " + fixedDate, "Content-Length: 0"}, ""))
		return
	}
	if !isUpgrade(req) {
		// Read the request body off the wire before answering, as a
		// server would, and keep it readable in req.Body for handlers
		// that look at it; an upgraded connection keeps its bytes in br.
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	h(conn, br, req)
}

func (u *rawUpstream) close() {
	_ = u.ln.Close()
	u.mu.Lock()
	for c := range u.conns {
		_ = c.Close()
	}
	u.mu.Unlock()
	u.wg.Wait()
}

func isUpgrade(req *http.Request) bool {
	return req.Header.Get("Upgrade") != ""
}

// rawResponse assembles exact response bytes: the status line, a
// "Connection: close" (a hop-by-hop field Caddy drops, so that its
// transport never reuses a connection the upstream closes), each header
// line as given, an empty line, and body.
func rawResponse(statusLine string, headers []string, body string) string {
	var b strings.Builder
	b.WriteString(statusLine)
	b.WriteString("\r\nConnection: close\r\n")
	for _, h := range headers {
		b.WriteString(h)
		b.WriteString("\r\n")
	}
	b.WriteString("\r\n")
	b.WriteString(body)
	return b.String()
}

// TestRawUpstream checks the helper itself, without Caddy: it must send
// what Go's HTTP server would refuse to, byte for byte.
func TestRawUpstream(t *testing.T) {
	u := newRawUpstream(t)
	want := "HTTP/1.1 205 Reset Content\r\nContent-Length: 5\r\n\r\nhello"
	u.HandleBytes("/reset", want)

	conn, err := net.Dial("tcp", u.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(ioTimeout))
	if _, err := io.WriteString(conn, "GET /reset HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(conn)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("upstream sent %q, want %q", got, want)
	}
	if n := u.Hits("/reset"); n != 1 {
		t.Errorf("Hits(/reset) = %d, want 1", n)
	}
	if n := u.Hits("/other"); n != 0 {
		t.Errorf("Hits(/other) = %d, want 0", n)
	}
}
