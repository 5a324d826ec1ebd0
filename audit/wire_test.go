package audit

import (
	"bufio"
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := ParseURL(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestClientReadsTheWire checks what the client records of exact bytes:
// the status line, every field line as sent, interim responses, and the
// content that framing allows or not.
func TestClientReadsTheWire(t *testing.T) {
	tests := []struct {
		name, method, raw string
		hold              time.Duration // the server keeps the connection open
		status            int
		fields            []Field
		interim           []int
		content, extra    int64
	}{
		{
			name: "repeated fields kept in order", method: "GET",
			raw:     "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nSet-Cookie: a=1\r\nContent-Length: 2\r\nset-cookie: b=2\r\n\r\nhi",
			status:  200,
			fields:  []Field{{"Content-Length", "2"}, {"Set-Cookie", "a=1"}, {"Content-Length", "2"}, {"set-cookie", "b=2"}},
			content: 2,
		},
		{
			name: "content on HEAD", method: "HEAD",
			raw:    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
			status: 200, fields: []Field{{"Content-Length", "5"}}, extra: 5,
		},
		{
			name: "content on HEAD, connection kept open", method: "HEAD", hold: 2 * time.Second,
			raw:    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
			status: 200, fields: []Field{{"Content-Length", "5"}}, extra: 5,
		},
		{
			name: "HEAD with Content-Length and nothing after", method: "HEAD",
			raw:    "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n",
			status: 200, fields: []Field{{"Content-Length", "5000"}},
		},
		{
			name: "content on 204", method: "GET",
			raw:    "HTTP/1.1 204 No Content\r\n\r\nhello",
			status: 204, extra: 5,
		},
		{
			name: "content on 304", method: "GET",
			raw:    "HTTP/1.1 304 Not Modified\r\nETag: \"a\"\r\n\r\nhello!",
			status: 304, fields: []Field{{"ETag", `"a"`}}, extra: 6,
		},
		{
			name: "bytes past Content-Length", method: "GET",
			raw:    "HTTP/1.1 205 Reset Content\r\nContent-Length: 0\r\n\r\nhello",
			status: 205, fields: []Field{{"Content-Length", "0"}}, extra: 5,
		},
		{
			name: "chunked with extension and trailer", method: "GET",
			raw:    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;x=y\r\nhi\r\n1\r\n!\r\n0\r\nX-Sum: 3\r\n\r\n",
			status: 200, fields: []Field{{"Transfer-Encoding", "chunked"}}, content: 3,
		},
		{
			name: "close-delimited", method: "GET",
			raw:    "HTTP/1.1 200 OK\r\n\r\nall of it",
			status: 200, content: 9,
		},
		{
			name: "close-delimited, and the close never comes", method: "GET", hold: 3 * time.Second,
			raw:    "HTTP/1.1 200 OK\r\n\r\npart of it",
			status: 200, content: 10,
		},
		{
			name: "interim responses", method: "GET",
			raw:    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
			status: 204, interim: []int{100, 103},
		},
		{
			name: "status out of range", method: "GET",
			raw:    "HTTP/1.1 600 Weird\r\nContent-Length: 0\r\n\r\n",
			status: 600, fields: []Field{{"Content-Length", "0"}},
		},
		{
			name: "no reason phrase, HTTP/1.0", method: "GET",
			raw:    "HTTP/1.0 404\r\nContent-Length: 1\r\n\r\nx",
			status: 404, fields: []Field{{"Content-Length", "1"}}, content: 1,
		},
	}
	srv := newRawServer(t)
	client := &Client{Timeout: time.Second}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := "/" + string(rune('a'+i))
			srv.answer(path, tt.raw)
			srv.mu.Lock()
			srv.hold[tt.method+" "+path] = tt.hold
			srv.mu.Unlock()
			start := time.Now()
			resp, err := client.Do(context.Background(), tt.method, mustURL(t, srv.URL(path)), nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.hold > 0 && time.Since(start) >= tt.hold {
				t.Errorf("the client waited for the close (%v), not only the linger", time.Since(start))
			}
			if resp.Status != tt.status || resp.Content != tt.content || resp.Extra != tt.extra {
				t.Errorf("status %d content %d extra %d; want %d %d %d", resp.Status, resp.Content, resp.Extra, tt.status, tt.content, tt.extra)
			}
			if !reflect.DeepEqual(resp.Fields, tt.fields) {
				t.Errorf("fields %q, want %q", resp.Fields, tt.fields)
			}
			var interim []int
			for _, in := range resp.Interim {
				interim = append(interim, in.Status)
			}
			if !reflect.DeepEqual(interim, tt.interim) {
				t.Errorf("interim %v, want %v", interim, tt.interim)
			}
			if want := strings.SplitN(tt.raw[strings.LastIndex(tt.raw, "HTTP/1."):], "\r\n", 2)[0]; resp.StatusLine != want {
				t.Errorf("status line %q, want %q", resp.StatusLine, want)
			}
		})
	}
}

