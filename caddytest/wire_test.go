package caddytest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The protocols a client fetches with (tryFetch), named as the subtests
// that run over them are.
const (
	protoH1  = "h1"   // HTTP/1.1 over a raw TCP connection (siteAddr)
	protoH2  = "h2"   // HTTP/2 over TLS, Go's client (tlsSiteAddr)
	protoH2C = "h2c"  // HTTP/2 without TLS, Go's client (siteAddr)
	protoH3  = "h3"   // HTTP/3 over QUIC, quic-go's client (tlsSiteAddr)
	protoH10 = "h1.0" // HTTP/1.0 over a raw TCP connection (siteAddr)
)

// allProtos are the protocols of the plain HTTP port, which every helper
// of the failure and client tests can drive.
var allProtos = []string{protoH1, protoH2C}

// everyProto are the protocols every rule case runs over: what a real
// client of each receives.
var everyProto = []string{protoH1, protoH2, protoH2C, protoH3}

// wireResponse is what a client saw.
type wireResponse struct {
	proto   string
	status  int
	header  http.Header // as sent; for h1 with Content-Length and Transfer-Encoding
	body    []byte      // decoded content (dechunked for h1)
	interim []interimResponse
	// extra is, for h1, whatever followed the end of the message as its
	// framing delimits it: bytes a client would take for the next response.
	extra []byte
	raw   []byte // h1 only: everything read from the connection
	// version is the HTTP-version of the status line (h1 and h1.0).
	version string
}

type interimResponse struct {
	status int
	header http.Header
}

// request is what the clients send.
type request struct {
	method string // GET if empty
	path   string
	header map[string]string
}

func (r request) verb() string {
	if r.method == "" {
		return http.MethodGet
	}
	return r.method
}

// fetch sends req to Caddy over proto and returns what came back.
func fetch(t *testing.T, proto string, req request) *wireResponse {
	t.Helper()
	resp, err := tryFetch(proto, req)
	if err != nil {
		t.Fatalf("%s %s over %s: %v", req.verb(), req.path, proto, err)
	}
	return resp
}

// tryFetch is fetch for callers that expect a client to choke.
func tryFetch(proto string, req request) (*wireResponse, error) {
	switch proto {
	case protoH1:
		return fetchH1(req)
	case protoH2:
		return fetchH2(req)
	case protoH2C:
		return fetchH2C(req)
	case protoH3:
		return fetchH3(req)
	case protoH10:
		return fetchH10(req)
	}
	return nil, fmt.Errorf("unknown protocol %q", proto)
}

// fetchH1 writes the request over a fresh TCP connection, asks Caddy to
// close it after the response, reads everything until EOF and parses it.
func fetchH1(req request) (*wireResponse, error) {
	return fetchH1With(&net.Dialer{Timeout: ioTimeout}, req)
}

// fetchH1With is fetchH1 over a connection that d dials.
func fetchH1With(d *net.Dialer, req request) (*wireResponse, error) {
	return fetchRaw(d, protoH1, req)
}

// fetchH10 sends req as an HTTP/1.0 request (no Connection field: an
// HTTP/1.0 connection closes after the response) over a fresh TCP
// connection and parses what comes back until EOF. The response may
// carry HTTP/1.0 or HTTP/1.1 in its status line (RFC 9110 §6.2).
func fetchH10(req request) (*wireResponse, error) {
	return fetchRaw(&net.Dialer{Timeout: ioTimeout}, protoH10, req)
}

// fetchRaw writes req over a connection d dials, as HTTP/1.1 (asking
// Caddy to close the connection after the response) or HTTP/1.0, reads
// everything until EOF and parses it.
func fetchRaw(d *net.Dialer, proto string, req request) (*wireResponse, error) {
	conn, err := d.Dial("tcp", siteAddr)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(ioTimeout))
	var b strings.Builder
	if proto == protoH10 {
		fmt.Fprintf(&b, "%s %s HTTP/1.0\r\nHost: localhost:9080\r\n", req.verb(), req.path)
	} else {
		fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: localhost:9080\r\nConnection: close\r\n", req.verb(), req.path)
	}
	for _, k := range sortedKeys(req.header) {
		fmt.Fprintf(&b, "%s: %s\r\n", k, req.header[k])
	}
	b.WriteString("\r\n")
	if _, err := io.WriteString(conn, b.String()); err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(conn)
	if err != nil {
		return nil, fmt.Errorf("reading response: %w (got %q)", err, raw)
	}
	var resp *wireResponse
	if proto == protoH10 {
		resp, err = parseHTTP1Response(raw, req.verb(), protoH10, "HTTP/1.0", "HTTP/1.1")
	} else {
		resp, err = parseH1Response(raw, req.verb())
	}
	if err != nil {
		return nil, fmt.Errorf("%w; raw response: %q", err, raw)
	}
	return resp, nil
}

