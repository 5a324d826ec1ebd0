package responses_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"testing"
	"time"
)

// wireResponse is a response as it crossed the connection, read without
// net/http's client, which hides framing.
type wireResponse struct {
	interim []wireInterim
	code    int
	header  http.Header
	body    []byte
}

type wireInterim struct {
	code   int
	header http.Header
}

// roundTrip sends one request with Connection: close on a fresh connection
// to addr and reads everything the server sends until it closes.
func roundTrip(t *testing.T, addr, method, path, proto string, extra ...string) wireResponse {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	req := method + " " + path + " " + proto + "\r\nHost: test\r\nConnection: close\r\n"
	for _, l := range extra {
		req += l + "\r\n"
	}
	if _, err := io.WriteString(conn, req+"\r\n"); err != nil {
		t.Fatal(err)
	}
	tp := textproto.NewReader(bufio.NewReader(conn))
	var res wireResponse
	for {
		line, err := tp.ReadLine()
		if err != nil {
			t.Fatalf("%s %s: status line: %v", method, path, err)
		}
		code, err := statusOf(line)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		h, err := tp.ReadMIMEHeader()
		if err != nil {
			t.Fatalf("%s %s: header: %v", method, path, err)
		}
		if code >= 100 && code < 200 {
			res.interim = append(res.interim, wireInterim{code, http.Header(h)})
			continue
		}
		res.code, res.header = code, http.Header(h)
		break
	}
	if res.body, err = io.ReadAll(tp.R); err != nil {
		t.Fatalf("%s %s: body: %v", method, path, err)
	}
	return res
}

// statusOf parses "HTTP/1.1 204 No Content".
func statusOf(line string) (int, error) {
	_, rest, ok := strings.Cut(line, " ")
	if !ok || !strings.HasPrefix(line, "HTTP/1.") || len(rest) < 3 {
		return 0, fmt.Errorf("bad status line %q", line)
	}
	return strconv.Atoi(rest[:3])
}