// TestClientSends checks the request the client writes.
func TestClientSends(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan string, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
		buf := make([]byte, 4096)
		n, _ := conn.Read(buf)
		got <- string(buf[:n])
		_, _ = conn.Write([]byte("HTTP/1.1 204 No Content\r\n\r\n"))
	}()
	h := http.Header{}
	h.Add("X-Token", "abc")
	h.Set("Host", "example.test")
	if _, err := new(Client).Do(context.Background(), "DELETE", mustURL(t, "http://"+ln.Addr().String()+"/a%20b?x=1"), h); err != nil {
		t.Fatal(err)
	}
	req := <-got
	for _, want := range []string{"DELETE /a%20b?x=1 HTTP/1.1\r\n", "Host: example.test\r\n", "X-Token: abc\r\n", "Connection: close\r\n\r\n"} {
		if !strings.Contains(req, want) {
			t.Errorf("request %q lacks %q", req, want)
		}
	}
	if strings.Contains(req, "Content-Length") {
		t.Errorf("DELETE sent with a Content-Length: %q", req)
	}
}

// TestClientBounds checks the timeout and the byte limit.
func TestClientBounds(t *testing.T) {
	t.Run("timeout", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		done := make(chan struct{})
		defer close(done)
		go func() {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			defer conn.Close()
			<-done // never answers
		}()
		start := time.Now()
		_, err = (&Client{Timeout: 300 * time.Millisecond}).Do(context.Background(), "GET", mustURL(t, "http://"+ln.Addr().String()+"/"), nil)
		if err == nil {
			t.Fatal("a server that never answers gave no error")
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("the request took %v with a 300ms timeout", d)
		}
	})
	t.Run("body limit", func(t *testing.T) {
		srv := newRawServer(t)
		srv.answer("/big", "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"+strings.Repeat("x", 100000))
		resp, err := (&Client{MaxBody: 1000}).Do(context.Background(), "GET", mustURL(t, srv.URL("/big")), nil)
		if err != nil {
			t.Fatal(err)
		}
		if !resp.Truncated || resp.Content != 1000 {
			t.Errorf("content %d truncated %v; want 1000 true", resp.Content, resp.Truncated)
		}
	})
	t.Run("malformed", func(t *testing.T) {
		srv := newRawServer(t)
		for path, raw := range map[string]string{
			"/garbage":  "SSH-2.0-OpenSSH\r\n\r\n",
			"/letters":  "HTTP/1.1 2OO OK\r\n\r\n",
			"/noend":    "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n",
			"/badfield": "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
			"/short":    "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
		} {
			srv.answer(path, raw)
			if resp, err := new(Client).Do(context.Background(), "GET", mustURL(t, srv.URL(path)), nil); err == nil {
				t.Errorf("%s: %q read as %+v, want an error", path, raw, resp)
			}
		}
	})
}

// TestClientTLS: over https, the client reads the wire as it does over
// TCP: here, content on a 204 that Go's client would never show.
func TestClientTLS(t *testing.T) {
	ts := httptest.NewUnstartedServer(nil)
	ts.StartTLS()
	cert := ts.TLS.Certificates
	roots := ts.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	ts.Close()

	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: cert})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := http.ReadRequest(bufio.NewReader(conn)); err != nil {
			return
		}
		_, _ = io.WriteString(conn, "HTTP/1.1 204 No Content\r\nDate: Mon, 02 Jan 2006 15:04:05 GMT\r\n\r\nhello")
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	c := &Client{TLSConfig: &tls.Config{RootCAs: roots}, Dialer: &net.Dialer{}}
	// httptest's certificate names example.com; dial 127.0.0.1 under that name.
	c.TLSConfig.ServerName = "example.com"
	resp, err := c.Do(context.Background(), "GET", mustURL(t, "https://127.0.0.1:"+port+"/"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 204 || resp.Extra != 5 {
		t.Errorf("status %d extra %d, want 204 and 5", resp.Status, resp.Extra)
	}
}
