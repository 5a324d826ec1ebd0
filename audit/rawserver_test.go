package audit

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// rawServer answers with exact bytes, mistakes included, which Go's HTTP
// server refuses to send. Each connection serves one request; the
// answer is chosen by method and path ("HEAD /x"), then by path ("/x").
type rawServer struct {
	ln net.Listener

	mu      sync.Mutex
	answers map[string]string
	hold    map[string]time.Duration // keep the connection open after answering
	got     []string                 // "METHOD /path" of every request, in order
	wg      sync.WaitGroup
}

func newRawServer(t *testing.T) *rawServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &rawServer{ln: ln, answers: map[string]string{}, hold: map[string]time.Duration{}}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(func() {
		_ = ln.Close()
		s.wg.Wait()
	})
	return s
}

func (s *rawServer) URL(path string) string { return "http://" + s.ln.Addr().String() + path }

// answer sets the bytes written for key, "METHOD /path" or "/path".
func (s *rawServer) answer(key, raw string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answers[key] = raw
}

func (s *rawServer) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.got...)
}

func (s *rawServer) serve() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
			req, err := http.ReadRequest(bufio.NewReader(conn))
			if err != nil {
				return
			}
			key := req.Method + " " + req.URL.Path
			s.mu.Lock()
			s.got = append(s.got, key)
			raw, ok := s.answers[key]
			if !ok {
				raw, ok = s.answers[req.URL.Path]
			}
			hold := s.hold[key]
			s.mu.Unlock()
			if !ok {
				raw = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
			}
			_, _ = io.WriteString(conn, raw)
			time.Sleep(hold)
		}()
	}
}
