package caddytest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Upstreams that fail in every way a socket can, behind normalize and a
// reverse_proxy with short timeouts. After each fault Caddy must still
// serve a clean request, every goroutine the fault started must be gone,
// and the client must have seen either a clean generated 502/504 or a
// stream that visibly broke off — never a hang, never a body that looks
// complete.

// faultWait bounds each client exchange of a broken stream: several
// times the longest timeout configured (read_timeout 1s), so that only a
// hang reaches it. Other exchanges are bounded by ioTimeout.
const faultWait = 5 * time.Second

// The ways a fault may end for the client.
type faultOutcome int

const (
	// generated: a clean response made up by normalize (502 or 504).
	generated faultOutcome = iota
	// aborted: the final status and part of the body arrived, then the
	// stream broke off: fewer bytes than declared, an unterminated
	// chunked body, or a read error.
	aborted
	// passed: the upstream's response arrived whole.
	passed
)

type faultCase struct {
	name    string
	path    string // on the site
	handler rawHandler
	outcome faultOutcome
	status  int // generated: the status; passed: the upstream's
	// check, for passed, checks what arrived.
	check  func(t *testing.T, what string, got *wireResponse)
	protos []string // nil: both
}

// waitClosed blocks until the peer closes conn (or the upstream's own
// one-minute deadline passes): an upstream that has nothing more to say.
func waitClosed(conn net.Conn) {
	_, _ = io.Copy(io.Discard, conn)
}

