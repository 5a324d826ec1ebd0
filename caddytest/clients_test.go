package caddytest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Clients that misbehave, or merely behave unusually, in front of
// normalize and reverse_proxy: they go away mid-response, read slowly,
// send Expect: 100-continue, pipeline requests, or hold a WebSocket open.

// clientSite starts Caddy with /n/: normalize (default setup), a HEAD
// fixture, and reverse_proxy to up without any timeout, so that only the
// client's behaviour ends an exchange; and /refused/, normalize before a
// reverse_proxy to a port nothing listens on.
func clientSite(t *testing.T, up *rawUpstream) {
	t.Helper()
	startCaddy(t, proxySite(
		faultRoute{
			name:     "n",
			upstream: up.Addr(),
			fixtures: []fixture{{path: "/headbody", handler: dateLine + "header Content-Length 5\n" + `respond "hello" 200`}},
		},
		faultRoute{name: "refused", upstream: closedAddr(t), transport: shortTimeouts},
	))
}

// streamUpstream answers path with a 200 declaring size bytes and sends
// them, generated, until done or a write fails; it counts what the kernel
// took in *written and reports the end on finished.
func streamUpstream(up *rawUpstream, path string, size int64, written *atomic.Int64, finished chan<- error) {
	up.Handle(path, func(conn net.Conn, _ *bufio.Reader, _ *http.Request) {
		_, err := io.WriteString(conn, upstream("HTTP/1.1 200 OK", "",
			"Content-Type: application/octet-stream", fmt.Sprintf("Content-Length: %d", size)))
		g, buf := newGenBody(size), make([]byte, 64<<10)
		for err == nil {
			var n int
			if n, err = g.Read(buf); err != nil {
				break
			}
			n, err = conn.Write(buf[:n])
			written.Add(int64(n))
		}
		if errors.Is(err, io.EOF) {
			err = nil
		}
		finished <- err
	})
}

func TestClientDisconnectMidResponse(t *testing.T) {
	needCaddy(t)
	const size = 1 << 30 // never sent whole: the client leaves after 1 MiB
	up := newRawUpstream(t)
	handleClean(up)
	var written atomic.Int64
	finished := make(chan error, 1)
	streamUpstream(up, "/endless", size, &written, finished)
	clientSite(t, up)
	checkClean(t, "warming up", "/n/clean")
	base := goroutineBaseline()

	for _, proto := range allProtos {
		t.Run(proto, func(t *testing.T) {
			written.Store(0)
			before, series := readReport(t), violationSeries(t)
			read, err := readThenLeave(proto, "/n/endless", 1<<20)
			if err != nil {
				t.Fatalf("reading the first MiB: %v", err)
			}
			// Caddy must notice, stop copying and close the upstream's
			// connection, which ends the upstream's writing with an error.
			select {
			case err := <-finished:
				if err == nil {
					t.Errorf("the upstream sent all %d bytes to a client that left after %d", size, read)
				}
			case <-time.After(ioTimeout):
				t.Fatalf("the upstream was still sending %v after the client left (%d bytes written)", ioTimeout, written.Load())
			}
			t.Logf("client read %d bytes, upstream wrote %d before its connection was closed", read, written.Load())
			checkDelta(t, "a client gone mid-response", before, readReport(t), nil)
			if after := violationSeries(t); fmt.Sprint(after) != fmt.Sprint(series) {
				t.Errorf("%s moved: %v, then %v", violationsMetric, series, after)
			}
			checkClean(t, "a client gone mid-response", "/n/clean")
			checkNoLeak(t, "a client gone mid-response", base)
		})
	}
}

