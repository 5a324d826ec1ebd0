package audit

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Defaults of a Client.
const (
	// DefaultTimeout bounds one request, from dialling to the last byte.
	DefaultTimeout = 10 * time.Second
	// DefaultMaxBody is how many bytes of content a Client reads at most.
	DefaultMaxBody = 1 << 20
	// maxHeaderBytes bounds the head of one response (status line and
	// header section), interim responses included.
	maxHeaderBytes = 1 << 20
	// maxInterim bounds the number of 1xx responses before the final one.
	maxInterim = 16
	// linger is how long a Client waits, once a response is complete by
	// its framing, for bytes the server should not have sent (content on
	// a response to HEAD, on 204 or 304). It asks for Connection: close,
	// so a server that closes ends the wait at once.
	linger = 300 * time.Millisecond
)

// Field is one header field line as the server sent it.
type Field struct {
	Name, Value string
}

// Interim is a 1xx interim response (other than 101) that came before the
// final one.
type Interim struct {
	Status int
	Fields []Field
}

// Response is what a Client read off the socket.
type Response struct {
	// StatusLine is the final response's status line, without CRLF.
	StatusLine string
	// Proto is the HTTP-version of the status line, e.g. "HTTP/1.1".
	Proto string
	// Status is the final response's status code, whatever its value:
	// a server can send 600 or 099.
	Status int
	// Fields lists every header field line of the final response in the
	// order sent, repeats included.
	Fields []Field
	// Header is Fields keyed by canonical name, repeats kept as values.
	Header http.Header
	// Interim lists the 1xx responses that preceded the final one.
	Interim []Interim
	// Content is how many bytes of content followed the header section
	// as the framing delimits it (Content-Length, chunked, or the close
	// of the connection), up to the byte limit.
	Content int64
	// Extra is how many bytes followed where the framing says the
	// message had ended: content on a response to HEAD, on 1xx, 204 or
	// 304, or bytes past a Content-Length.
	Extra int64
	// Truncated says the byte limit stopped the reading.
	Truncated bool
}

// HasContent reports whether content followed the header section,
// whether the framing allowed it or not.
func (r *Response) HasContent() bool { return r.Content > 0 || r.Extra > 0 }

// Client is a minimal HTTP/1.1 client that reports what a server really
// sent. It opens one connection per request, asks the server to close it
// and reads until it does (or the framing ends the message and nothing
// more arrives). The zero value uses the defaults.
type Client struct {
	// Timeout bounds each request; 0 means DefaultTimeout.
	Timeout time.Duration
	// MaxBody bounds the content read of each response; 0 means
	// DefaultMaxBody.
	MaxBody int64
	// TLSConfig is used for https URLs; nil means the system's roots and
	// the URL's host as server name. Only HTTP/1.1 is offered in ALPN.
	TLSConfig *tls.Config
	// Dialer dials the connections; nil means a net.Dialer.
	Dialer *net.Dialer
}

// Do sends a request with method to u, with the fields of header after
// Host, and reads the response. It sends no content: a method that would
// take some gets Content-Length: 0.
func (c *Client) Do(ctx context.Context, method string, u *url.URL, header http.Header) (*Response, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	deadline, _ := ctx.Deadline()

	host, addr, err := target(u)
	if err != nil {
		return nil, err
	}
	d := c.Dialer
	if d == nil {
		d = new(net.Dialer)
	}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if u.Scheme == "https" {
		cfg := &tls.Config{}
		if c.TLSConfig != nil {
			cfg = c.TLSConfig.Clone()
		}
		if cfg.ServerName == "" {
			cfg.ServerName = u.Hostname()
		}
		cfg.NextProtos = []string{"http/1.1"}
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return nil, err
		}
		conn = tc
	}
	_ = conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	if _, err := io.WriteString(conn, requestHead(method, u, host, header)); err != nil {
		return nil, err
	}
	maxBody := c.MaxBody
	if maxBody <= 0 {
		maxBody = DefaultMaxBody
	}
	resp, err := readResponse(bufio.NewReader(conn), conn, method, maxBody, deadline)
	if err != nil && ctx.Err() != nil {
		return nil, fmt.Errorf("%w (timeout %v)", err, timeout)
	}
	return resp, err
}

// target returns the Host field value and the address to dial for u.
func target(u *url.URL) (host, addr string, err error) {
	if u.Host == "" {
		return "", "", fmt.Errorf("%q: no host", u)
	}
	port := u.Port()
	switch u.Scheme {
	case "http":
		if port == "" {
			port = "80"
		}
	case "https":
		if port == "" {
			port = "443"
		}
	default:
		return "", "", fmt.Errorf("%q: scheme %q: want http or https", u, u.Scheme)
	}
	return u.Host, net.JoinHostPort(u.Hostname(), port), nil
}

