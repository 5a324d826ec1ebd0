package caddytest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestClientGoneNotAnUpstreamFailure: a client that goes away while the
// upstream is still thinking gets no generated error (nothing is written:
// Caddy's access log records no body and no 5xx), nothing is counted or
// logged as the upstream's failure (not even by reverse_proxy's passive
// health check, which would mark the only upstream down after one), and
// Caddy serves the next request.
func TestClientGoneNotAnUpstreamFailure(t *testing.T) {
	needCaddy(t)
	arrived := make(chan string, 4)  // the upstream has the request
	released := make(chan string, 4) // Caddy dropped the upstream request
	up := newRawUpstream(t)
	up.Handle("/hang", func(conn net.Conn, br *bufio.Reader, req *http.Request) {
		tok := req.URL.Query().Get("t")
		arrived <- tok
		_, _ = io.Copy(io.Discard, br) // until Caddy closes the connection
		released <- tok
	})
	up.HandleBytes("/ok", upstream("HTTP/1.1 200 OK", "still serving", "Content-Type: text/plain", "Content-Length: 13"))
	log := newCaddyLog(t, "caddy.log")
	access := newCaddyLog(t, "access.log")
	site := "log {\noutput file " + access.path + "\nformat json\n}"
	startCaddy(t, errorSite(log.path, site, []proxyRoute{{
		name:  "gone",
		proxy: "reverse_proxy " + up.Addr() + " {\nfail_duration 1m\nmax_fails 1\n}",
	}}))

	awaitToken := func(t *testing.T, ch chan string, tok, what string) {
		t.Helper()
		select {
		case got := <-ch:
			if got != tok {
				t.Fatalf("%s: got request %q, want %q", what, got, tok)
			}
		case <-time.After(ioTimeout):
			t.Fatalf("%s: not within %v", what, ioTimeout)
		}
	}

	// leave sends a request for /gone/hang and goes away once the
	// upstream has it.
	leave := map[string]func(t *testing.T, tok string){
		protoH1: func(t *testing.T, tok string) {
			conn, err := net.DialTimeout("tcp", siteAddr, ioTimeout)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			fmt.Fprintf(conn, "GET /gone/hang?t=%s HTTP/1.1\r\nHost: localhost:9080\r\nAccept: application/json\r\n\r\n", tok)
			awaitToken(t, arrived, tok, "the upstream getting the request")
			if err := conn.Close(); err != nil {
				t.Fatal(err)
			}
		},
		protoH2C: func(t *testing.T, tok string) {
			tr := h2cTransport()
			defer tr.CloseIdleConnections()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+siteAddr+"/gone/hang?t="+tok, nil)
			req.Header.Set("Accept", "application/json")
			done := make(chan error, 1)
			go func() {
				res, err := tr.RoundTrip(req)
				if err == nil {
					res.Body.Close()
					err = fmt.Errorf("got a response, status %d", res.StatusCode)
				}
				done <- err
			}()
			awaitToken(t, arrived, tok, "the upstream getting the request")
			cancel() // RST_STREAM
			if err := <-done; !strings.Contains(fmt.Sprint(err), "context canceled") {
				t.Errorf("the cancelled request: %v, want context canceled", err)
			}
		},
	}

	for _, proto := range allProtos {
		t.Run(proto, func(t *testing.T) {
			tok := "gone-" + proto
			before := readReport(t)
			leave[proto](t, tok)
			awaitToken(t, released, tok, "Caddy dropping the upstream request after the client left")
			// The access log entry is written once the handlers have
			// returned: after it, whatever normalize did is done.
			entry := access.await(t, "the request "+tok, func(e map[string]any) bool {
				req, _ := e["request"].(map[string]any)
				uri, _ := req["uri"].(string)
				return strings.Contains(uri, tok)
			})
			status, _ := entry["status"].(float64)
			size, _ := entry["size"].(float64)
			if (status >= 500 && status < 600) || size != 0 {
				t.Errorf("the access log has status %v and %v bytes for the client that left, want no error body: %v", status, size, entry)
			}
			checkDelta(t, "a client that left", before, readReport(t), nil)
			if es := log.matching(t, failuresFor(tok)); len(es) != 0 {
				t.Errorf("a client that left is logged as an upstream failure: %v", es)
			}
			next := fetch(t, proto, request{path: "/gone/ok", header: map[string]string{"Accept": "application/json"}})
			if next.status != http.StatusOK || string(next.body) != "still serving" {
				t.Errorf("the next request: status %d body %q, want 200 %q from the upstream", next.status, next.body, "still serving")
			}
		})
	}
}
