package normalize_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/respnorm/caddy-normalize/normalize"
)

// rawServer answers every connection with the bytes of raw, exactly, and
// closes it. It returns the server's URL.
func rawServer(t *testing.T, raw string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				br := bufio.NewReader(c)
				for { // the request's header section
					line, err := br.ReadString('\n')
					if err != nil || line == "\r\n" {
						break
					}
				}
				io.WriteString(c, raw)
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// idLevels describes violations as "id LEVEL", space-separated.
func idLevels(vs []normalize.Violation) string {
	var s []string
	for _, v := range vs {
		s = append(s, v.Rule.ID()+" "+v.Level().String())
	}
	return strings.Join(s, ", ")
}

// TestCheckResponseOverTheWire judges what Go's client returns for the
// exact bytes a server wrote: conformant responses in unusual valid forms
// give nothing, broken ones the rule with its level, and the content is
// still there for the caller afterwards.
func TestCheckResponseOverTheWire(t *testing.T) {
	tests := []struct {
		name   string
		method string
		raw    string
		want   string // "id LEVEL", comma-separated
		body   string // what resp.Body reads after the check
	}{
		// Conformant.
		{"200 with Content-Length", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello", "", "hello"},
		{"200 chunked", "GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "", "hello world"},
		{"200 until close, HTTP/1.0", "GET", "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello", "", "hello"},
		{"200 with weak ETag", "GET", "HTTP/1.1 200 OK\r\nETag: W/\"v1\"\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nhi", "", "hi"},
		{"200 empty", "GET", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "", ""},
		{"304 with Content-Length and weak ETag", "GET", "HTTP/1.1 304 Not Modified\r\nContent-Length: 1234\r\nETag: W/\"v1\"\r\n\r\n", "", ""},
		{"HEAD 200 with Content-Length", "HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\nContent-Type: text/plain\r\n\r\n", "", ""},
		{"205 with an empty chunked body", "POST", "HTTP/1.1 205 Reset Content\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "", ""},
		{"205 with Content-Length: 0", "POST", "HTTP/1.1 205 Reset Content\r\nContent-Length: 0\r\n\r\n", "", ""},
		{"405 with Allow", "DELETE", "HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, HEAD\r\nContent-Length: 0\r\n\r\n", "", ""},
		{"401 with two challenges", "GET", "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=x\r\nWWW-Authenticate: Bearer\r\nContent-Length: 0\r\n\r\n", "", ""},
		{"503 with Retry-After date", "GET", "HTTP/1.1 503 Service Unavailable\r\nRetry-After: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 4\r\nContent-Type: text/plain\r\n\r\nbusy", "", "busy"},

		// Broken.
		{"405 without Allow", "DELETE", "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n", "allow-missing MUST", ""},
		{"204 with Transfer-Encoding", "GET", "HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n", "content-forbidden MUST", ""},
		{"204 with Content-Length", "GET", "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n", "content-forbidden MUST", ""},
		{"205 with content", "POST", "HTTP/1.1 205 Reset Content\r\nContent-Length: 5\r\n\r\nhello", "reset-content MUST", "hello"},
		{"205 with chunked content", "POST", "HTTP/1.1 205 Reset Content\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", "reset-content MUST", "hello"},
		{"401 without a challenge", "GET", "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n", "www-authenticate-missing MUST", ""},
		{"503 with a bad Retry-After", "GET", "HTTP/1.1 503 Service Unavailable\r\nRetry-After: soon\r\nContent-Length: 0\r\n\r\n", "retry-after-invalid MUST", ""},
		{"302 without Location", "GET", "HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n", "location-missing SHOULD", ""},
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, rawServer(t, tt.raw), nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if got := idLevels(normalize.CheckResponse(resp)); got != tt.want {
				t.Errorf("CheckResponse = %q, want %q", got, tt.want)
			}
			body, err := io.ReadAll(resp.Body)
			if err != nil || string(body) != tt.body {
				t.Errorf("body after the check = %q, %v; want %q", body, err, tt.body)
			}
		})
	}
}

// TestCheckResponseHTTP2 judges responses received over HTTP/2, where the
// client's request still says HTTP/1.1: the protocol is the response's.
func TestCheckResponseHTTP2(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/426":
			w.WriteHeader(http.StatusUpgradeRequired)
		case "/304":
			w.Header().Set("ETag", `W/"v1"`)
			w.Header().Set("Content-Length", "1234")
			w.WriteHeader(http.StatusNotModified)
		default:
			io.WriteString(w, "hello")
		}
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	for path, want := range map[string]string{"/": "", "/304": "", "/426": "upgrade-missing MUST"} {
		resp, err := srv.Client().Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		if resp.ProtoMajor != 2 {
			t.Fatalf("%s: got %s, want HTTP/2", path, resp.Proto)
		}
		if got := idLevels(normalize.CheckResponse(resp)); got != want {
			t.Errorf("%s: CheckResponse = %q, want %q", path, got, want)
		}
		resp.Body.Close()
	}
}

// failReader fails the test if anything reads it.
type failReader struct{ t *testing.T }

func (f failReader) Read([]byte) (int, error) {
	f.t.Error("the body was read")
	return 0, io.EOF
}

// errBody yields its bytes, then err.
type errBody struct {
	data   string
	err    error
	closed *bool
}

func (b *errBody) Read(p []byte) (int, error) {
	if b.data == "" {
		return 0, b.err
	}
	n := copy(p, b.data)
	b.data = b.data[n:]
	return n, nil
}

func (b *errBody) Close() error { *b.closed = true; return nil }

// TestCheckResponseMadeByHand covers what only a hand-made response has:
// no request, a protocol other than its request's, content where Go's
// client would hand over none, a body that must not be read.
func TestCheckResponseMadeByHand(t *testing.T) {
	get := httptest.NewRequest("GET", "/", nil) // HTTP/1.1
	upgrade := httptest.NewRequest("GET", "/", nil)
	upgrade.Header.Set("Upgrade", "websocket")
	upgrade.Header.Set("Connection", "upgrade")
	tests := []struct {
		name string
		resp *http.Response
		want string
	}{
		{"no request, no body", &http.Response{StatusCode: 200}, ""},
		{"no request: a GET", &http.Response{StatusCode: 405}, "allow-missing MUST"},
		{"103 to HTTP/1.0", &http.Response{StatusCode: 103, Proto: "HTTP/1.0", ProtoMajor: 1, Request: get}, "interim-http10 MUST"},
		{"103 to HTTP/1.1", &http.Response{StatusCode: 103, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Request: get}, ""},
		{"204 with content", &http.Response{StatusCode: 204, Request: get, Body: io.NopCloser(strings.NewReader("x"))}, "content-forbidden MUST"},
		{"HEAD with content", &http.Response{StatusCode: 200, Request: httptest.NewRequest("HEAD", "/", nil), Body: io.NopCloser(strings.NewReader("x"))}, "head-content MUST"},
		{"204 with TransferEncoding", &http.Response{StatusCode: 204, Request: get, TransferEncoding: []string{"chunked"}}, "content-forbidden MUST"},
		{"101: the body is the connection", &http.Response{StatusCode: 101, Request: upgrade, Header: http.Header{"Upgrade": {"websocket"}, "Connection": {"upgrade"}}, Body: io.NopCloser(failReader{t})}, ""},
		{"2xx to CONNECT: the body is the tunnel", &http.Response{StatusCode: 200, Request: httptest.NewRequest("CONNECT", "example.com:443", nil), Body: io.NopCloser(failReader{t})}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := idLevels(normalize.CheckResponse(tt.resp)); got != tt.want {
				t.Errorf("CheckResponse = %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("the caller gets the header as it was", func(t *testing.T) {
		h := http.Header{}
		resp := &http.Response{StatusCode: 204, Request: get, Header: h, TransferEncoding: []string{"chunked"}}
		normalize.CheckResponse(resp)
		if len(h) != 0 || resp.Header["Transfer-Encoding"] != nil {
			t.Errorf("header changed to %v", resp.Header)
		}
	})
	t.Run("the body keeps its bytes, its error and its Close", func(t *testing.T) {
		errCut := errors.New("cut")
		long := strings.Repeat("0123456789", 10)
		for _, data := range []string{"", "a", long} {
			closed := false
			resp := &http.Response{StatusCode: 200, Request: get, Body: &errBody{data: data, err: errCut, closed: &closed}}
			normalize.CheckResponse(resp)
			got, err := io.ReadAll(resp.Body)
			if string(got) != data || err != errCut {
				t.Errorf("body of %d bytes: read %q, %v; want it whole and %v", len(data), got, err, errCut)
			}
			resp.Body.Close()
			if !closed {
				t.Errorf("body of %d bytes: Close did not reach it", len(data))
			}
		}
	})
}