// requestHead formats the request line and header section.
func requestHead(method string, u *url.URL, host string, header http.Header) string {
	var b strings.Builder
	target := u.EscapedPath()
	if target == "" {
		target = "/"
	}
	if u.RawQuery != "" {
		target += "?" + u.RawQuery
	}
	if h := header.Get("Host"); h != "" {
		host = h
	}
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, target, host)
	if header.Get("User-Agent") == "" {
		b.WriteString("User-Agent: caddy-normalize-audit\r\n")
	}
	if header.Get("Accept") == "" {
		b.WriteString("Accept: */*\r\n")
	}
	for name, values := range header {
		switch name {
		case "Host", "Connection", "Content-Length", "Transfer-Encoding":
			continue
		}
		for _, v := range values {
			fmt.Fprintf(&b, "%s: %s\r\n", name, v)
		}
	}
	switch method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		b.WriteString("Content-Length: 0\r\n")
	}
	b.WriteString("Connection: close\r\n\r\n")
	return b.String()
}

// errHeaderTooLarge is returned for a response head past maxHeaderBytes.
var errHeaderTooLarge = errors.New("response header section too large")

// readResponse reads the response to method from br, which reads conn:
// any 1xx interim responses, then the final one and its content as
// RFC 9112 §6.3 frames it, then, until the linger ends, any bytes that
// follow the end of the message.
func readResponse(br *bufio.Reader, conn net.Conn, method string, maxBody int64, deadline time.Time) (*Response, error) {
	budget := maxHeaderBytes
	resp := new(Response)
	for {
		line, fields, err := readHead(br, &budget)
		if err != nil {
			return nil, err
		}
		proto, status, err := parseStatusLine(line)
		if err != nil {
			return nil, err
		}
		if status >= 100 && status < 200 && status != http.StatusSwitchingProtocols {
			if len(resp.Interim) == maxInterim {
				return nil, fmt.Errorf("more than %d interim responses", maxInterim)
			}
			resp.Interim = append(resp.Interim, Interim{Status: status, Fields: fields})
			continue
		}
		resp.StatusLine, resp.Proto, resp.Status, resp.Fields = line, proto, status, fields
		break
	}
	resp.Header = make(http.Header, len(resp.Fields))
	for _, f := range resp.Fields {
		k := textproto.CanonicalMIMEHeaderKey(f.Name)
		resp.Header[k] = append(resp.Header[k], f.Value)
	}

	limit := &io.LimitedReader{R: br, N: maxBody + 1}
	var err error
	toClose := false // the content ends where the connection does
	switch {
	case method == http.MethodHead || resp.Status == http.StatusSwitchingProtocols ||
		resp.Status == http.StatusNoContent || resp.Status == http.StatusNotModified ||
		resp.Status < 100: // a status line the framing rules do not cover ends at its head
		// No content by the framing, whatever the fields say.
	case len(resp.Header["Transfer-Encoding"]) > 0:
		if lastToken(resp.Header["Transfer-Encoding"]) == "chunked" {
			resp.Content, err = readChunked(bufio.NewReader(limit))
		} else {
			toClose = true
			resp.Content, err = io.Copy(io.Discard, limit)
		}
	case len(resp.Header["Content-Length"]) > 0:
		n, ok := contentLength(resp.Header["Content-Length"])
		if !ok { // not one length: read to the close, as a client cannot frame it
			toClose = true
			resp.Content, err = io.Copy(io.Discard, limit)
			break
		}
		resp.Content, err = io.CopyN(io.Discard, limit, n)
		if err == io.EOF && resp.Content < n && limit.N > 0 {
			err = fmt.Errorf("Content-Length %d but the connection closed after %d bytes", n, resp.Content)
		}
	default:
		toClose = true
		resp.Content, err = io.Copy(io.Discard, limit)
	}
	if resp.Content > maxBody {
		resp.Content, resp.Truncated = maxBody, true
		return resp, nil
	}
	if toClose && isTimeout(err) && resp.Content > 0 {
		// Content delimited by a close that never came: judge what came.
		resp.Truncated = true
		return resp, nil
	}
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("reading content: %w", err)
	}
	if resp.Status == http.StatusSwitchingProtocols {
		return resp, nil // what follows is another protocol
	}
	// What follows the end of the message is not part of it.
	end := time.Now().Add(linger)
	if end.After(deadline) {
		end = deadline
	}
	_ = conn.SetReadDeadline(end)
	extra := &io.LimitedReader{R: br, N: maxBody + 1}
	resp.Extra, _ = io.Copy(io.Discard, extra)
	if resp.Extra > maxBody {
		resp.Extra, resp.Truncated = maxBody, true
	}
	return resp, nil
}

