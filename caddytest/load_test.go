package caddytest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A bounded load on loopback: N client connections, half HTTP/1.1 and
// half h2c, send M requests through normalize and reverse_proxy to a
// keep-alive upstream, cycling through clean responses and a violation
// of every rule. Every response is checked; the violation counters must
// move by exactly what was sent; the heap is sampled throughout; and the
// goroutines must come back to where they were.
//
//	go test ./caddytest/ -run TestLoad                       # CI size: 50 connections, 20,000 requests
//	NORMALIZE_LOAD=full go test ./caddytest/ -run TestLoad   # 200 connections, 100,000 requests
//	NORMALIZE_LOAD_SUMMARY=/tmp/load.txt ...                 # also write the summary line there

// loadSize is one size of the run.
type loadSize struct {
	name        string
	connections int
	requests    int
	// within bounds the whole run; reaching it fails the test.
	within time.Duration
	// peakHeap bounds the test process's HeapInuse (Caddy, the upstream
	// and the clients all live in it) at any sample of the run. Measured
	// on 2 cores: 16-19 MiB at CI size (with -race too), 38 MiB at full
	// size; the bounds leave 3x room for the connections' buffers, and
	// keeping a few KiB per request (what a leak of per-request state or
	// of responses would do) exceeds them.
	peakHeap uint64
}

var (
	loadCI   = loadSize{"ci", 50, 20000, 2 * time.Minute, 64 * mib}
	loadFull = loadSize{"full", 200, 100000, 5 * time.Minute, 128 * mib}
)

// loadCase is one kind of request of the load and what its response
// must be.
type loadCase struct {
	name     string
	method   string // GET if empty
	accept   string
	response string // keep-alive upstream's exact bytes; "" for a fixture
	close    bool   // the upstream closes the connection after it
	fixture  string // Caddyfile lines in place of the upstream
	// rule and action: the violation the case counts, if any.
	rule, action string
	// The response: status, fields with exactly one value ("" for
	// absent), body (nil: not checked), or check for the rest.
	status int
	header map[string]string
	body   *string
	check  func(h http.Header, body []byte) error
	// Over HTTP/2, where the rule acts otherwise: the action counted
	// and the fields wanted ("": as over HTTP/1.1).
	h2Action string
	h2Header map[string]string
}

// kaResponse is a response for the keep-alive upstream: the status line,
// the fixed Date, headers, and body, without "Connection: close".
func kaResponse(statusLine, body string, headers ...string) string {
	var b strings.Builder
	b.WriteString(statusLine + "\r\nDate: " + fixedDate + "\r\n")
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("\r\n" + body)
	return b.String()
}

const (
	loadWWW   = `Basic realm="load"`
	loadProxy = `Basic realm="proxy"`
)

// loadSettings configure normalize for the load: a value for every rule
// that needs one, so that every violation is enforced where it can be.
var loadSettings = []string{
	"allow GET HEAD",
	"www_authenticate `" + loadWWW + "`",
	"proxy_authenticate `" + loadProxy + "`",
	"upgrade websocket",
	"retry_after 120",
}