// TestClientLeavesBeforeAnswer: the client goes away while the upstream
// has not answered yet. Caddy must cancel the upstream request (close its
// connection), normalize must not take the cancellation for an upstream
// failure to answer or count, and nothing may stay behind.
func TestClientLeavesBeforeAnswer(t *testing.T) {
	needCaddy(t)
	up := newRawUpstream(t)
	handleClean(up)
	arrived, ended := make(chan struct{}, 1), make(chan struct{}, 1)
	up.Handle("/pending", func(conn net.Conn, _ *bufio.Reader, _ *http.Request) {
		arrived <- struct{}{}
		waitClosed(conn) // answers nothing until Caddy hangs up
		ended <- struct{}{}
	})
	clientSite(t, up)
	checkClean(t, "warming up", "/n/clean")
	base := goroutineBaseline()

	for _, proto := range allProtos {
		t.Run(proto, func(t *testing.T) {
			before, series := readReport(t), violationSeries(t)
			leave := make(chan struct{})
			done := make(chan error, 1)
			go func() { done <- requestThenLeave(proto, "/n/pending", leave) }()
			select {
			case <-arrived:
			case <-time.After(ioTimeout):
				t.Fatal("the request did not reach the upstream")
			}
			close(leave)
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			select {
			case <-ended:
			case <-time.After(ioTimeout):
				t.Fatalf("Caddy still held the upstream's connection %v after the client left", ioTimeout)
			}
			checkDelta(t, "a client gone before the answer", before, readReport(t), nil)
			if after := violationSeries(t); fmt.Sprint(after) != fmt.Sprint(series) {
				t.Errorf("%s moved: %v, then %v", violationsMetric, series, after)
			}
			checkClean(t, "a client gone before the answer", "/n/clean")
			checkNoLeak(t, "a client gone before the answer", base)
		})
	}
}

// requestThenLeave GETs path over proto and goes away, without a
// response, once leave is closed: h1 closes the connection, h2c cancels
// the stream and closes the connection.
func requestThenLeave(proto, path string, leave <-chan struct{}) error {
	if proto == protoH1 {
		conn, err := net.DialTimeout("tcp", siteAddr, ioTimeout)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(conn, "GET "+path+" HTTP/1.1\r\nHost: localhost:9080\r\n\r\n"); err != nil {
			conn.Close()
			return err
		}
		<-leave
		return conn.Close()
	}
	tr, closeConns := closableH2C()
	defer closeConns()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-leave; cancel() }()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+siteAddr+path, nil)
	res, err := (&http.Client{Transport: tr, Timeout: ioTimeout}).Do(req)
	if err == nil {
		res.Body.Close()
		return fmt.Errorf("got %d, want no response before leaving", res.StatusCode)
	}
	if ctx.Err() == nil {
		return err // failed for another reason than leaving
	}
	return nil
}

// readThenLeave GETs path over proto, reads n bytes of its body, and
// closes the connection.
func readThenLeave(proto, path string, n int64) (int64, error) {
	if proto == protoH1 {
		conn, err := net.DialTimeout("tcp", siteAddr, ioTimeout)
		if err != nil {
			return 0, err
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(ioTimeout))
		if _, err := io.WriteString(conn, "GET "+path+" HTTP/1.1\r\nHost: localhost:9080\r\n\r\n"); err != nil {
			return 0, err
		}
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			return 0, err
		}
		if res.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("status %d", res.StatusCode)
		}
		return io.CopyN(io.Discard, res.Body, n)
	}
	tr, closeConns := closableH2C()
	defer closeConns()
	ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+siteAddr+path, nil)
	res, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close() // cancels the stream: RST_STREAM
	if res.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("status %d", res.StatusCode)
	}
	return io.CopyN(io.Discard, res.Body, n)
}

// The slow reader: a 64 MiB body read at about 16 MiB/s (256 KiB, then a
// pause of 16ms) through a small receive buffer.
const (
	slowSize  = 64 << 20
	slowPiece = 256 << 10
	slowPause = 16 * time.Millisecond
	// slowAhead bounds how far the upstream may get ahead of the
	// client: the socket buffers on the way (up to a few MiB each,
	// autotuned) and the proxy's copy buffers, far less than the half
	// of the body that a proxy reading without backpressure would be
	// ahead by.
	slowAhead = 32 << 20
	// slowHeap bounds the growth of the test process's heap (Caddy runs
	// in it) while the body passes: buffers, not the body.
	slowHeap = 16 << 20
)

