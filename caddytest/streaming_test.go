package caddytest

import (
	"bufio"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// Streams through normalize in its default (enforce) setup must arrive as
// the upstream sends them: unbuffered, upgraded, with their 1xx, intact.

// streamSite starts Caddy with one route, /n/, normalize before
// reverse_proxy to up.
func streamSite(t *testing.T, up *rawUpstream) {
	t.Helper()
	startCaddy(t, siteConfig{upstream: up.Addr(), routes: []route{{name: "n", normalize: normalizeWith()}}}.String())
}

// ackWait is how long an upstream waits for the client to confirm it has
// what was sent so far: what is buffered anywhere on the way never
// arrives within it.
const ackWait = 5 * time.Second

func TestStreamingSSE(t *testing.T) {
	needCaddy(t)
	up := newRawUpstream(t)
	events := []string{"data: 1\n\n", "id: 2\ndata: two\n\n", "event: end\ndata: 3\n\n"}
	acks := map[string]chan int{}
	stalled := map[string]chan string{}
	for _, proto := range allProtos {
		ack, stall := make(chan int, len(events)), make(chan string, 1)
		acks[proto], stalled[proto] = ack, stall
		up.Handle("/sse-"+proto, func(conn net.Conn, _ *bufio.Reader, _ *http.Request) {
			_, _ = io.WriteString(conn, rawResponse("HTTP/1.1 200 OK", []string{
				"Date: " + fixedDate, "Content-Type: text/event-stream",
				"Cache-Control: no-cache", "Transfer-Encoding: chunked"}, ""))
			for i, ev := range events {
				if _, err := fmt.Fprintf(conn, "%x\r\n%s\r\n", len(ev), ev); err != nil {
					return
				}
				select {
				case <-ack:
				case <-time.After(ackWait):
					stall <- fmt.Sprintf("the client did not get event %d within %v of its sending", i+1, ackWait)
					return
				}
			}
			_, _ = io.WriteString(conn, "0\r\n\r\n")
		})
	}
	streamSite(t, up)

	for _, proto := range allProtos {
		t.Run(proto, func(t *testing.T) {
			before := readReport(t)
			ctx, cancel := context.WithTimeout(context.Background(), 3*ackWait)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+siteAddr+"/n/sse-"+proto, nil)
			req.Header.Set("Accept", "text/event-stream")
			res, err := (&http.Client{Transport: transportFor(proto)}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" {
				t.Fatalf("status %d, Content-Type %q; want 200 text/event-stream", res.StatusCode, res.Header.Get("Content-Type"))
			}
			br := bufio.NewReader(res.Body)
			for i, want := range events {
				got, err := readEvent(br)
				if err != nil {
					select {
					case why := <-stalled[proto]:
						t.Fatalf("event %d: %v: %s (buffered on the way?)", i+1, err, why)
					default:
						t.Fatalf("event %d: %v", i+1, err)
					}
				}
				if got != want {
					t.Fatalf("event %d = %q, want %q", i+1, got, want)
				}
				acks[proto] <- i
			}
			if rest, err := io.ReadAll(br); err != nil || len(rest) > 0 {
				t.Errorf("after the last event: %q, %v; want a clean end", rest, err)
			}
			checkDelta(t, "a valid event stream", before, readReport(t), nil)
		})
	}
}

// readEvent reads one server-sent event: lines up to an empty one.
func readEvent(br *bufio.Reader) (string, error) {
	var b strings.Builder
	for {
		line, err := br.ReadString('\n')
		b.WriteString(line)
		if err != nil {
			return b.String(), err
		}
		if line == "\n" {
			return b.String(), nil
		}
	}
}