func loadCases() []loadCase {
	const clean = "a clean response, passed as it came"
	return []loadCase{
		{name: "clean-length", response: kaResponse("HTTP/1.1 200 OK", clean, "Content-Type: text/plain", "Content-Length: "+itoa(len(clean))),
			status: 200, header: map[string]string{"Content-Type": "text/plain", "Content-Length": itoa(len(clean))}, body: str(clean)},
		{name: "clean-chunked", response: kaResponse("HTTP/1.1 200 OK", "5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n", "Content-Type: text/plain", "Transfer-Encoding: chunked"),
			status: 200, header: map[string]string{"Content-Type": "text/plain"}, body: str("hello, world")},
		{name: "status-invalid", accept: "application/json", rule: "status-invalid", action: enforced,
			response: kaResponse("HTTP/1.1 600 Beyond", upstreamSecret, "Content-Type: text/plain", "Content-Length: 20"),
			status:   502, header: map[string]string{"Content-Type": "application/json"},
			check: func(_ http.Header, body []byte) error {
				var p struct{ Status int }
				if err := json.Unmarshal(body, &p); err != nil || p.Status != 502 || strings.Contains(string(body), upstreamSecret) {
					return fmt.Errorf("body %q, want generated JSON with status 502", body)
				}
				return nil
			}},
		{name: "content-forbidden", rule: "content-forbidden", action: enforced, close: true,
			// Bytes after a 204 would be read as the next response on a
			// reused connection: the upstream says it closes, and does.
			response: kaResponse("HTTP/1.1 204 No Content", "hello", "Content-Length: 5", "Connection: close"),
			status:   204, header: map[string]string{"Content-Length": "", "Transfer-Encoding": ""}, body: str("")},
		{name: "reset-content", rule: "reset-content", action: enforced,
			response: kaResponse("HTTP/1.1 205 Reset Content", "hello", "Content-Length: 5"),
			status:   205, header: map[string]string{"Content-Length": "0"}, body: str("")},
		{name: "head-content", method: http.MethodHead, rule: "head-content", action: enforced,
			fixture: dateLine + "header Content-Length 5\n" + `respond "hello" 200`,
			status:  200, header: map[string]string{"Content-Length": "5"}, body: str("")},
		{name: "allow-missing", method: http.MethodDelete, rule: "allow-missing", action: enforced,
			response: kaResponse("HTTP/1.1 405 Method Not Allowed", "", "Content-Length: 0"),
			status:   405, header: map[string]string{"Allow": "GET, HEAD"}, body: str("")},
		{name: "www-authenticate-missing", rule: "www-authenticate-missing", action: enforced,
			response: kaResponse("HTTP/1.1 401 Unauthorized", "", "Content-Length: 0"),
			status:   401, header: map[string]string{"Www-Authenticate": loadWWW}, body: str("")},
		{name: "proxy-authenticate-missing", rule: "proxy-authenticate-missing", action: enforced,
			response: kaResponse("HTTP/1.1 407 Proxy Authentication Required", "", "Content-Length: 0"),
			status:   407, header: map[string]string{"Proxy-Authenticate": loadProxy}, body: str("")},
		{name: "upgrade-missing", rule: "upgrade-missing", action: enforced,
			response: kaResponse("HTTP/1.1 426 Upgrade Required", "", "Content-Length: 0"),
			status:   426, header: map[string]string{"Upgrade": "websocket"}, body: str(""),
			// Upgrade is connection-specific: over HTTP/2 only reported.
			h2Action: reported, h2Header: map[string]string{"Upgrade": ""}},
		{name: "retry-after-missing", rule: "retry-after-missing", action: enforced,
			response: kaResponse("HTTP/1.1 503 Service Unavailable", "busy", "Content-Type: text/plain", "Content-Length: 4"),
			status:   503, header: map[string]string{"Retry-After": "120"}, body: str("busy")},
		{name: "retry-after-invalid", rule: "retry-after-invalid", action: enforced,
			response: kaResponse("HTTP/1.1 503 Service Unavailable", "", "Retry-After: soon", "Content-Length: 0"),
			status:   503, header: map[string]string{"Retry-After": "120"}, body: str("")},
		{name: "location-invalid", rule: "location-invalid", action: enforced,
			response: kaResponse("HTTP/1.1 302 Found", "", "Location: /new place/\u00fc", "Content-Length: 0"),
			status:   302, header: map[string]string{"Location": "/new%20place/%C3%BC"}, body: str("")},
		{name: "location-missing", method: http.MethodPost, rule: "location-missing", action: reported,
			response: kaResponse("HTTP/1.1 201 Created", `{"id":1}`, "Content-Type: application/json", "Content-Length: 8"),
			status:   201, header: map[string]string{"Location": ""}, body: str(`{"id":1}`)},
		{name: "content-range-missing", rule: "content-range-missing", action: reported,
			response: kaResponse("HTTP/1.1 206 Partial Content", "hello", "Content-Type: text/plain", "Content-Length: 5"),
			status:   206, header: map[string]string{"Content-Range": ""}, body: str("hello")},
		{name: "date-invalid", rule: "date-invalid", action: enforced,
			response: "HTTP/1.1 200 OK\r\nDate: yesterday\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\ndate",
			status:   200, body: str("date"),
			check: func(h http.Header, _ []byte) error {
				if d := h.Values("Date"); len(d) != 1 || !validHTTPDate(d[0]) {
					return fmt.Errorf("Date %q, want one HTTP-date", d)
				}
				return nil
			}},
	}
}