// parseH1Response parses raw as the bytes of an HTTP/1.1 response to
// method: any 1xx interim responses, then the final one, framed by the
// rules of RFC 9112 §6.3.
func parseH1Response(raw []byte, method string) (*wireResponse, error) {
	return parseHTTP1Response(raw, method, protoH1, "HTTP/1.1")
}

// parseHTTP1Response is parseH1Response for a client of proto, which
// accepts the status lines of the given HTTP-versions.
func parseHTTP1Response(raw []byte, method, proto string, versions ...string) (*wireResponse, error) {
	resp := &wireResponse{proto: proto, raw: raw}
	rest := raw
	for {
		version, status, header, after, err := parseHTTP1Head(rest, versions...)
		if err != nil {
			return nil, err
		}
		rest = after
		if status >= 100 && status < 200 && status != http.StatusSwitchingProtocols {
			resp.interim = append(resp.interim, interimResponse{status, header})
			continue
		}
		resp.status, resp.header, resp.version = status, header, version
		break
	}
	switch {
	case method == http.MethodHead || resp.status == http.StatusNoContent ||
		resp.status == http.StatusNotModified || resp.status == http.StatusSwitchingProtocols:
		resp.body, resp.extra = []byte{}, rest
	case hasToken(resp.header, "Transfer-Encoding", "chunked"):
		body, after, err := dechunk(rest)
		if err != nil {
			return nil, err
		}
		resp.body, resp.extra = body, after
	case len(resp.header["Content-Length"]) > 0:
		cl := resp.header["Content-Length"]
		n, err := strconv.Atoi(cl[0])
		if len(cl) != 1 || err != nil || n < 0 {
			return nil, fmt.Errorf("bad Content-Length %q", cl)
		}
		if len(rest) < n {
			return nil, fmt.Errorf("Content-Length %d but only %d bytes before EOF", n, len(rest))
		}
		resp.body, resp.extra = rest[:n], rest[n:]
	default:
		resp.body, resp.extra = rest, []byte{}
	}
	return resp, nil
}

// parseH1Head parses one HTTP/1.1 status line and header section.
func parseH1Head(raw []byte) (status int, header http.Header, rest []byte, err error) {
	_, status, header, rest, err = parseHTTP1Head(raw, "HTTP/1.1")
	return status, header, rest, err
}

// parseHTTP1Head parses one status line, whose HTTP-version must be one
// of versions, and header section.
func parseHTTP1Head(raw []byte, versions ...string) (version string, status int, header http.Header, rest []byte, err error) {
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	if end < 0 {
		return "", 0, nil, nil, errors.New("no end of header section")
	}
	lines := strings.Split(string(raw[:end]), "\r\n")
	rest = raw[end+4:]
	parts := strings.SplitN(lines[0], " ", 3)
	if len(parts) < 2 || !slices.Contains(versions, parts[0]) || len(parts[1]) != 3 {
		return "", 0, nil, nil, fmt.Errorf("bad status line %q", lines[0])
	}
	if status, err = strconv.Atoi(parts[1]); err != nil {
		return "", 0, nil, nil, fmt.Errorf("bad status line %q", lines[0])
	}
	header = http.Header{}
	for _, line := range lines[1:] {
		name, value, ok := strings.Cut(line, ":")
		if !ok || name == "" || strings.TrimSpace(name) != name {
			return "", 0, nil, nil, fmt.Errorf("bad header line %q", line)
		}
		key := textproto.CanonicalMIMEHeaderKey(name)
		header[key] = append(header[key], strings.Trim(value, " \t"))
	}
	return parts[0], status, header, rest, nil
}