func TestStreamingWebSocket(t *testing.T) {
	needCaddy(t)
	up := newRawUpstream(t)
	const guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
	up.Handle("/ws", func(conn net.Conn, br *bufio.Reader, req *http.Request) {
		if !strings.EqualFold(req.Header.Get("Upgrade"), "websocket") || !hasToken(req.Header, "Connection", "upgrade") {
			_, _ = io.WriteString(conn, noContent("HTTP/1.1 400 Bad Request"))
			return
		}
		sum := sha1.Sum([]byte(req.Header.Get("Sec-WebSocket-Key") + guid))
		_, _ = io.WriteString(conn, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
			"Sec-WebSocket-Accept: "+base64.StdEncoding.EncodeToString(sum[:])+"\r\n\r\n")
		_, _ = io.Copy(conn, br) // echo whatever comes, until the client closes
	})
	streamSite(t, up)
	before := readReport(t)

	conn, br, res := websocketHandshake(t, "/n/ws", ioTimeout)
	if !strings.EqualFold(res.Header.Get("Upgrade"), "websocket") {
		t.Errorf("Upgrade %q, want websocket", res.Header.Get("Upgrade"))
	}
	// Masked text frames (RFC 6455 §5.7 "Hello"), then more bytes: the
	// upstream echoes them all, so they must come back unchanged.
	for _, msg := range [][]byte{
		{0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58},
		[]byte("and then some more bytes, \x00\xff included"),
	} {
		if _, err := conn.Write(msg); err != nil {
			t.Fatal(err)
		}
		echo := make([]byte, len(msg))
		if _, err := io.ReadFull(br, echo); err != nil {
			t.Fatalf("reading the echo of %q: %v", msg, err)
		}
		if string(echo) != string(msg) {
			t.Fatalf("echo %q, want %q", echo, msg)
		}
	}
	checkDelta(t, "a WebSocket handshake", before, readReport(t), nil)
}

func TestStreamingEarlyHints(t *testing.T) {
	needCaddy(t)
	up := newRawUpstream(t)
	const link = "</style.css>; rel=preload; as=style"
	acks, stalled := map[string]chan struct{}{}, map[string]chan struct{}{}
	for _, proto := range allProtos {
		ack, stall := make(chan struct{}, 1), make(chan struct{}, 1)
		acks[proto], stalled[proto] = ack, stall
		up.Handle("/hints-"+proto, func(conn net.Conn, _ *bufio.Reader, _ *http.Request) {
			_, _ = io.WriteString(conn, "HTTP/1.1 103 Early Hints\r\nLink: "+link+"\r\n\r\n")
			select {
			case <-ack:
			case <-time.After(ackWait):
				stall <- struct{}{}
			}
			_, _ = io.WriteString(conn, upstream("HTTP/1.1 200 OK", "page", "Content-Type: text/html", "Content-Length: 4"))
		})
	}
	streamSite(t, up)

	for _, proto := range allProtos {
		t.Run(proto, func(t *testing.T) {
			before := readReport(t)
			var (
				mu      sync.Mutex
				interim []interimResponse
			)
			ctx, cancel := context.WithTimeout(context.Background(), 3*ackWait)
			defer cancel()
			ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
				Got1xxResponse: func(code int, h textproto.MIMEHeader) error {
					mu.Lock()
					interim = append(interim, interimResponse{code, http.Header(h).Clone()})
					mu.Unlock()
					select {
					case acks[proto] <- struct{}{}:
					default:
					}
					return nil
				},
			})
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+siteAddr+"/n/hints-"+proto, nil)
			res, err := (&http.Client{Transport: transportFor(proto)}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(res.Body)
			res.Body.Close()
			if err != nil || res.StatusCode != 200 || string(body) != "page" {
				t.Errorf("final response %d %q (%v), want 200 \"page\"", res.StatusCode, body, err)
			}
			select {
			case <-stalled[proto]:
				t.Errorf("the 103 did not reach the client within %v, before the 200 was sent", ackWait)
			default:
			}
			mu.Lock()
			defer mu.Unlock()
			if len(interim) != 1 || interim[0].status != http.StatusEarlyHints || interim[0].header.Get("Link") != link {
				t.Errorf("interim responses %+v, want one 103 with Link %q", interim, link)
			}
			checkDelta(t, "103 then 200", before, readReport(t), nil)
		})
	}
}