func TestClientSlowReader(t *testing.T) {
	needCaddy(t)
	up := newRawUpstream(t)
	handleClean(up)
	var written atomic.Int64
	finished := make(chan error, 1)
	streamUpstream(up, "/slow", slowSize, &written, finished)
	clientSite(t, up)
	checkClean(t, "warming up", "/n/clean")
	base := goroutineBaseline()

	for _, proto := range allProtos {
		t.Run(proto, func(t *testing.T) {
			written.Store(0)
			before := readReport(t)
			heap0 := heapInuse()
			sampler := startHeapSampler(100 * time.Millisecond)
			body, closeBody, err := openSlow(proto, "/n/slow")
			if err != nil {
				sampler.Stop()
				t.Fatal(err)
			}
			var read, maxAhead int64
			buf := make([]byte, slowPiece)
			deadline := time.Now().Add(time.Minute)
			for read < slowSize && time.Now().Before(deadline) {
				n, err := io.ReadFull(body, buf[:min(slowPiece, slowSize-read)])
				read += int64(n)
				maxAhead = max(maxAhead, written.Load()-read)
				if err != nil {
					t.Errorf("after %d bytes: %v", read, err)
					break
				}
				time.Sleep(slowPause)
			}
			closeBody()
			peak, _ := sampler.Stop()
			if read != slowSize {
				t.Errorf("read %d bytes, want %d", read, slowSize)
			}
			select {
			case err := <-finished:
				if err != nil {
					t.Errorf("upstream: %v", err)
				}
			case <-time.After(ioTimeout):
				t.Error("the upstream did not finish")
			}
			t.Logf("the upstream was at most %d KiB ahead of the client; heap in use %d MiB before, peak %d MiB",
				maxAhead>>10, heap0/mib, peak/mib)
			if maxAhead >= slowAhead {
				t.Errorf("the upstream got %d MiB ahead of a slow client (bound %d MiB): no backpressure", maxAhead/mib, slowAhead/mib)
			}
			if peak > heap0+slowHeap {
				t.Errorf("heap in use peaked at %d MiB, %d MiB before (bound +%d MiB): the body is being buffered",
					peak/mib, heap0/mib, slowHeap/mib)
			}
			checkDelta(t, "a slow reader", before, readReport(t), nil)
			checkClean(t, "a slow reader", "/n/clean")
			checkNoLeak(t, "a slow reader", base)
		})
	}
}

// slowDial connects with a fixed 128 KiB receive buffer, which stops the
// kernel from growing it (to 32 MiB here, tcp_rmem). Not smaller: below
// about twice loopback's 64 KiB segment size the receiver's window never
// opens by a whole segment and the sender stalls on the persist timer,
// which measures TCP, not the proxy.
func slowDial(ctx context.Context, _, _ string) (net.Conn, error) {
	conn, err := (&net.Dialer{Timeout: ioTimeout}).DialContext(ctx, "tcp", siteAddr)
	if err != nil {
		return nil, err
	}
	if err := conn.(*net.TCPConn).SetReadBuffer(128 << 10); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// openSlow GETs path over proto with a small receive buffer and returns
// the body to read and how to close it.
func openSlow(proto, path string) (io.Reader, func(), error) {
	if proto == protoH1 {
		conn, err := slowDial(context.Background(), "", "")
		if err != nil {
			return nil, nil, err
		}
		_ = conn.SetDeadline(time.Now().Add(time.Minute))
		if _, err := io.WriteString(conn, "GET "+path+" HTTP/1.1\r\nHost: localhost:9080\r\nConnection: close\r\n\r\n"); err != nil {
			conn.Close()
			return nil, nil, err
		}
		res, err := http.ReadResponse(bufio.NewReaderSize(conn, 16<<10), nil)
		if err != nil {
			conn.Close()
			return nil, nil, err
		}
		if res.StatusCode != http.StatusOK || res.ContentLength != slowSize {
			conn.Close()
			return nil, nil, fmt.Errorf("status %d, Content-Length %d", res.StatusCode, res.ContentLength)
		}
		return res.Body, func() { conn.Close() }, nil
	}
	tr := h2cTransport()
	tr.DialContext = slowDial
	tr, closeConns := closableH2CFrom(tr)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+siteAddr+path, nil)
	res, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		cancel()
		closeConns()
		return nil, nil, err
	}
	closeAll := func() {
		res.Body.Close()
		cancel()
		closeConns()
	}
	if res.StatusCode != http.StatusOK || res.ContentLength != slowSize {
		closeAll()
		return nil, nil, fmt.Errorf("status %d, Content-Length %d", res.StatusCode, res.ContentLength)
	}
	return res.Body, closeAll, nil
}

