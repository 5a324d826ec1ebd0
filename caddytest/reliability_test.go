package caddytest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"testing"
	"time"
)

// Helpers of the reliability tests (faults_test.go, clients_test.go,
// load_test.go, security_test.go): a site builder whose reverse_proxy
// takes a block, a goroutine-leak check, a heap sampler, and raw
// exchanges that keep what a client saw when a stream breaks.

// faultRoute is one path prefix of a site built by proxySite: requests
// for /<name>/x reach its handlers as /x.
type faultRoute struct {
	name      string
	normalize []string // sub-directives; nil: normalize without a block
	stock     bool     // no normalize at all
	fixtures  []fixture
	upstream  string   // reverse_proxy to this address; "" for none
	proxy     []string // lines of the reverse_proxy block
	transport []string // lines of its "transport http" block
}

// proxySite builds a Caddyfile: the global block and a site on :9080
// with routes.
func proxySite(routes ...faultRoute) string {
	var b strings.Builder
	b.WriteString(globalOptions)
	b.WriteString("\n:9080 {\n")
	for _, r := range routes {
		fmt.Fprintf(&b, "\troute /%s/* {\n\t\turi strip_prefix /%s\n", r.name, r.name)
		if !r.stock {
			writeNormalize(&b, "\t\t", r.normalize)
		}
		for _, f := range r.fixtures {
			fmt.Fprintf(&b, "\t\troute %s {\n%s\t\t}\n", f.path, indent(f.handler, "\t\t\t"))
		}
		if r.upstream != "" {
			fmt.Fprintf(&b, "\t\treverse_proxy %s {\n", r.upstream)
			for _, l := range r.proxy {
				fmt.Fprintf(&b, "\t\t\t%s\n", l)
			}
			if len(r.transport) > 0 {
				b.WriteString("\t\t\ttransport http {\n")
				for _, l := range r.transport {
					fmt.Fprintf(&b, "\t\t\t\t%s\n", l)
				}
				b.WriteString("\t\t\t}\n")
			}
			b.WriteString("\t\t}\n")
		}
		b.WriteString("\t}\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// shortTimeouts are the reverse_proxy transport settings of the fault
// tests: no wait on an upstream lasts long. read_timeout bounds every
// single read from the upstream, so it also ends a body that stalls.
var shortTimeouts = []string{
	"dial_timeout 500ms",
	"response_header_timeout 500ms",
	"read_timeout 1s",
}

// cleanBody is what the clean path of an upstream answers.
const cleanBody = "clean-body: all is well\n"

// handleClean makes up answer /clean with 200 and cleanBody.
func handleClean(up *rawUpstream) {
	up.HandleBytes("/clean", upstream("HTTP/1.1 200 OK", cleanBody,
		"Content-Type: text/plain", "Content-Length: "+itoa(len(cleanBody))))
}

// checkClean asserts that path, a clean route, answers 200 with exactly
// cleanBody over HTTP/1.1 and h2c: Caddy still serves correctly.
func checkClean(t *testing.T, what, path string) {
	t.Helper()
	for _, proto := range allProtos {
		got, err := tryFetch(proto, request{path: path})
		switch {
		case err != nil:
			t.Errorf("%s: then GET %s over %s: %v", what, path, proto, err)
		case got.status != http.StatusOK || string(got.body) != cleanBody || len(got.extra) > 0:
			t.Errorf("%s: then GET %s over %s: status %d, body %q, %d extra bytes; want 200 %q",
				what, path, proto, got.status, got.body, len(got.extra), cleanBody)
		}
	}
}

// leakTolerance is how many goroutines more than the baseline still
// count as "back to baseline". Everything a test starts is waited for
// (upstream handlers, client connections closed, idle connections of
// the test's own transports closed), so the count comes back to the
// baseline exactly once a test's connections are gone; the slack of 2
// covers goroutines that come and go whatever the test does and that
// may be caught alive at the moment of counting: a timer's callback
// (time.AfterFunc runs in a goroutine of its own; net/http's servers
// and transports use them for idle and read timeouts) and the admin
// endpoint's connection of the last /normalize/report read, whose
// server side ends only after the client side is closed. A leak per
// request or per connection exceeds it at the first fault.
const leakTolerance = 2

// leakWait bounds the wait for goroutines to end: longer than every
// timeout the tests configure (1s read_timeout, 2s keepalive), so that
// whatever must end has ended.
const leakWait = 10 * time.Second

// closeIdleClients closes the idle connections of the transports that
// the helpers share (http.DefaultTransport, used by adminGet and by
// Caddy's test harness), whose goroutines would otherwise stay.
func closeIdleClients() {
	if tr, ok := http.DefaultTransport.(*http.Transport); ok {
		tr.CloseIdleConnections()
	}
	closeTLSClients()
}

// goroutineBaseline returns the number of goroutines once it has
// stopped moving (the same in 3 samples 50ms apart, or after 2s).
func goroutineBaseline() int {
	closeIdleClients()
	deadline := time.Now().Add(2 * time.Second)
	last, same := runtime.NumGoroutine(), 0
	for same < 3 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		n := runtime.NumGoroutine()
		if n == last {
			same++
		} else {
			last, same = n, 0
		}
	}
	return last
}

// checkNoLeak waits, up to leakWait, for the number of goroutines to
// come back to base (plus leakTolerance), and fails the test with a dump
// of every goroutine if it does not.
func checkNoLeak(t *testing.T, what string, base int) {
	t.Helper()
	closeIdleClients()
	deadline := time.Now().Add(leakWait)
	n := runtime.NumGoroutine()
	for n > base+leakTolerance && time.Now().Before(deadline) {
		time.Sleep(25 * time.Millisecond)
		closeIdleClients()
		n = runtime.NumGoroutine()
	}
	if n > base+leakTolerance {
		var dump bytes.Buffer
		_ = pprof.Lookup("goroutine").WriteTo(&dump, 1)
		t.Errorf("%s: %d goroutines %v after, %d before (tolerance %d): leaked?\n%s",
			what, n, leakWait, base, leakTolerance, dump.String())
	}
}

// heapSampler samples the test process's heap (HeapInuse) and Sys every
// interval until stopped, and keeps the peaks.
type heapSampler struct {
	stop     chan struct{}
	done     chan struct{}
	mu       sync.Mutex
	peakHeap uint64
	peakSys  uint64
	samples  int
}

func startHeapSampler(interval time.Duration) *heapSampler {
	s := &heapSampler{stop: make(chan struct{}), done: make(chan struct{})}
	s.sample()
	go func() {
		defer close(s.done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-s.stop:
				s.sample()
				return
			case <-tick.C:
				s.sample()
			}
		}
	}()
	return s
}

func (s *heapSampler) sample() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.peakHeap = max(s.peakHeap, ms.HeapInuse)
	s.peakSys = max(s.peakSys, ms.Sys)
	s.samples++
}

