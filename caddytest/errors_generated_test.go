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

// A response generated in place of the handler's (a replaced error body,
// a 502 for an invalid status) carries nothing of the response it
// replaces that the README does not list as kept: no trailer, no Trailer
// field, and it does not wait for the dropped body.

// trailerSecret is what the upstream's trailers carry.
const trailerSecret = "db=10.20.30.40:5432"

// chunkedWithTrailers is an upstream response with a chunked body and
// trailers: declared lists the Trailer field's names (none: no field),
// trailers the trailer lines sent after the last chunk.
func chunkedWithTrailers(statusLine string, declared []string, trailers ...string) string {
	var b strings.Builder
	b.WriteString(statusLine + "\r\nDate: " + fixedDate + "\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n")
	if len(declared) > 0 {
		b.WriteString("Trailer: " + strings.Join(declared, ", ") + "\r\n")
	}
	body := "<html><body><pre>" + upstreamSecret + "</pre></body></html>"
	fmt.Fprintf(&b, "\r\n%x\r\n%s\r\n0\r\n", len(body), body)
	for _, t := range trailers {
		b.WriteString(t + "\r\n")
	}
	b.WriteString("\r\n")
	return b.String()
}

// trailerResponse is what a client saw, trailers included.
type trailerResponse struct {
	status  int
	header  http.Header
	trailer http.Header // h2c: as Go's client decoded them
	body    []byte
	raw     []byte // h1: every byte read
}

// fetchTrailers GETs path over proto and keeps the trailers: for h1 the
// raw bytes (trailers are in them), for h2c the client's res.Trailer.
func fetchTrailers(t *testing.T, proto, path string) *trailerResponse {
	t.Helper()
	if proto == protoH1 {
		got := fetch(t, proto, request{path: path, header: map[string]string{"Accept": "*/*", "TE": "trailers"}})
		return &trailerResponse{status: got.status, header: got.header, body: got.body, raw: got.raw}
	}
	ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
	defer cancel()
	tr := h2cTransport()
	defer tr.CloseIdleConnections()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+siteAddr+path, nil)
	req.Header.Set("Accept", "*/*")
	res, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatalf("GET %s over h2c: %v", path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s over h2c: reading the body: %v", path, err)
	}
	return &trailerResponse{status: res.StatusCode, header: res.Header, trailer: res.Trailer, body: body}
}