// readHead reads a status line and a header section, charging their
// bytes to budget.
func readHead(br *bufio.Reader, budget *int) (line string, fields []Field, err error) {
	next := func() (string, error) {
		s, err := br.ReadString('\n')
		*budget -= len(s)
		if *budget < 0 {
			return "", errHeaderTooLarge
		}
		if err != nil {
			if err == io.EOF {
				if s == "" {
					return "", errors.New("connection closed before a complete response head")
				}
				err = io.ErrUnexpectedEOF
			}
			return "", err
		}
		return strings.TrimRight(s, "\r\n"), nil
	}
	if line, err = next(); err != nil {
		return "", nil, err
	}
	for {
		l, err := next()
		if err != nil {
			return "", nil, err
		}
		if l == "" {
			return line, fields, nil
		}
		if (l[0] == ' ' || l[0] == '\t') && len(fields) > 0 {
			// obs-fold (RFC 9112 §5.2): part of the previous value.
			fields[len(fields)-1].Value += " " + strings.Trim(l, " \t")
			continue
		}
		name, value, ok := strings.Cut(l, ":")
		if !ok || name == "" {
			return "", nil, fmt.Errorf("malformed header field line %q", l)
		}
		fields = append(fields, Field{Name: name, Value: strings.Trim(value, " \t")})
	}
}

// parseStatusLine parses "HTTP/1.1 200 OK". The code is any three
// digits: judging it is not the parser's business.
func parseStatusLine(line string) (proto string, status int, err error) {
	proto, rest, _ := strings.Cut(line, " ")
	if !strings.HasPrefix(proto, "HTTP/") || len(rest) < 3 || (len(rest) > 3 && rest[3] != ' ') {
		return "", 0, fmt.Errorf("malformed status line %q", line)
	}
	for _, c := range rest[:3] {
		if c < '0' || c > '9' {
			return "", 0, fmt.Errorf("malformed status line %q", line)
		}
	}
	status, _ = strconv.Atoi(rest[:3])
	return proto, status, nil
}

// contentLength returns the length that Content-Length field values
// state, accepting a repeated identical value as a recipient may
// (RFC 9110 §8.6); ok is false when they are not one valid length.
func contentLength(values []string) (n int64, ok bool) {
	var first string
	for _, v := range values {
		for _, p := range strings.Split(v, ",") {
			p = strings.TrimSpace(p)
			if first == "" {
				first = p
			} else if p != first {
				return 0, false
			}
		}
	}
	if first == "" || strings.TrimLeft(first, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(first, 10, 64)
	return n, err == nil
}

// lastToken returns the last transfer coding listed, lower-cased.
func lastToken(values []string) string {
	v := values[len(values)-1]
	if i := strings.LastIndexByte(v, ','); i >= 0 {
		v = v[i+1:]
	}
	v, _, _ = strings.Cut(v, ";")
	return strings.ToLower(strings.TrimSpace(v))
}

// readChunked reads a chunked body and its trailer section, returning the
// number of content bytes.
func readChunked(br *bufio.Reader) (int64, error) {
	var total int64
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return total, fmt.Errorf("chunked: reading a chunk size: %w", err)
		}
		size, _, _ := strings.Cut(strings.TrimRight(line, "\r\n"), ";")
		n, err := strconv.ParseInt(strings.TrimSpace(size), 16, 64)
		if err != nil || n < 0 {
			return total, fmt.Errorf("chunked: malformed chunk size line %q", line)
		}
		if n == 0 {
			break
		}
		m, err := io.CopyN(io.Discard, br, n)
		total += m
		if err != nil {
			return total, fmt.Errorf("chunked: short chunk: %w", err)
		}
		if crlf, err := br.ReadString('\n'); err != nil || strings.TrimRight(crlf, "\r\n") != "" {
			return total, fmt.Errorf("chunked: no CRLF after chunk data")
		}
	}
	for { // trailer section
		line, err := br.ReadString('\n')
		if err != nil {
			return total, fmt.Errorf("chunked: reading the trailer section: %w", err)
		}
		if strings.TrimRight(line, "\r\n") == "" {
			return total, nil
		}
	}
}

// isTimeout reports whether err is a deadline that passed.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
