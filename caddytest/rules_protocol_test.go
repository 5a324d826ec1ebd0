package caddytest

import (
	"io"
	"net/http"
	"testing"
)

// What only some protocols get wrong: connection-specific fields over
// HTTP/2 and HTTP/3, 1xx responses to HTTP/1.0 clients, fields a 304
// must not carry, which Go's HTTP/1 server drops and its HTTP/2 server
// and quic-go's HTTP/3 server send. Each test asserts the correct
// outcome over every protocol it concerns, and a control shows that the
// protocol needs it (stock Caddy gets it wrong, or the client notices).

// protocolSite starts Caddy with /stock/ (no normalize) and /n/
// (normalize with the given settings) in front of up, over every
// protocol.
func protocolSite(t *testing.T, up *rawUpstream, fixtures []fixture, settings ...string) {
	t.Helper()
	startCaddy(t, siteConfig{upstream: up.Addr(), fixtures: fixtures, routes: []route{
		{name: "stock"},
		{name: "n", normalize: normalizeWith(settings...)},
	}}.String())
}

// connectionOptions checks that the response carries, in its Connection
// field, every one of options.
func connectionOptions(options ...string) func(*testing.T, string, *wireResponse) {
	return func(t *testing.T, what string, got *wireResponse) {
		t.Helper()
		for _, o := range options {
			if !hasToken(got.header, "Connection", o) {
				t.Errorf("%s: Connection = %q, want the %q option", what, got.header.Values("Connection"), o)
			}
		}
	}
}

// TestProtocolUpgradeRequired: a 426 is repaired with the configured
// Upgrade only where Upgrade exists. Over HTTP/1.1 the field comes with
// the "upgrade" connection option (RFC 9110 §7.8: a sender of Upgrade
// MUST send it). Over HTTP/2 and HTTP/3 Upgrade is a connection-specific
// field (RFC 9113 §8.2.2, RFC 9114 §4.2): a response with it is
// malformed, curl fails with PROTOCOL_ERROR, so the 426 must reach the
// client without it, readable.
func TestProtocolUpgradeRequired(t *testing.T) {
	needCaddy(t)
	up := newRawUpstream(t)
	up.HandleBytes("/426", noContent("HTTP/1.1 426 Upgrade Required"))
	// An upstream that does send Upgrade: Caddy's reverse_proxy strips it
	// as hop-by-hop, with its Connection.
	up.HandleBytes("/426-upgrade", noContent("HTTP/1.1 426 Upgrade Required", "Upgrade: websocket", "Connection: Upgrade"))
	protocolSite(t, up, []fixture{{path: "/426-respond", handler: dateLine + "respond 426"}}, "upgrade websocket")

	// The control: stock Caddy's 426 is readable over every protocol.
	for _, path := range []string{"/stock/426", "/stock/426-upgrade", "/stock/426-respond"} {
		for _, proto := range everyProto {
			got, err := tryFetch(proto, request{path: path})
			if err != nil {
				t.Errorf("stock Caddy: GET %s over %s: %v", path, proto, err)
				continue
			}
			if got.status != http.StatusUpgradeRequired {
				t.Errorf("stock Caddy: GET %s over %s: status %d, want 426", path, proto, got.status)
			}
		}
	}

	for _, path := range []string{"/n/426", "/n/426-upgrade", "/n/426-respond"} {
		for _, proto := range []string{protoH2, protoH2C, protoH3} {
			t.Run(path[1:]+"/"+proto, func(t *testing.T) {
				what := "GET " + path + " over " + proto
				got, err := tryFetch(proto, request{path: path})
				if err != nil {
					t.Fatalf("%s: %v; want a readable 426 without Upgrade", what, err)
				}
				if got.status != http.StatusUpgradeRequired {
					t.Errorf("%s: status %d, want 426", what, got.status)
				}
				for _, k := range connectionSpecificFields {
					if v := got.header.Values(k); len(v) > 0 {
						t.Errorf("%s: %s = %q, want none", what, k, v)
					}
				}
			})
		}
		// HTTP/1.1, from a client that asks to close the connection
		// (the raw one) and from one that keeps it (Go's).
		t.Run(path[1:]+"/"+protoH1, func(t *testing.T) {
			what := "GET " + path + " over h1"
			got := fetch(t, protoH1, request{path: path})
			if got.status != http.StatusUpgradeRequired || got.header.Get("Upgrade") != "websocket" {
				t.Errorf("%s: status %d, Upgrade %q; want 426 with Upgrade: websocket", what, got.status, got.header.Values("Upgrade"))
			}
			connectionOptions("upgrade", "close")(t, what, got)
		})
		t.Run(path[1:]+"/h1-keepalive", func(t *testing.T) {
			what := "GET " + path + " over a kept-alive HTTP/1.1 connection"
			tr := h1Transport()
			defer tr.CloseIdleConnections()
			req, _ := http.NewRequest(http.MethodGet, "http://"+siteAddr+path, nil)
			req.Host = "localhost:9080"
			res, err := (&http.Client{Transport: tr, Timeout: ioTimeout}).Do(req)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusUpgradeRequired || res.Header.Get("Upgrade") != "websocket" {
				t.Errorf("%s: status %d, Upgrade %q; want 426 with Upgrade: websocket", what, res.StatusCode, res.Header.Values("Upgrade"))
			}
			connectionOptions("upgrade")(t, what, &wireResponse{header: res.Header})
		})
	}
}