// TestGeneratedResponseHasNoTrailers: an upstream's trailers, declared
// (Trailer: X-Debug), undeclared (which reverse_proxy passes on through
// http.TrailerPrefix) or both, never reach the client of a replaced 500
// or of the 502 that replaces status 600, and neither does the Trailer
// field; where nothing is replaced, the same trailers do arrive (the
// control that shows the clients see trailers at all).
func TestGeneratedResponseHasNoTrailers(t *testing.T) {
	needCaddy(t)
	up := newRawUpstream(t)
	kinds := map[string]struct {
		declared []string
		trailers []string
	}{
		"declared":   {[]string{"X-Debug"}, []string{"X-Debug: " + trailerSecret}},
		"undeclared": {nil, []string{"X-Secret: " + trailerSecret}},
		"both":       {[]string{"X-Debug"}, []string{"X-Debug: " + trailerSecret, "X-Extra: " + trailerSecret}},
	}
	for name, k := range kinds {
		up.HandleBytes("/500/"+name, chunkedWithTrailers("HTTP/1.1 500 Internal Server Error", k.declared, k.trailers...))
		up.HandleBytes("/600/"+name, chunkedWithTrailers("HTTP/1.1 600 Six Hundred", k.declared, k.trailers...))
	}
	startCaddy(t, errorSite(newCaddyLog(t, "caddy.log").path, "", []proxyRoute{
		{name: "replaced", normalize: []string{"replace_errors 500"}, proxy: "reverse_proxy " + up.Addr()},
		{name: "kept", proxy: "reverse_proxy " + up.Addr()},
	}))
	forbid := []string{trailerSecret, "10.20.30.40", "X-Debug", "X-Secret", "X-Extra", upstreamSecret}
	for _, kind := range []string{"declared", "undeclared", "both"} {
		for _, tc := range []struct{ route, status string }{{"replaced", "500"}, {"replaced", "600"}, {"kept", "500"}} {
			for _, proto := range allProtos {
				path := "/" + tc.route + "/" + tc.status + "/" + kind
				t.Run(fmt.Sprintf("%s-%s-%s-%s", tc.route, tc.status, kind, proto), func(t *testing.T) {
					what := fmt.Sprintf("GET %s over %s", path, proto)
					got := fetchTrailers(t, proto, path)
					if tc.route == "kept" {
						// Control: nothing generated, trailers pass.
						if got.status != 500 || !strings.Contains(string(got.raw)+fmt.Sprint(got.trailer), trailerSecret) {
							t.Errorf("%s: status %d, trailers %v: the upstream's trailers do not reach the client even untouched, so this test cannot see them", what, got.status, got.trailer)
						}
						return
					}
					want := 500
					if tc.status == "600" {
						want = 502
					}
					if got.status != want {
						t.Errorf("%s: status %d, want %d", what, got.status, want)
					}
					if v := got.header.Values("Trailer"); len(v) > 0 {
						t.Errorf("%s: the generated response announces trailers: Trailer %q", what, v)
					}
					if len(got.trailer) > 0 {
						t.Errorf("%s: the generated response carries trailers %v", what, got.trailer)
					}
					for k := range got.header {
						if strings.HasPrefix(k, http.TrailerPrefix) || strings.HasPrefix(strings.ToLower(k), "x-") && k != "X-Content-Type-Options" {
							t.Errorf("%s: field %s from the upstream on the generated response", what, k)
						}
					}
					assertNoLeaks(t, what, got.raw, forbid)
					assertNoLeaks(t, what, got.body, forbid)
					for k, v := range got.header {
						assertNoLeaks(t, what+" field "+k, []byte(strings.Join(v, ",")), forbid)
					}
				})
			}
		}
	}
}

// TestGeneratedResponseDoesNotWait: a replaced error page (and a 502 for
// an invalid status) is complete for the client, over HTTP/1.1 and h2c,
// long before the upstream has finished sending the body that is dropped:
// the client reads the whole generated response, to its end, within a
// read deadline of 1.5 s while the upstream takes 3 s to send its page.
func TestGeneratedResponseDoesNotWait(t *testing.T) {
	needCaddy(t)
	const (
		upstreamTime = 3 * time.Second
		clientLimit  = 1500 * time.Millisecond
	)
	slowPage := func(statusLine string) rawHandler {
		return func(conn net.Conn, _ *bufio.Reader, _ *http.Request) {
			bw := bufio.NewWriter(conn)
			bw.WriteString(statusLine + "\r\nDate: " + fixedDate + "\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n")
			piece := "<p>" + upstreamSecret + "</p>\n"
			end := time.Now().Add(upstreamTime)
			for time.Now().Before(end) {
				fmt.Fprintf(bw, "%x\r\n%s\r\n", len(piece), piece)
				if bw.Flush() != nil {
					return // Caddy dropped the connection: good
				}
				time.Sleep(100 * time.Millisecond)
			}
			bw.WriteString("0\r\n\r\n")
			_ = bw.Flush()
		}
	}
	up := newRawUpstream(t)
	up.Handle("/500", slowPage("HTTP/1.1 500 Internal Server Error"))
	// Its header, then nothing until it gives up.
	up.Handle("/stall", func(conn net.Conn, _ *bufio.Reader, _ *http.Request) {
		_, _ = io.WriteString(conn, "HTTP/1.1 503 Service Unavailable\r\nDate: "+fixedDate+"\r\nContent-Type: text/html\r\nContent-Length: 4096\r\n\r\n")
		time.Sleep(upstreamTime)
	})
	up.Handle("/600", slowPage("HTTP/1.1 600 Six Hundred"))
	log := newCaddyLog(t, "caddy.log")
	startCaddy(t, errorSite(log.path, "", []proxyRoute{
		{name: "slow", normalize: []string{"replace_errors 5xx"}, proxy: "reverse_proxy " + up.Addr()},
	}))
	for _, tc := range []struct {
		path   string
		status int
	}{{"/slow/500", 500}, {"/slow/600", 502}, {"/slow/stall", 503}} {
		for _, client := range []errClient{errClients[0], errClients[2]} {
			for _, proto := range allProtos {
				what := fmt.Sprintf("GET %s as %s over %s", tc.path, client.name, proto)
				t.Run(strings.TrimPrefix(strings.ReplaceAll(tc.path, "/", "-"), "-")+"-"+client.name+"-"+proto, func(t *testing.T) {
					got, err := fetchWithin(proto, tc.path, client.accept, clientLimit)
					if err != nil {
						t.Fatalf("%s: the generated response is not complete within %v (the upstream takes %v): %v", what, clientLimit, upstreamTime, err)
					}
					checkErrorBody(t, what, got, tc.status, client.mediaType, true, []string{upstreamSecret})
				})
			}
		}
	}
	// Caddy serves on: the next exchange on a route that aborted its
	// upstream's body works.
	if got, err := fetchWithin(protoH2C, "/slow/500", "application/json", clientLimit); err != nil || got.status != 500 {
		t.Errorf("a second request after the aborted bodies: %v", err)
	}
}