// resetConn closes conn with an RST instead of a FIN.
func resetConn(conn net.Conn) {
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// chunk writes p as one chunk of a chunked body.
func chunk(w io.Writer, p []byte) error {
	_, err := fmt.Fprintf(w, "%x\r\n%s\r\n", len(p), p)
	return err
}

// faultSecret is upstream content that a generated response must not
// carry.
const faultSecret = "fault-secret-body"

func faultCases() []faultCase {
	part := bytes.Repeat([]byte("p"), 400)
	half := bytes.Repeat([]byte("h"), 50000)
	manyHeaders, manyCount := manyHeaderLines()
	trickle := strings.Repeat("t", 200)
	return []faultCase{
		{name: "refused", path: "/refused/x", outcome: generated, status: http.StatusBadGateway},
		{name: "never-answers", path: "/f/silent", outcome: generated, status: http.StatusGatewayTimeout,
			handler: func(conn net.Conn, _ *bufio.Reader, _ *http.Request) { waitClosed(conn) }},
		{name: "closes-before-status", path: "/f/hangup", outcome: generated, status: http.StatusBadGateway,
			handler: func(net.Conn, *bufio.Reader, *http.Request) {}},
		{name: "half-a-header-then-stall", path: "/f/halfhead", outcome: generated, status: http.StatusGatewayTimeout,
			handler: func(conn net.Conn, _ *bufio.Reader, _ *http.Request) {
				_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: text/pl")
				waitClosed(conn)
			}},
		{name: "garbage", path: "/f/garbage", outcome: generated, status: http.StatusBadGateway,
			handler: func(conn net.Conn, _ *bufio.Reader, _ *http.Request) {
				_, _ = io.WriteString(conn, "\x00\x01\x02 SSH-2.0-not-http "+faultSecret+"\r\n\r\n\xff\xfe")
			}},
		{name: "header-block-over-10MiB", path: "/big/hugehead", outcome: generated, status: http.StatusBadGateway,
			handler: func(conn net.Conn, _ *bufio.Reader, _ *http.Request) {
				// Go's transport, which reverse_proxy uses, reads at most
				// 10 MiB of response header (MaxResponseHeaderBytes's
				// default; Caddy's max_response_header is unset): 11 MiB
				// of one field, written 64 KiB at a time.
				w := bufio.NewWriterSize(conn, 64<<10)
				_, _ = io.WriteString(w, "HTTP/1.1 200 OK\r\nX-Huge: ")
				line := bytes.Repeat([]byte("a"), 64<<10)
				for i := 0; i < 11*16; i++ {
					if _, err := w.Write(line); err != nil {
						return
					}
				}
				_, _ = io.WriteString(w, "\r\nContent-Length: 2\r\n\r\nok")
				_ = w.Flush()
			}},
		{name: "10000-headers", path: "/big/many", outcome: passed, status: http.StatusOK,
			handler: func(conn net.Conn, _ *bufio.Reader, _ *http.Request) {
				_, _ = io.WriteString(conn, manyHeaders)
			},
			check: func(t *testing.T, what string, got *wireResponse) {
				checkManyHeaders(t, what, got, manyCount)
			}},
		{name: "10000-headers-over-max_response_header", path: "/small/many", outcome: generated, status: http.StatusBadGateway,
			handler: func(conn net.Conn, _ *bufio.Reader, _ *http.Request) {
				_, _ = io.WriteString(conn, manyHeaders)
			}},
		{name: "stall-mid-body-length", path: "/f/stall-length", outcome: aborted, status: http.StatusOK,
			handler: func(conn net.Conn, _ *bufio.Reader, _ *http.Request) {
				_, _ = io.WriteString(conn, upstream("HTTP/1.1 200 OK", string(part), "Content-Length: 1000"))
				waitClosed(conn)
			}},
		{name: "stall-mid-body-chunked", path: "/f/stall-chunked", outcome: aborted, status: http.StatusOK,
			handler: func(conn net.Conn, _ *bufio.Reader, _ *http.Request) {
				_, _ = io.WriteString(conn, upstream("HTTP/1.1 200 OK", "", "Transfer-Encoding: chunked"))
				_ = chunk(conn, part)
				waitClosed(conn)
			}},
		{name: "reset-mid-body-length", path: "/f/rst-length", outcome: aborted, status: http.StatusOK,
			handler: func(conn net.Conn, _ *bufio.Reader, _ *http.Request) {
				_, _ = io.WriteString(conn, upstream("HTTP/1.1 200 OK", "", "Content-Length: 100000"))
				_, _ = conn.Write(half)
				resetConn(conn)
			}},
		{name: "reset-mid-body-chunked", path: "/f/rst-chunked", outcome: aborted, status: http.StatusOK,
			handler: func(conn net.Conn, _ *bufio.Reader, _ *http.Request) {
				_, _ = io.WriteString(conn, upstream("HTTP/1.1 200 OK", "", "Transfer-Encoding: chunked"))
				_ = chunk(conn, half)
				resetConn(conn)
			}},
		{name: "trickle-one-byte-every-5ms", path: "/f/trickle", outcome: passed, status: http.StatusOK,
			handler: func(conn net.Conn, _ *bufio.Reader, _ *http.Request) {
				_, _ = io.WriteString(conn, upstream("HTTP/1.1 200 OK", "", "Content-Length: 200"))
				for i := range trickle {
					if _, err := io.WriteString(conn, trickle[i:i+1]); err != nil {
						return
					}
					time.Sleep(5 * time.Millisecond)
				}
			},
			check: func(t *testing.T, what string, got *wireResponse) {
				if string(got.body) != trickle {
					t.Errorf("%s: body %q, want the 200 bytes sent", what, got.body)
				}
			}},
		{name: "closes-between-1xx-and-status", path: "/f/hints-then-close", outcome: generated, status: http.StatusBadGateway,
			handler: func(conn net.Conn, _ *bufio.Reader, _ *http.Request) {
				_, _ = io.WriteString(conn, "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n")
			}},
	}
}

// manyHeaderLines is a 200 response with 10,000 header fields.
func manyHeaderLines() (string, int) {
	const n = 10000
	var b strings.Builder
	b.WriteString("HTTP/1.1 200 OK\r\nConnection: close\r\nDate: " + fixedDate + "\r\n")
	for i := range n {
		fmt.Fprintf(&b, "X-Many-%05d: v%d\r\n", i, i)
	}
	b.WriteString("Content-Type: text/plain\r\nContent-Length: 4\r\n\r\nmany")
	return b.String(), n
}

func checkManyHeaders(t *testing.T, what string, got *wireResponse, n int) {
	t.Helper()
	if string(got.body) != "many" {
		t.Errorf("%s: body %q, want \"many\"", what, got.body)
	}
	missing := 0
	for i := range n {
		k := fmt.Sprintf("X-Many-%05d", i)
		if v := got.header.Values(k); len(v) != 1 || v[0] != "v"+itoa(i) {
			if missing++; missing <= 3 {
				t.Errorf("%s: %s = %q, want [v%d]", what, k, v, i)
			}
		}
	}
	if missing > 0 {
		t.Errorf("%s: %d of the %d fields missing or wrong", what, missing, n)
	}
}

// faultSite is the site of the fault tests: /f/ proxies to up with short
// timeouts; /big/ waits up to 10s for a response header, which a header
// of megabytes may need on a loaded machine or under -race (its other
// timeouts are /f/'s), and /small/ also limits it to 64 KiB; /refused/
// proxies to a port nothing listens on.
func faultSite(t *testing.T, up *rawUpstream) {
	t.Helper()
	bigHeader := []string{"dial_timeout 500ms", "response_header_timeout 10s", "read_timeout 1s"}
	startCaddy(t, proxySite(
		faultRoute{name: "f", upstream: up.Addr(), transport: shortTimeouts},
		faultRoute{name: "big", upstream: up.Addr(), transport: bigHeader},
		faultRoute{name: "small", upstream: up.Addr(), transport: append([]string{"max_response_header 64KiB"}, bigHeader...)},
		faultRoute{name: "refused", upstream: closedAddr(t), transport: shortTimeouts},
	))
}

func TestFaults(t *testing.T) {
	needCaddy(t)
	up := newRawUpstream(t)
	handleClean(up)
	cases := faultCases()
	for _, c := range cases {
		if c.handler != nil {
			_, rest, _ := strings.Cut(c.path[1:], "/")
			up.Handle("/"+rest, c.handler)
		}
	}
	faultSite(t, up)
	checkClean(t, "warming up", "/f/clean")
	base := goroutineBaseline()
	t.Logf("baseline: %d goroutines", base)

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			protos := c.protos
			if protos == nil {
				protos = allProtos
			}
			for _, proto := range protos {
				what := fmt.Sprintf("%s over %s", c.name, proto)
				before := readReport(t)
				runFault(t, what, proto, c)
				checkDelta(t, what, before, readReport(t), nil)
				checkClean(t, what, "/f/clean")
				checkNoLeak(t, what, base)
			}
		})
	}
}

