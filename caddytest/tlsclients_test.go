package caddytest

import (
	"crypto/tls"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/quic-go/quic-go/http3"
)

// The clients of the TLS site (tlsSiteAddr): HTTP/2 over TLS with Go's
// client and HTTP/3 with quic-go's, each one transport shared by every
// test of the process, so that a table's hundreds of requests reuse a
// handful of connections. startCaddy closes their connections after
// every load, since a reload ends the old servers' connections.

// tlsHost is the site's name: the SNI that selects Caddy's internal
// certificate and the Host (:authority) that the site's routes match.
const tlsHost = "localhost"

var sharedTLS struct {
	mu sync.Mutex
	h2 *http.Transport
	h3 *http3.Transport
}

// clientTLSConfig trusts whatever certificate Caddy's internal CA made:
// the tests are about HTTP, not about the chain.
func clientTLSConfig() *tls.Config {
	return &tls.Config{ServerName: tlsHost, InsecureSkipVerify: true} //nolint:gosec // Caddy's internal CA, a test
}

// h2TLSTransport returns the shared transport that speaks only HTTP/2
// over TLS.
func h2TLSTransport() *http.Transport {
	sharedTLS.mu.Lock()
	defer sharedTLS.mu.Unlock()
	if sharedTLS.h2 == nil {
		var p http.Protocols
		p.SetHTTP2(true)
		sharedTLS.h2 = &http.Transport{
			Protocols:          &p,
			TLSClientConfig:    clientTLSConfig(),
			DisableCompression: true,
			ForceAttemptHTTP2:  true,
			DialContext:        (&net.Dialer{Timeout: ioTimeout}).DialContext,
		}
	}
	return sharedTLS.h2
}

// h3Transport returns the shared HTTP/3 transport.
func h3Transport() *http3.Transport {
	sharedTLS.mu.Lock()
	defer sharedTLS.mu.Unlock()
	if sharedTLS.h3 == nil {
		sharedTLS.h3 = &http3.Transport{
			TLSClientConfig:    clientTLSConfig(),
			DisableCompression: true,
		}
	}
	return sharedTLS.h3
}

// closeTLSClients closes the idle connections of the shared transports.
func closeTLSClients() {
	sharedTLS.mu.Lock()
	defer sharedTLS.mu.Unlock()
	if sharedTLS.h2 != nil {
		sharedTLS.h2.CloseIdleConnections()
	}
	if sharedTLS.h3 != nil {
		sharedTLS.h3.CloseIdleConnections()
	}
}

// fetchH2 sends req with Go's HTTP/2 client over TLS.
func fetchH2(req request) (*wireResponse, error) {
	return roundTrip(h2TLSTransport(), protoH2, "https://"+tlsSiteAddr, tlsHost+":9443", req)
}

// fetchH3 sends req with quic-go's HTTP/3 client.
func fetchH3(req request) (*wireResponse, error) {
	return roundTrip(h3Transport(), protoH3, "https://"+tlsSiteAddr, tlsHost+":9443", req)
}

// waitTLS waits, up to ioTimeout, until the TLS site completes a
// handshake: Caddy obtains the site's certificate from its internal CA in
// the background after the first load.
func waitTLS(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(ioTimeout)
	for {
		conn, err := tls.DialWithDialer(&net.Dialer{Timeout: ioTimeout}, "tcp", tlsSiteAddr, clientTLSConfig())
		if err == nil {
			conn.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the TLS site %s did not complete a handshake within %v: %v", tlsSiteAddr, ioTimeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestTLSClientsRefuseMalformed: the HTTP/2 and HTTP/3 clients turn a
// response with a connection-specific field into an error.
func TestTLSClientsRefuseMalformed(t *testing.T) {
	for _, h := range []http.Header{{"Upgrade": {"websocket"}}, {"Connection": {"close"}}, {"Transfer-Encoding": {"chunked"}}} {
		if err := connectionSpecific(h); err == nil {
			t.Errorf("connectionSpecific(%v) = nil, want an error", h)
		}
	}
	if err := connectionSpecific(http.Header{"Content-Type": {"text/plain"}, "Upgrade-Insecure-Requests": {"1"}}); err != nil {
		t.Errorf("connectionSpecific of a clean header: %v", err)
	}
}