// fetchWithin GETs path over proto and reads the whole response, to the
// end of the exchange (h1: the server closes the connection it was asked
// to close; h2c: the end of the stream), within limit.
func fetchWithin(proto, path, accept string, limit time.Duration) (*wireResponse, error) {
	deadline := time.Now().Add(limit)
	if proto == protoH1 {
		conn, err := net.DialTimeout("tcp", siteAddr, limit)
		if err != nil {
			return nil, err
		}
		defer conn.Close()
		_ = conn.SetDeadline(deadline)
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: localhost:9080\r\nConnection: close\r\nAccept: %s\r\n\r\n", path, accept)
		raw, err := io.ReadAll(conn)
		if err != nil {
			return nil, fmt.Errorf("%w after %d bytes: %q", err, len(raw), raw)
		}
		return parseH1Response(raw, http.MethodGet)
	}
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	tr := h2cTransport()
	defer tr.CloseIdleConnections()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+siteAddr+path, nil)
	req.Header.Set("Accept", accept)
	res, err := tr.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("reading the body: %w after %d bytes", err, len(body))
	}
	return &wireResponse{proto: protoH2C, status: res.StatusCode, header: res.Header, body: body}, nil
}

// TestErrorsNotFromReverseProxyPassed: an error another handler returns
// (the error directive's 503 "Planned downtime", a 502 without message)
// reaches the site's handle_errors untouched, message and all, and is not
// logged as an upstream's failure; reverse_proxy's own failure, on the
// same site, is still answered by normalize.
func TestErrorsNotFromReverseProxyPassed(t *testing.T) {
	needCaddy(t)
	refused := refusedAddr(t)
	log := newCaddyLog(t, "caddy.log")
	site := `handle_errors {
		respond "` + handedOver + `{err.status_code} {err.message}" {err.status_code}
	}`
	startCaddy(t, errorSite(log.path, site, []proxyRoute{
		{name: "planned", proxy: `error "Planned downtime" 503`},
		{name: "bare", proxy: `error 502`},
		{name: "timeout", proxy: `error "Gateway says no" 504`},
		{name: "proxy", proxy: "reverse_proxy " + refused},
	}))
	tests := []struct {
		route  string
		status int
		body   string // handle_errors' answer; "" for normalize's
	}{
		{"planned", 503, handedOver + "503 Planned downtime"},
		{"bare", 502, handedOver + "502 "},
		{"timeout", 504, handedOver + "504 Gateway says no"},
		{"proxy", 502, ""},
	}
	for _, tt := range tests {
		for _, client := range []errClient{errClients[1], errClients[2]} {
			for _, proto := range allProtos {
				token := tt.route + "-" + client.name + "-" + proto
				what := fmt.Sprintf("GET /%s/x as %s over %s", tt.route, client.name, proto)
				t.Run(token, func(t *testing.T) {
					got := errFetch(t, proto, "/"+tt.route+"/x", token, client)
					if tt.body == "" {
						checkErrorBody(t, what, got, tt.status, client.mediaType, true, forbiddenFor(refused, handedOver, token))
						checkFailureLogged(t, what, log, token, tt.status, "connection refused")
						return
					}
					if got.status != tt.status || string(got.body) != tt.body {
						t.Errorf("%s: %d %q, want handle_errors' %d %q", what, got.status, got.body, tt.status, tt.body)
					}
					if es := log.matching(t, failuresFor(token)); len(es) != 0 {
						t.Errorf("%s: logged as an upstream's failure: %v", what, es)
					}
				})
			}
		}
	}
}