// dechunk decodes a chunked body and returns what follows it.
func dechunk(raw []byte) (body, rest []byte, err error) {
	br := bufio.NewReader(bytes.NewReader(raw))
	var out bytes.Buffer
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return nil, nil, fmt.Errorf("chunked: reading size: %w", err)
		}
		size, _, _ := strings.Cut(strings.TrimRight(line, "\r\n"), ";")
		n, err := strconv.ParseInt(strings.TrimSpace(size), 16, 64)
		if err != nil || n < 0 {
			return nil, nil, fmt.Errorf("chunked: bad size line %q", line)
		}
		if n == 0 {
			break
		}
		if _, err := io.CopyN(&out, br, n); err != nil {
			return nil, nil, fmt.Errorf("chunked: short chunk: %w", err)
		}
		if crlf, err := br.ReadString('\n'); err != nil || crlf != "\r\n" {
			return nil, nil, fmt.Errorf("chunked: no CRLF after chunk data (%q)", crlf)
		}
	}
	for { // trailer section
		line, err := br.ReadString('\n')
		if err != nil {
			return nil, nil, fmt.Errorf("chunked: reading trailers: %w", err)
		}
		if line == "\r\n" {
			break
		}
	}
	rest, _ = io.ReadAll(br)
	return out.Bytes(), rest, nil
}