// runFault makes the request of c over proto and checks what came back.
func runFault(t *testing.T, what, proto string, c faultCase) {
	t.Helper()
	switch c.outcome {
	case generated, passed:
		// tryFetch's deadlines (ioTimeout) turn a hang into an error.
		got, err := tryFetch(proto, request{path: c.path})
		if err != nil {
			t.Errorf("%s: %v", what, err)
			return
		}
		if c.outcome == generated {
			checkGenerated(t, what, got, c.status, "", faultSecret, "127.0.0.1")
			for _, ir := range got.interim {
				if ir.status != http.StatusEarlyHints {
					t.Errorf("%s: interim %d before the generated %d", what, ir.status, c.status)
				}
			}
			return
		}
		if got.status != c.status {
			t.Errorf("%s: status %d, want %d as the upstream sent", what, got.status, c.status)
		}
		if len(got.extra) > 0 {
			t.Errorf("%s: %d bytes past the end of the message", what, len(got.extra))
		}
		if c.check != nil {
			c.check(t, what, got)
		}
	case aborted:
		if proto == protoH1 {
			checkAbortedH1(t, what, c.path, c.status)
		} else {
			checkAbortedH2C(t, what, c.path, c.status)
		}
	}
}

// checkAbortedH1 reads the response to GET path over HTTP/1.1 until the
// connection ends and checks that the status and head arrived, and the
// body visibly broke off.
func checkAbortedH1(t *testing.T, what, path string, status int) {
	t.Helper()
	raw, readErr := rawExchange("GET "+path+" HTTP/1.1\r\nHost: localhost:9080\r\nConnection: close\r\n\r\n", faultWait)
	if isTimeout(readErr) {
		t.Errorf("%s: the connection neither ended nor completed within %v (got %d bytes)", what, faultWait, len(raw))
		return
	}
	st, header, rest, err := parseH1Head(raw)
	if err != nil {
		t.Errorf("%s: %v; read %q (read error %v)", what, err, trimmed(raw), readErr)
		return
	}
	if st != status {
		t.Errorf("%s: status %d, want %d as the upstream sent before failing", what, st, status)
	}
	switch {
	case len(header["Content-Length"]) == 1:
		n, _ := strconv.Atoi(header.Get("Content-Length"))
		if len(rest) >= n {
			t.Errorf("%s: all %d bytes of Content-Length %d arrived: a complete-looking body from a broken upstream", what, len(rest), n)
		}
	case hasToken(header, "Transfer-Encoding", "chunked"):
		if body, _, err := dechunk(rest); err == nil {
			t.Errorf("%s: a terminated chunked body of %d bytes: a complete-looking body from a broken upstream", what, len(body))
		}
	default:
		// Delimited by the end of the connection: only an error ending
		// the read tells the client it is incomplete.
		if readErr == nil {
			t.Errorf("%s: a body delimited by a clean close (%d bytes): a complete-looking body from a broken upstream", what, len(rest))
		}
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func trimmed(b []byte) []byte {
	if len(b) > 300 {
		return b[:300]
	}
	return b
}

// checkAbortedH2C fetches path over h2c and checks that the status
// arrived and reading the body ended with an error.
func checkAbortedH2C(t *testing.T, what, path string, status int) {
	t.Helper()
	tr, closeConns := closableH2C()
	defer closeConns()
	ctx, cancel := context.WithTimeout(context.Background(), faultWait)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+siteAddr+path, nil)
	res, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		// The stream was reset before the head went out: broken off,
		// and visibly so. Only a hang would be wrong.
		if ctx.Err() != nil {
			t.Errorf("%s: no response within %v: %v", what, faultWait, err)
		}
		return
	}
	defer res.Body.Close()
	if res.StatusCode != status {
		t.Errorf("%s: status %d, want %d as the upstream sent before failing", what, res.StatusCode, status)
	}
	n, err := io.Copy(io.Discard, res.Body)
	switch {
	case ctx.Err() != nil:
		t.Errorf("%s: the body neither ended nor failed within %v (%d bytes)", what, faultWait, n)
	case err == nil:
		t.Errorf("%s: the body ended cleanly after %d bytes (declared %d): a complete-looking body from a broken upstream", what, n, res.ContentLength)
	}
}