func TestClientExpectContinue(t *testing.T) {
	needCaddy(t)
	up := newRawUpstream(t)
	handleClean(up)
	up.Handle("/echo", func(conn net.Conn, _ *bufio.Reader, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		_, _ = io.WriteString(conn, upstream("HTTP/1.1 200 OK", string(body),
			"Content-Type: text/plain", "Content-Length: "+itoa(len(body))))
	})
	clientSite(t, up)
	checkClean(t, "warming up", "/n/clean")
	base := goroutineBaseline()
	before := readReport(t)

	payload := strings.Repeat("expect-continue payload. ", 400)
	conn, err := net.DialTimeout("tcp", siteAddr, ioTimeout)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(ioTimeout))
	_, err = fmt.Fprintf(conn, "POST /n/echo HTTP/1.1\r\nHost: localhost:9080\r\nContent-Type: text/plain\r\n"+
		"Content-Length: %d\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n", len(payload))
	if err != nil {
		t.Fatal(err)
	}
	// Nothing of the body is sent before the 100.
	br := bufio.NewReader(conn)
	var head bytes.Buffer
	for !bytes.HasSuffix(head.Bytes(), []byte("\r\n\r\n")) {
		b, err := br.ReadByte()
		if err != nil {
			t.Fatalf("waiting for 100 Continue: %v (got %q)", err, head.Bytes())
		}
		head.WriteByte(b)
	}
	if st, _, _, err := parseH1Head(head.Bytes()); err != nil || st != http.StatusContinue {
		t.Fatalf("first response %q, want 100 Continue", head.Bytes())
	}
	if _, err := io.WriteString(conn, payload); err != nil {
		t.Fatal(err)
	}
	rest, err := io.ReadAll(br)
	if err != nil {
		t.Fatalf("reading the final response: %v", err)
	}
	got, err := parseH1Response(rest, http.MethodPost)
	if err != nil {
		t.Fatalf("%v: %q", err, rest)
	}
	if got.status != http.StatusOK || string(got.body) != payload || len(got.extra) > 0 || len(got.interim) > 0 {
		t.Errorf("final response %d, %d interim, body of %d bytes (want %d, the echo), %d extra bytes",
			got.status, len(got.interim), len(got.body), len(payload), len(got.extra))
	}
	if n := up.Hits("/echo"); n != 1 {
		t.Errorf("the upstream was asked %d times, want once", n)
	}

	// An upstream that cannot be reached: the generated 502 answers the
	// request, whether or not the body was asked for, and the client is
	// not left waiting to send it.
	expect := fmt.Sprintf("POST /refused/echo HTTP/1.1\r\nHost: localhost:9080\r\nContent-Type: text/plain\r\n"+
		"Content-Length: %d\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n", len(payload))
	raw, err := rawExchange(expect, ioTimeout)
	if err != nil && !bytes.Contains(raw, []byte("\r\n\r\n")) {
		t.Fatalf("Expect: 100-continue to a refused upstream: %v (got %q)", err, raw)
	}
	got, err = parseH1Response(raw, http.MethodPost)
	switch {
	case err != nil:
		t.Errorf("Expect: 100-continue to a refused upstream: %v: %q", err, raw)
	default:
		checkGenerated(t, "Expect: 100-continue to a refused upstream", got, http.StatusBadGateway, "")
		for _, ir := range got.interim {
			if ir.status != http.StatusContinue {
				t.Errorf("Expect: 100-continue to a refused upstream: interim %d", ir.status)
			}
		}
	}
	checkDelta(t, "Expect: 100-continue", before, readReport(t), nil)
	checkClean(t, "Expect: 100-continue", "/n/clean")
	checkNoLeak(t, "Expect: 100-continue", base)
}