func hasToken(h http.Header, field, token string) bool {
	for _, v := range h[field] {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// h2cTransport returns a transport that speaks only HTTP/2 without TLS.
func h2cTransport() *http.Transport {
	var p http.Protocols
	p.SetUnencryptedHTTP2(true)
	return &http.Transport{
		Protocols:          &p,
		DisableCompression: true,
		ForceAttemptHTTP2:  true,
	}
}

// h1Transport returns a transport that speaks only HTTP/1.1.
func h1Transport() *http.Transport {
	var p http.Protocols
	p.SetHTTP1(true)
	return &http.Transport{Protocols: &p, DisableCompression: true}
}

func transportFor(proto string) *http.Transport {
	if proto == protoH2C {
		return h2cTransport()
	}
	return h1Transport()
}

// fetchH2C sends req with Go's HTTP/2 client over a fresh h2c connection.
func fetchH2C(req request) (*wireResponse, error) {
	tr := h2cTransport()
	defer tr.CloseIdleConnections()
	return roundTrip(tr, protoH2C, "http://"+siteAddr, "localhost:9080", req)
}

// roundTrip sends req through rt to base (scheme and address) with the
// given Host, and returns what came back: the 1xx responses as the
// client trace saw them, the final head, and the body. A response that
// RFC 9113 §8.2.2 (HTTP/2) or RFC 9114 §4.2 (HTTP/3) calls malformed is
// an error, as it is for every conformant client (curl: PROTOCOL_ERROR).
func roundTrip(rt http.RoundTripper, proto, base, host string, req request) (*wireResponse, error) {
	resp := &wireResponse{proto: proto}
	ctx, cancel := context.WithTimeout(context.Background(), ioTimeout)
	defer cancel()
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		Got1xxResponse: func(code int, h textproto.MIMEHeader) error {
			resp.interim = append(resp.interim, interimResponse{code, http.Header(h).Clone()})
			return nil
		},
	})
	hr, err := http.NewRequestWithContext(ctx, req.verb(), base+req.path, nil)
	if err != nil {
		return nil, err
	}
	hr.Host = host
	for k, v := range req.header {
		hr.Header.Set(k, v)
	}
	client := &http.Client{
		Transport:     rt,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	res, err := client.Do(hr)
	if err != nil {
		if refusedAsMalformed(err) {
			return nil, fmt.Errorf("%w: %w", errMalformed, err)
		}
		return nil, err
	}
	defer res.Body.Close()
	want := map[string]int{protoH2: 2, protoH2C: 2, protoH3: 3}[proto]
	if res.ProtoMajor != want {
		return nil, fmt.Errorf("got %s, want HTTP/%d", res.Proto, want)
	}
	for _, ir := range resp.interim {
		if err := connectionSpecific(ir.header); err != nil {
			return nil, fmt.Errorf("interim %d: %w", ir.status, err)
		}
	}
	if err := connectionSpecific(res.Header); err != nil {
		return nil, fmt.Errorf("status %d: %w", res.StatusCode, err)
	}
	resp.status, resp.header = res.StatusCode, res.Header
	if resp.body, err = io.ReadAll(res.Body); err != nil {
		return nil, fmt.Errorf("reading body: %w", err)
	}
	return resp, nil
}

// connectionSpecificFields may not appear in an HTTP/2 or HTTP/3 message
// (RFC 9113 §8.2.2, RFC 9114 §4.2): a response that carries one is
// malformed. Go's HTTP/2 client does not check it; nghttp2 (curl) and
// quic-go's HTTP/3 client do.
var connectionSpecificFields = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Upgrade"}

// errMalformed marks a response the client had to refuse.
var errMalformed = errors.New("malformed response")

// refusedAsMalformed tells whether err is a client's refusal of a
// malformed response: Go's HTTP/2 client resets the stream with
// PROTOCOL_ERROR, quic-go's HTTP/3 client names the invalid field.
func refusedAsMalformed(err error) bool {
	msg := err.Error()
	for _, s := range []string{"PROTOCOL_ERROR", "invalid header field", "invalid TE header", "malformed"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

func connectionSpecific(h http.Header) error {
	for _, k := range connectionSpecificFields {
		if v, ok := h[k]; ok {
			return fmt.Errorf("%w: connection-specific field %s %q (RFC 9113 §8.2.2, RFC 9114 §4.2)", errMalformed, k, v)
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestParseH1Response checks the raw client's parser on known bytes.
func TestParseH1Response(t *testing.T) {
	tests := []struct {
		name, raw, method string
		status            int
		body, extra       string
		interim           int
	}{
		{"length", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", "GET", 200, "hi", "", 0},
		{"length with extra", "HTTP/1.1 205 Reset Content\r\nContent-Length: 0\r\n\r\nhello", "GET", 205, "", "hello", 0},
		{"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n1;x=y\r\n!\r\n0\r\n\r\n", "GET", 200, "hi!", "", 0},
		{"close delimited", "HTTP/1.1 200 OK\r\n\r\nall of it", "GET", 200, "all of it", "", 0},
		{"head", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", "HEAD", 200, "", "", 0},
		{"head with body", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", "HEAD", 200, "", "hello", 0},
		{"early hints", "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", "GET", 204, "", "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseH1Response([]byte(tt.raw), tt.method)
			if err != nil {
				t.Fatal(err)
			}
			if got.status != tt.status || string(got.body) != tt.body || string(got.extra) != tt.extra || len(got.interim) != tt.interim {
				t.Errorf("got status %d body %q extra %q interim %d; want %d %q %q %d",
					got.status, got.body, got.extra, len(got.interim), tt.status, tt.body, tt.extra, tt.interim)
			}
		})
	}
	for _, bad := range []string{"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort", "HTTP/1.0 200 OK\r\n\r\n", "garbage"} {
		if _, err := parseH1Response([]byte(bad), "GET"); err == nil {
			t.Errorf("parseH1Response(%q) succeeded, want an error", bad)
		}
	}
	// The HTTP/1.0 client takes either version, and 1xx responses.
	for _, raw := range []string{
		"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
		"HTTP/1.0 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\n\r\nok",
	} {
		got, err := parseHTTP1Response([]byte(raw), "GET", protoH10, "HTTP/1.0", "HTTP/1.1")
		if err != nil || got.status != 200 || string(got.body) != "ok" || got.proto != protoH10 {
			t.Errorf("parseHTTP1Response(%q) for HTTP/1.0 = %+v, %v; want 200 \"ok\"", raw, got, err)
		}
	}
	if got, _ := parseHTTP1Response([]byte("HTTP/1.0 103 Early Hints\r\n\r\nHTTP/1.0 204 No Content\r\n\r\n"), "GET", protoH10, "HTTP/1.0"); got == nil ||
		len(got.interim) != 1 || got.version != "HTTP/1.0" {
		t.Errorf("an HTTP/1.0 client's 103: %+v, want one interim response and version HTTP/1.0", got)
	}
}

func canonical(field string) string { return textproto.CanonicalMIMEHeaderKey(field) }

func itoa(n int) string { return strconv.Itoa(n) }