// Stop stops sampling and returns the peaks of HeapInuse and Sys.
func (s *heapSampler) Stop() (peakHeap, peakSys uint64) {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peakHeap, s.peakSys
}

// heapInuse is the test process's HeapInuse after a collection.
func heapInuse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

const mib = 1 << 20

// rawExchange writes raw, a whole HTTP/1.1 request, over a fresh
// connection to the site and reads until the connection ends or the
// deadline passes. It returns every byte read and the error that ended
// the reading: nil for a clean EOF.
func rawExchange(raw string, timeout time.Duration) ([]byte, error) {
	conn, err := net.DialTimeout("tcp", siteAddr, ioTimeout)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(timeout))
	if _, err := io.WriteString(conn, raw); err != nil {
		return nil, err
	}
	var got bytes.Buffer
	_, err = io.Copy(&got, conn)
	return got.Bytes(), err
}

// checkGenerated asserts that got is an error response normalize made
// up: status code, a body in the format Accept asked for that names the
// status, and none of the strings in leaks (an upstream's address or
// body).
func checkGenerated(t *testing.T, what string, got *wireResponse, code int, accept string, leaks ...string) {
	t.Helper()
	if got.status != code {
		t.Errorf("%s: status %d, want a generated %d; body %q", what, got.status, code, got.body)
		return
	}
	want := map[string]string{
		"":                         "text/plain",
		"text/plain":               "text/plain",
		"text/html":                "text/html",
		"application/json":         "application/json",
		"application/problem+json": "application/problem+json",
	}[accept]
	mt, _, err := mime.ParseMediaType(got.header.Get("Content-Type"))
	if want != "" && (err != nil || mt != want) {
		t.Errorf("%s: Content-Type %q, want %s", what, got.header.Get("Content-Type"), want)
	}
	if !bytes.Contains(got.body, []byte(itoa(code))) {
		t.Errorf("%s: body %q does not name the status %d", what, got.body, code)
	}
	for _, l := range leaks {
		if l != "" && bytes.Contains(got.body, []byte(l)) {
			t.Errorf("%s: body %q leaks %q", what, got.body, l)
		}
	}
	if len(got.extra) > 0 {
		t.Errorf("%s: %d bytes past the end of the message: %q", what, len(got.extra), got.extra)
	}
}

// closedAddr returns a loopback address nothing listens on: a port that
// was just bound and freed, so that connecting to it is refused.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// closableH2C returns an h2c transport whose connections can all be
// closed, busy or not: CloseIdleConnections leaves a connection whose
// cancelled stream the transport has not yet accounted for, and with it
// a goroutine on each side.
func closableH2C() (*http.Transport, func()) {
	return closableH2CFrom(h2cTransport())
}

// closableH2CFrom is closableH2C for a transport of the caller's.
func closableH2CFrom(tr *http.Transport) (*http.Transport, func()) {
	var (
		mu    sync.Mutex
		conns []net.Conn
	)
	dial := tr.DialContext
	if dial == nil {
		dial = (&net.Dialer{Timeout: ioTimeout}).DialContext
	}
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err == nil {
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
		return c, err
	}
	return tr, func() {
		tr.CloseIdleConnections()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	}
}