// TestProtocolInterimToHTTP10: a server MUST NOT send a 1xx response to
// an HTTP/1.0 client (RFC 9110 §15.2). Stock Caddy passes the upstream's
// 103 and 100 on to it; through normalize an HTTP/1.0 client gets only
// the final response, and an HTTP/1.1 client still gets the 1xx.
func TestProtocolInterimToHTTP10(t *testing.T) {
	needCaddy(t)
	up := newRawUpstream(t)
	final := upstream("HTTP/1.1 200 OK", "ok", "Content-Type: text/plain", "Content-Length: 2")
	up.HandleBytes("/103", "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"+final)
	up.HandleBytes("/100", "HTTP/1.1 100 Continue\r\n\r\n"+final)
	protocolSite(t, up, nil)

	for _, c := range []struct {
		path   string
		status int
	}{{"/103", http.StatusEarlyHints}, {"/100", http.StatusContinue}} {
		t.Run(c.path[1:], func(t *testing.T) {
			// The control: stock Caddy sends the 1xx to HTTP/1.0.
			stock := fetch(t, protoH10, request{path: "/stock" + c.path})
			if len(stock.interim) != 1 || stock.interim[0].status != c.status {
				t.Errorf("stock Caddy to HTTP/1.0: interim %+v, want the %d it passes on (else this test proves nothing)", stock.interim, c.status)
			}

			got := fetch(t, protoH10, request{path: "/n" + c.path})
			if len(got.interim) > 0 {
				t.Errorf("GET /n%s over HTTP/1.0: interim responses %+v, want none (RFC 9110 §15.2)", c.path, got.interim)
			}
			if got.status != http.StatusOK || string(got.body) != "ok" || len(got.extra) > 0 {
				t.Errorf("GET /n%s over HTTP/1.0: status %d body %q extra %q; want 200 \"ok\"", c.path, got.status, got.body, got.extra)
			}

			h11 := fetch(t, protoH1, request{path: "/n" + c.path})
			if len(h11.interim) != 1 || h11.interim[0].status != c.status {
				t.Errorf("GET /n%s over HTTP/1.1: interim %+v, want the upstream's %d", c.path, h11.interim, c.status)
			}
			if h11.status != http.StatusOK || string(h11.body) != "ok" {
				t.Errorf("GET /n%s over HTTP/1.1: status %d body %q; want 200 \"ok\"", c.path, h11.status, h11.body)
			}
		})
	}
}