// genBody is n bytes of deterministic pseudo-random content, made 64 KiB
// at a time in a buffer of its own and never held whole: 64 KiB of
// ChaCha8 output with the block's number in its first 8 bytes, so that
// no two blocks are equal and a lost, doubled or swapped block changes
// the hash.
type genBody struct {
	left  int64
	block uint64
	buf   []byte
	tmpl  []byte
	off   int
}

func newGenBody(n int64) *genBody {
	tmpl := make([]byte, 64<<10)
	_, _ = rand.NewChaCha8([32]byte{'g', 'i', 'b'}).Read(tmpl)
	return &genBody{left: n, tmpl: tmpl, buf: make([]byte, len(tmpl)), off: len(tmpl)}
}

func (g *genBody) Read(p []byte) (int, error) {
	if g.left == 0 {
		return 0, io.EOF
	}
	if g.off == len(g.buf) {
		copy(g.buf, g.tmpl)
		binary.BigEndian.PutUint64(g.buf, g.block)
		g.block++
		g.off = 0
	}
	n := copy(p, g.buf[g.off:])
	n = int(min(int64(n), g.left))
	g.off += n
	g.left -= int64(n)
	return n, nil
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// TestFaultsGiBBody proxies a 1 GiB body, generated as it is sent, and
// reads it to the end over HTTP/1.1: every byte arrives, in order, and
// Caddy is still well after.
func TestFaultsGiBBody(t *testing.T) {
	needCaddy(t)
	const size = 1 << 30
	up := newRawUpstream(t)
	handleClean(up)
	sent := make(chan uint32, 1)
	up.Handle("/gib", func(conn net.Conn, _ *bufio.Reader, _ *http.Request) {
		_ = conn.SetDeadline(time.Now().Add(2 * time.Minute))
		_, _ = io.WriteString(conn, upstream("HTTP/1.1 200 OK", "",
			"Content-Type: application/octet-stream", "Content-Length: "+strconv.Itoa(size)))
		h := crc32.New(castagnoli)
		_, _ = io.CopyBuffer(io.MultiWriter(conn, h), newGenBody(size), make([]byte, 64<<10))
		sent <- h.Sum32()
	})
	faultSite(t, up)
	checkClean(t, "warming up", "/f/clean")
	base := goroutineBaseline()
	heap0 := heapInuse()
	sampler := startHeapSampler(100 * time.Millisecond)
	before := readReport(t)

	conn, err := net.DialTimeout("tcp", siteAddr, ioTimeout)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const bound = 90 * time.Second
	_ = conn.SetDeadline(time.Now().Add(bound))
	start := time.Now()
	if _, err := io.WriteString(conn, "GET /f/gib HTTP/1.1\r\nHost: localhost:9080\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReaderSize(conn, 64<<10)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("reading the response head: %v", err)
	}
	h := crc32.New(castagnoli)
	n, err := io.CopyBuffer(h, res.Body, make([]byte, 64<<10))
	elapsed := time.Since(start)
	peak, _ := sampler.Stop()
	if err != nil {
		t.Fatalf("after %d of %d bytes (%v): %v", n, int64(size), elapsed, err)
	}
	if res.StatusCode != 200 || res.ContentLength != size || n != size {
		t.Errorf("status %d, Content-Length %d, %d bytes read; want 200, %d, %d", res.StatusCode, res.ContentLength, n, size, size)
	}
	select {
	case want := <-sent:
		if got := h.Sum32(); got != want {
			t.Errorf("CRC-32C of the body %08x, want %08x as sent", got, want)
		}
	case <-time.After(ioTimeout):
		t.Error("the upstream did not finish sending")
	}
	rest, _ := io.ReadAll(br)
	if len(rest) > 0 {
		t.Errorf("%d bytes after the body", len(rest))
	}
	_ = conn.Close()
	t.Logf("1 GiB in %v (%.0f MiB/s); heap in use %d MiB before, peak %d MiB",
		elapsed.Round(time.Millisecond), float64(size)/mib/elapsed.Seconds(), heap0/mib, peak/mib)
	// The body is streamed, never held: the heap may not grow by a
	// sizeable part of it (64 MiB is 1/16 of it and far above what
	// the buffers on the way hold).
	if peak > heap0+64*mib {
		t.Errorf("heap in use peaked at %d MiB, %d MiB before: the body is being held", peak/mib, heap0/mib)
	}
	checkDelta(t, "a 1 GiB body", before, readReport(t), nil)
	checkClean(t, "a 1 GiB body", "/f/clean")
	checkNoLeak(t, "a 1 GiB body", base)
}