func TestClientPipelining(t *testing.T) {
	needCaddy(t)
	up := newRawUpstream(t)
	handleClean(up)
	up.HandleBytes("/one", upstream("HTTP/1.1 200 OK", "first", "Content-Length: 5"))
	up.HandleBytes("/reset", upstream("HTTP/1.1 205 Reset Content", "hello", "Content-Length: 5"))
	up.HandleBytes("/nobody", upstream("HTTP/1.1 204 No Content", "hello", "Content-Length: 5"))
	up.HandleBytes("/two", upstream("HTTP/1.1 200 OK", "second!", "Content-Length: 7"))
	clientSite(t, up)
	checkClean(t, "warming up", "/n/clean")
	base := goroutineBaseline()
	before := readReport(t)

	type exchange struct {
		method, path string
		status       int
		header       map[string]string // exact single values; "" for absent
		body         string
	}
	exchanges := []exchange{
		{"GET", "/n/one", 200, map[string]string{"Content-Length": "5"}, "first"},
		// Fixed by normalize: the upstream's 5 bytes must not reach the
		// wire, or the client reads them as the start of the next response.
		{"GET", "/n/reset", 205, map[string]string{"Content-Length": "0"}, ""},
		{"GET", "/n/nobody", 204, map[string]string{"Content-Length": "", "Transfer-Encoding": ""}, ""},
		{"HEAD", "/n/headbody", 200, map[string]string{"Content-Length": "5"}, ""},
		{"GET", "/n/two", 200, map[string]string{"Content-Length": "7"}, "second!"},
	}
	var reqs strings.Builder
	for i, e := range exchanges {
		conn := ""
		if i == len(exchanges)-1 {
			conn = "Connection: close\r\n"
		}
		fmt.Fprintf(&reqs, "%s %s HTTP/1.1\r\nHost: localhost:9080\r\n%s\r\n", e.method, e.path, conn)
	}
	// All requests in one write, before any response is read.
	raw, err := rawExchange(reqs.String(), ioTimeout)
	if err != nil {
		t.Fatalf("reading the responses: %v (got %q)", err, raw)
	}
	rest := raw
	for i, e := range exchanges {
		got, err := parseH1Response(rest, e.method)
		if err != nil {
			t.Fatalf("response %d (%s %s): %v; what is left: %q", i+1, e.method, e.path, err, rest)
		}
		if got.status != e.status || string(got.body) != e.body {
			t.Errorf("response %d (%s %s): %d %q, want %d %q", i+1, e.method, e.path, got.status, got.body, e.status, e.body)
		}
		for k, v := range e.header {
			if vs := got.header.Values(k); (v == "" && len(vs) > 0) || (v != "" && (len(vs) != 1 || vs[0] != v)) {
				t.Errorf("response %d (%s %s): %s = %q, want %q", i+1, e.method, e.path, k, vs, v)
			}
		}
		rest = got.extra
	}
	if len(rest) > 0 {
		t.Errorf("%d bytes after the last response: %q", len(rest), rest)
	}
	checkDelta(t, "pipelined requests", before, readReport(t), delta{
		"reset-content":     {enforced: 1},
		"content-forbidden": {enforced: 1},
		"head-content":      {enforced: 1},
	})
	checkClean(t, "pipelined requests", "/n/clean")
	checkNoLeak(t, "pipelined requests", base)
}

// WebSocket frames (RFC 6455 §5.2), enough of them for an echo.
const (
	wsText  = 0x1
	wsClose = 0x8
	wsPing  = 0x9
	wsPong  = 0xA
)

func writeFrame(w io.Writer, opcode byte, payload []byte, masked bool) error {
	hdr := []byte{0x80 | opcode}
	mbit := byte(0)
	if masked {
		mbit = 0x80
	}
	switch n := len(payload); {
	case n < 126:
		hdr = append(hdr, mbit|byte(n))
	case n < 1<<16:
		hdr = append(hdr, mbit|126)
		hdr = binary.BigEndian.AppendUint16(hdr, uint16(n))
	default:
		hdr = append(hdr, mbit|127)
		hdr = binary.BigEndian.AppendUint64(hdr, uint64(n))
	}
	data := payload
	if masked {
		key := [4]byte{0x37, 0xfa, 0x21, 0x3d}
		hdr = append(hdr, key[:]...)
		data = make([]byte, len(payload))
		for i := range payload {
			data[i] = payload[i] ^ key[i%4]
		}
	}
	_, err := w.Write(append(hdr, data...))
	return err
}

// readFrame reads one unfragmented frame and unmasks its payload; it
// reports whether the frame was masked.
func readFrame(r io.Reader) (opcode byte, payload []byte, masked bool, err error) {
	var h [2]byte
	if _, err = io.ReadFull(r, h[:]); err != nil {
		return 0, nil, false, err
	}
	if h[0]&0x80 == 0 {
		return 0, nil, false, errors.New("fragmented frame")
	}
	opcode, masked = h[0]&0x0f, h[1]&0x80 != 0
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126:
		var b [2]byte
		if _, err = io.ReadFull(r, b[:]); err != nil {
			return 0, nil, false, err
		}
		n = uint64(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		if _, err = io.ReadFull(r, b[:]); err != nil {
			return 0, nil, false, err
		}
		n = binary.BigEndian.Uint64(b[:])
	}
	if n > 1<<20 {
		return 0, nil, false, fmt.Errorf("frame of %d bytes", n)
	}
	var key [4]byte
	if masked {
		if _, err = io.ReadFull(r, key[:]); err != nil {
			return 0, nil, false, err
		}
	}
	payload = make([]byte, n)
	if _, err = io.ReadFull(r, payload); err != nil {
		return 0, nil, false, err
	}
	if masked {
		for i := range payload {
			payload[i] ^= key[i%4]
		}
	}
	return opcode, payload, masked, nil
}