// TestReportModeReplacesNothing: with mode report, or with the rule
// replace-errors set to report, replace_errors replaces nothing: the
// upstream's 500 passes byte for byte, and what would have been replaced
// is counted (replace-errors reported) and logged; enforced, the same
// response is replaced and counted as enforced.
func TestReportModeReplacesNothing(t *testing.T) {
	needCaddy(t)
	up := newRawUpstream(t)
	up.HandleBytes("/traceback", upstream("HTTP/1.1 500 Internal Server Error", traceback,
		"Content-Type: text/html; charset=utf-8", "Content-Length: "+itoa(len(traceback))))
	log := newCaddyLog(t, "caddy.log")
	startCaddy(t, errorSite(log.path, "", []proxyRoute{
		{name: "mode", normalize: []string{"mode report", "replace_errors 5xx"}, proxy: "reverse_proxy " + up.Addr()},
		{name: "rule", normalize: []string{"replace_errors 5xx", "rule replace-errors report"}, proxy: "reverse_proxy " + up.Addr()},
		{name: "off", normalize: []string{"replace_errors 5xx", "rule replace-errors off"}, proxy: "reverse_proxy " + up.Addr()},
		{name: "enforce", normalize: []string{"mode report", "replace_errors 5xx", "rule replace-errors enforce"}, proxy: "reverse_proxy " + up.Addr()},
	}))
	for _, tc := range []struct {
		route  string
		action string // the counter that moves; "" for none
	}{{"mode", reported}, {"rule", reported}, {"off", ""}, {"enforce", enforced}} {
		for _, client := range []errClient{errClients[1], errClients[2]} {
			for _, proto := range allProtos {
				what := fmt.Sprintf("GET /%s/traceback as %s over %s", tc.route, client.name, proto)
				t.Run(tc.route+"-"+client.name+"-"+proto, func(t *testing.T) {
					before := readReport(t)
					got := fetch(t, proto, request{path: "/" + tc.route + "/traceback", header: map[string]string{"Accept": client.accept}})
					var want delta
					if tc.action != "" {
						want = delta{"replace-errors": {tc.action: 1}}
					}
					checkDelta(t, what, before, readReport(t), want)
					if tc.action == enforced {
						checkErrorBody(t, what, got, 500, client.mediaType, true, tracebackInternals)
						return
					}
					if got.status != 500 || string(got.body) != traceback {
						t.Errorf("%s: %d with a body of %d bytes, want the upstream's 500 and its body byte for byte", what, got.status, len(got.body))
					}
					if ct := got.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
						t.Errorf("%s: Content-Type %q, want the upstream's", what, ct)
					}
				})
			}
		}
	}
	es := log.matching(t, func(e map[string]any) bool {
		msg, _ := e["msg"].(string)
		return strings.Contains(msg, "would be replaced by replace-errors") && e["action"] == "reported"
	})
	if len(es) == 0 {
		t.Errorf("no log entry for a body replace-errors would have replaced")
	}
}