// TestProtocolNotModifiedContentType: a 304 is headed by what a 200
// would carry of a fixed list, and Content-Type is not on it (RFC 9110
// §15.4.5). Go's HTTP/1 server drops it from a 304; its HTTP/2 server
// and quic-go's HTTP/3 server send it. Through normalize no protocol
// carries it, and the validators stay.
func TestProtocolNotModifiedContentType(t *testing.T) {
	needCaddy(t)
	up := newRawUpstream(t)
	up.HandleBytes("/304", upstream("HTTP/1.1 304 Not Modified", "",
		`ETag: "v1"`, "Content-Type: text/html; charset=utf-8", "Cache-Control: max-age=60"))
	protocolSite(t, up, []fixture{{path: "/304-respond",
		handler: dateLine + "header ETag `\"v2\"`\nheader Content-Type application/json\nrespond 304"}})

	// The control: stock Caddy sends Content-Type on a 304 over h2.
	if got := fetch(t, protoH2, request{path: "/stock/304"}); got.header.Get("Content-Type") == "" {
		t.Errorf("stock Caddy over h2: no Content-Type on a 304 (else this test proves nothing): %v", got.header)
	}
	for _, c := range []struct{ path, etag string }{{"/n/304", `"v1"`}, {"/n/304-respond", `"v2"`}} {
		for _, proto := range everyProto {
			t.Run(c.path[3:]+"/"+proto, func(t *testing.T) {
				what := "GET " + c.path + " over " + proto
				got := fetch(t, proto, request{path: c.path})
				if got.status != http.StatusNotModified || len(got.body) > 0 {
					t.Errorf("%s: status %d body %q, want 304 with nothing", what, got.status, got.body)
				}
				if v := got.header.Values("Content-Type"); len(v) > 0 {
					t.Errorf("%s: Content-Type = %q, want none (RFC 9110 §15.4.5)", what, v)
				}
				if v := got.header.Get("ETag"); v != c.etag {
					t.Errorf("%s: ETag %q, want %s kept", what, v, c.etag)
				}
			})
		}
	}
	if up.Hits("/304") == 0 {
		t.Error("the upstream was never asked")
	}
}

// TestProtocolFramingOverH3: the field RFC 9110 §8.6 forbids in a 1xx
// and a 204 (Content-Length) does not reach an HTTP/3 client either, nor
// does a Content-Length on a 304 that the upstream did not send (there
// it may only state the length of the representation a 200 would have,
// which a proxy does not know). quic-go's server sends a 1xx's header
// map as it is, and adds Content-Length: <bytes written> to any response
// whose head it has not sent yet, a 204 and a 304 included; Go's HTTP/1
// and HTTP/2 servers do neither.
func TestProtocolFramingOverH3(t *testing.T) {
	needCaddy(t)
	up := newRawUpstream(t)
	up.HandleBytes("/103", "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\nContent-Length: 0\r\n\r\n"+
		upstream("HTTP/1.1 200 OK", "ok", "Content-Length: 2"))
	up.HandleBytes("/204", upstream("HTTP/1.1 204 No Content", "hello", "Content-Length: 5"))
	up.HandleBytes("/204-clean", upstream("HTTP/1.1 204 No Content", ""))
	up.HandleBytes("/304-clean", upstream("HTTP/1.1 304 Not Modified", "", `ETag: "v1"`))
	protocolSite(t, up, []fixture{{path: "/204-respond", handler: dateLine + `respond "hello" 204`}})

	// The control: stock Caddy's 204 carries Content-Length over h3.
	if got := fetch(t, protoH3, request{path: "/stock/204-clean"}); got.header.Get("Content-Length") == "" {
		t.Errorf("stock Caddy over h3: no Content-Length on a 204 (else this test proves nothing): %v", got.header)
	}
	for _, proto := range everyProto {
		t.Run("103/"+proto, func(t *testing.T) {
			got := fetch(t, proto, request{path: "/n/103"})
			if got.status != http.StatusOK || string(got.body) != "ok" {
				t.Errorf("GET /n/103 over %s: status %d body %q, want 200 \"ok\"", proto, got.status, got.body)
			}
			interimWithout("Content-Length")(t, "GET /n/103 over "+proto, got)
		})
		for _, path := range []string{"/n/204", "/n/204-clean", "/n/204-respond"} {
			t.Run(path[3:]+"/"+proto, func(t *testing.T) {
				got := fetch(t, proto, request{path: path})
				if got.status != http.StatusNoContent || len(got.body) > 0 {
					t.Errorf("GET %s over %s: status %d body %q, want 204 with nothing", path, proto, got.status, got.body)
				}
				for _, k := range framing {
					if v := got.header.Values(k); len(v) > 0 {
						t.Errorf("GET %s over %s: %s = %q, want none (RFC 9110 §8.6)", path, proto, k, v)
					}
				}
			})
		}
		t.Run("304-clean/"+proto, func(t *testing.T) {
			got := fetch(t, proto, request{path: "/n/304-clean"})
			if got.status != http.StatusNotModified || got.header.Get("ETag") != `"v1"` {
				t.Errorf("GET /n/304-clean over %s: status %d ETag %q, want 304 with the upstream's ETag", proto, got.status, got.header.Values("ETag"))
			}
			for _, k := range framing {
				if v := got.header.Values(k); len(v) > 0 {
					t.Errorf("GET /n/304-clean over %s: %s = %q, want none: the upstream sent none (RFC 9110 §8.6)", proto, k, v)
				}
			}
		})
	}
}