// verify checks one response against the case.
func (c loadCase) verify(status int, h http.Header, body []byte) error {
	if status != c.status {
		return fmt.Errorf("status %d, want %d", status, c.status)
	}
	for k, want := range c.header {
		got := h.Values(k)
		if k == "Content-Type" && len(got) == 1 {
			if mt, _, err := mime.ParseMediaType(got[0]); err == nil {
				got = []string{mt}
			}
		}
		if (want == "" && len(got) > 0) || (want != "" && (len(got) != 1 || got[0] != want)) {
			return fmt.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if c.body != nil && string(body) != *c.body {
		return fmt.Errorf("body %q, want %q", body, *c.body)
	}
	if c.check != nil {
		return c.check(h, body)
	}
	return nil
}

// keepAliveUpstream serves many requests per connection, as a real
// backend does, answering each path with exact bytes; it closes the
// connection after the responses that ask it to (those whose framing a
// client cannot trust).
type keepAliveUpstream struct {
	ln        net.Listener
	responses map[string]loadCase
	wg        sync.WaitGroup
	mu        sync.Mutex
	conns     map[net.Conn]struct{}
	served    atomic.Int64
}

func newKeepAliveUpstream(t *testing.T, cases []loadCase) *keepAliveUpstream {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := &keepAliveUpstream{ln: ln, responses: map[string]loadCase{}, conns: map[net.Conn]struct{}{}}
	for _, c := range cases {
		if c.response != "" {
			u.responses["/"+c.name] = c
		}
	}
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			u.mu.Lock()
			u.conns[conn] = struct{}{}
			u.mu.Unlock()
			u.wg.Add(1)
			go u.serve(conn)
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		u.mu.Lock()
		for c := range u.conns {
			_ = c.Close()
		}
		u.mu.Unlock()
		u.wg.Wait()
	})
	return u
}

func (u *keepAliveUpstream) Addr() string { return u.ln.Addr().String() }

func (u *keepAliveUpstream) serve(conn net.Conn) {
	defer u.wg.Done()
	defer func() {
		_ = conn.Close()
		u.mu.Lock()
		delete(u.conns, conn)
		u.mu.Unlock()
	}()
	br := bufio.NewReader(conn)
	bw := bufio.NewWriter(conn)
	for {
		// Idle connections end when the proxy closes them, at the
		// latest after this.
		_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		_, _ = io.Copy(io.Discard, req.Body)
		c, ok := u.responses[req.URL.Path]
		resp := c.response
		if !ok {
			resp = kaResponse("HTTP/1.1 404 Not Found", "", "Content-Length: 0")
		}
		u.served.Add(1)
		if _, err := bw.WriteString(resp); err != nil || bw.Flush() != nil || c.close {
			return
		}
	}
}