// wsEchoUpstream completes the handshake and echoes text frames, answers
// pings, and answers a close with a close before it hangs up.
func wsEchoUpstream(frames *atomic.Int64) rawHandler {
	const guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
	return func(conn net.Conn, br *bufio.Reader, req *http.Request) {
		if !strings.EqualFold(req.Header.Get("Upgrade"), "websocket") {
			_, _ = io.WriteString(conn, noContent("HTTP/1.1 400 Bad Request"))
			return
		}
		sum := sha1.Sum([]byte(req.Header.Get("Sec-WebSocket-Key") + guid))
		_, _ = io.WriteString(conn, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
			"Sec-WebSocket-Accept: "+base64.StdEncoding.EncodeToString(sum[:])+"\r\n\r\n")
		for {
			op, payload, masked, err := readFrame(br)
			if err != nil || !masked { // a client's frames are masked (§5.3)
				return
			}
			frames.Add(1)
			switch op {
			case wsText:
				err = writeFrame(conn, wsText, payload, false)
			case wsPing:
				err = writeFrame(conn, wsPong, payload, false)
			case wsClose:
				_ = writeFrame(conn, wsClose, payload, false)
				return
			}
			if err != nil {
				return
			}
		}
	}
}

func TestClientWebSocketHeld(t *testing.T) {
	needCaddy(t)
	up := newRawUpstream(t)
	handleClean(up)
	var frames atomic.Int64
	up.Handle("/ws", wsEchoUpstream(&frames))
	clientSite(t, up)
	checkClean(t, "warming up", "/n/clean")
	base := goroutineBaseline()
	before := readReport(t)

	conn, br, _ := websocketHandshake(t, "/n/ws", 4*ioTimeout)

	// Held open for about 2 seconds: a message every 200ms, one of them
	// larger than a small frame, and a ping.
	const messages = 10
	for i := range messages {
		msg := []byte(fmt.Sprintf("message %d: %s", i, strings.Repeat("x", i*40)))
		op, want := byte(wsText), byte(wsText)
		if i == messages/2 {
			op, want = wsPing, wsPong
		}
		if err := writeFrame(conn, op, msg, true); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		gotOp, payload, masked, err := readFrame(br)
		if err != nil {
			t.Fatalf("echo of message %d: %v", i, err)
		}
		if gotOp != want || !bytes.Equal(payload, msg) || masked {
			t.Fatalf("echo of message %d: opcode %#x %q (masked %v), want %#x %q unmasked", i, gotOp, payload, masked, want, msg)
		}
		time.Sleep(200 * time.Millisecond)
	}
	// The closing handshake (§5.5.1): status 1000, echoed, then the end.
	closing := binary.BigEndian.AppendUint16(nil, 1000)
	if err := writeFrame(conn, wsClose, append(closing, "bye"...), true); err != nil {
		t.Fatal(err)
	}
	op, payload, _, err := readFrame(br)
	if err != nil || op != wsClose || !bytes.Equal(payload, append(closing, "bye"...)) {
		t.Fatalf("closing handshake: opcode %#x payload %q, %v; want a close frame with 1000 \"bye\"", op, payload, err)
	}
	if extra, err := io.ReadAll(br); err != nil || len(extra) > 0 {
		t.Errorf("after the close frame: %q, %v; want the connection closed cleanly", extra, err)
	}
	if n := frames.Load(); n != messages+1 {
		t.Errorf("the upstream got %d frames, want %d", n, messages+1)
	}
	_ = conn.Close()
	checkDelta(t, "a WebSocket held open", before, readReport(t), nil)
	checkClean(t, "a WebSocket held open", "/n/clean")
	checkNoLeak(t, "a WebSocket held open", base)
}