// bigBody is 64 MiB of pseudo-random bytes and their SHA-256.
var bigBody = sync.OnceValues(func() ([]byte, [32]byte) {
	b := make([]byte, 64<<20)
	_, _ = rand.NewChaCha8([32]byte{'n', 'o', 'r', 'm'}).Read(b)
	return b, sha256.Sum256(b)
})

func TestStreamingLargeBody(t *testing.T) {
	needCaddy(t)
	data, sum := bigBody()
	up := newRawUpstream(t)
	up.Handle("/big-length", func(conn net.Conn, _ *bufio.Reader, _ *http.Request) {
		_, _ = io.WriteString(conn, upstream("HTTP/1.1 200 OK", "",
			"Content-Type: application/octet-stream", "Content-Length: "+itoa(len(data))))
		_, _ = conn.Write(data)
	})
	up.Handle("/big-chunked", func(conn net.Conn, _ *bufio.Reader, _ *http.Request) {
		w := bufio.NewWriterSize(conn, 256<<10)
		_, _ = io.WriteString(w, upstream("HTTP/1.1 200 OK", "",
			"Content-Type: application/octet-stream", "Transfer-Encoding: chunked"))
		// Uneven chunk sizes, so that no boundary lines up with a buffer.
		for off, n := 0, 1; off < len(data); off, n = off+n, n*3%65521+1 {
			n = min(n, len(data)-off)
			fmt.Fprintf(w, "%x\r\n", n)
			_, _ = w.Write(data[off : off+n])
			_, _ = io.WriteString(w, "\r\n")
		}
		_, _ = io.WriteString(w, "0\r\n\r\n")
		_ = w.Flush()
	})
	streamSite(t, up)

	for _, framing := range []string{"length", "chunked"} {
		for _, proto := range allProtos {
			t.Run(framing+"/"+proto, func(t *testing.T) {
				before := readReport(t)
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+siteAddr+"/n/big-"+framing, nil)
				res, err := (&http.Client{Transport: transportFor(proto)}).Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				h := sha256.New()
				n, err := io.Copy(h, res.Body)
				if err != nil {
					t.Fatalf("after %d bytes: %v", n, err)
				}
				if res.StatusCode != 200 || n != int64(len(data)) || [32]byte(h.Sum(nil)) != sum {
					t.Errorf("status %d, %d bytes, sha256 %x; want 200, %d bytes, sha256 %x",
						res.StatusCode, n, h.Sum(nil), len(data), sum)
				}
				if framing == "length" && res.ContentLength != int64(len(data)) {
					t.Errorf("Content-Length %d, want %d", res.ContentLength, len(data))
				}
				checkDelta(t, "a 64 MiB response", before, readReport(t), nil)
			})
		}
	}
}

// websocketHandshake opens a connection to the site, sends the WebSocket
// handshake of RFC 6455 §1.2 (whose accept value is known) for path, and
// checks the 101. The connection, closed at the end of the test, has
// deadline d; br reads what follows the 101.
func websocketHandshake(t *testing.T, path string, d time.Duration) (net.Conn, *bufio.Reader, *http.Response) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", siteAddr, ioTimeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(d))
	_, err = io.WriteString(conn, "GET "+path+" HTTP/1.1\r\nHost: localhost:9080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("reading the handshake response: %v", err)
	}
	const accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
	if res.StatusCode != http.StatusSwitchingProtocols || res.Header.Get("Sec-WebSocket-Accept") != accept {
		t.Fatalf("handshake: %d, Sec-WebSocket-Accept %q; want 101, %s", res.StatusCode, res.Header.Get("Sec-WebSocket-Accept"), accept)
	}
	return conn, br, res
}