func TestLoad(t *testing.T) {
	needCaddy(t)
	size := loadCI
	if os.Getenv("NORMALIZE_LOAD") == "full" {
		size = loadFull
	}
	cases := loadCases()
	up := newKeepAliveUpstream(t, cases)
	var fixtures []fixture
	for _, c := range cases {
		if c.fixture != "" {
			fixtures = append(fixtures, fixture{path: "/" + c.name, handler: c.fixture})
		}
	}
	startCaddy(t, proxySite(faultRoute{
		name:      "load",
		normalize: loadSettings,
		fixtures:  fixtures,
		upstream:  up.Addr(),
		// Idle upstream connections close 2s after the run (within
		// checkNoLeak's wait), and enough of them stay idle between
		// requests that no connection is opened per request.
		transport: []string{"keepalive 2s", "keepalive_idle_conns_per_host 512"},
	}))
	base := goroutineBaseline()
	before := readReport(t)

	var (
		next, errs, wrong, done atomic.Int64
		sent                    = make([]atomic.Int64, len(cases))
		sentH2                  = make([]atomic.Int64, len(cases)) // the part of sent over HTTP/2
		mu                      sync.Mutex
		firstProblems           []string
	)
	problem := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if len(firstProblems) < 10 {
			firstProblems = append(firstProblems, fmt.Sprintf(format, args...))
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), size.within)
	defer cancel()
	sampler := startHeapSampler(100 * time.Millisecond)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range size.connections {
		proto := allProtos[w%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			// One transport per worker: one connection per worker.
			tr := transportFor(proto)
			tr.MaxIdleConnsPerHost = 1
			defer tr.CloseIdleConnections()
			client := &http.Client{
				Transport:     tr,
				Timeout:       ioTimeout,
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			}
			for ctx.Err() == nil {
				k := next.Add(1) - 1
				if k >= int64(size.requests) {
					return
				}
				i := int(k % int64(len(cases)))
				c := cases[i]
				sent[i].Add(1)
				if proto != protoH1 {
					sentH2[i].Add(1)
				}
				method := c.method
				if method == "" {
					method = http.MethodGet
				}
				req, _ := http.NewRequestWithContext(ctx, method, "http://"+siteAddr+"/load/"+c.name, nil)
				req.Host = "localhost:9080"
				if c.accept != "" {
					req.Header.Set("Accept", c.accept)
				}
				res, err := client.Do(req)
				if err != nil {
					errs.Add(1)
					problem("%s over %s: %v", c.name, proto, err)
					continue
				}
				body, err := io.ReadAll(res.Body)
				res.Body.Close()
				done.Add(1)
				if err != nil {
					errs.Add(1)
					problem("%s over %s: reading the body: %v", c.name, proto, err)
					continue
				}
				if proto != protoH1 && c.h2Header != nil {
					c.header = c.h2Header
				}
				if err := c.verify(res.StatusCode, res.Header, body); err != nil {
					wrong.Add(1)
					problem("%s over %s: %v", c.name, proto, err)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	peakHeap, peakSys := sampler.Stop()

	summary := fmt.Sprintf("load %s: requests=%d completed=%d concurrency=%d protocol=h1+h2c errors=%d wrong=%d peak_heap_inuse=%dMiB peak_sys=%dMiB duration=%v rate=%.0f/s",
		size.name, size.requests, done.Load(), size.connections, errs.Load(), wrong.Load(),
		peakHeap/mib, peakSys/mib, elapsed.Round(time.Millisecond), float64(done.Load())/elapsed.Seconds())
	t.Log(summary)
	if f := os.Getenv("NORMALIZE_LOAD_SUMMARY"); f != "" {
		if err := os.WriteFile(f, []byte(summary+"\n"), 0o644); err != nil {
			t.Errorf("writing the summary: %v", err)
		}
	}
	for _, p := range firstProblems {
		t.Error(p)
	}
	if ctx.Err() != nil {
		t.Errorf("the run did not finish within %v", size.within)
	}
	if errs.Load() != 0 || wrong.Load() != 0 || done.Load() != int64(size.requests) {
		t.Errorf("%d requests, %d answered, %d errors, %d wrong; want all answered right", size.requests, done.Load(), errs.Load(), wrong.Load())
	}
	if peakHeap > size.peakHeap {
		t.Errorf("heap in use peaked at %d MiB, bound %d MiB", peakHeap/mib, size.peakHeap/mib)
	}

	// Every violation counted once, nothing else.
	want := delta{}
	for i, c := range cases {
		if c.rule != "" {
			if want[c.rule] == nil {
				want[c.rule] = map[string]int64{}
			}
			if c.h2Action == "" {
				want[c.rule][c.action] += sent[i].Load()
				continue
			}
			want[c.rule][c.action] += sent[i].Load() - sentH2[i].Load()
			want[c.rule][c.h2Action] += sentH2[i].Load()
		}
	}
	checkDelta(t, "the load", before, readReport(t), want)
	checkNoLeak(t, "the load", base)
}
