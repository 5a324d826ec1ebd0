package normalize

import (
	"bytes"
	"fmt"
	"net/http"
	"reflect"
	"testing"
)

// TestConformantResponsesPassUnchanged checks the other side of every
// rule: a response that breaks none goes through byte for byte, under any
// configuration, and causes no Event.
func TestConformantResponsesPassUnchanged(t *testing.T) {
	conformant := []conformantCase{
		{"200 with type, length, date", "GET", reply(200, "hello, world", "Content-Type", "text/plain", "Content-Length", "12")},
		{"200 streamed without length", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Date", fixedDate)
			w.Header().Set("Content-Type", "text/plain")
			w.Write([]byte("part one, "))
			w.(http.Flusher).Flush()
			w.Write([]byte("part two"))
		}},
		{"404", "GET", reply(404, "not here")},
		{"405 with Allow", "DELETE", reply(405, "no", "Allow", "GET, POST")},
		{"405 with an empty Allow", "DELETE", reply(405, "no", "Allow", "")},
		{"OPTIONS 200 with Allow", "OPTIONS", reply(200, "", "Allow", "GET, HEAD, OPTIONS")},
		{"OPTIONS 204 with Allow", "OPTIONS", reply(204, "", "Allow", "GET")},
		{"401 with a challenge", "GET", reply(401, "who?", "WWW-Authenticate", `Bearer realm="api", error="invalid_token"`)},
		{"407 with a challenge", "GET", reply(407, "who?", "Proxy-Authenticate", `Basic realm="proxy"`)},
		{"426 with Upgrade", "GET", reply(426, "upgrade", "Upgrade", "HTTP/2.0", "Connection", "Upgrade")},
		{"503 with Retry-After seconds", "GET", reply(503, "busy", "Retry-After", "120")},
		{"503 with Retry-After HTTP-date", "GET", reply(503, "busy", "Retry-After", "Fri, 31 Dec 1999 23:59:59 GMT")},
		{"429 with Retry-After 0", "GET", reply(429, "slow", "Retry-After", "0")},
		{"302 with Location", "GET", reply(302, "", "Location", "/next?x=1&y=%C3%BC#frag")},
		{"301 with absolute Location", "GET", reply(301, "", "Location", "https://example.com/a%20b")},
		{"201 with Location", "POST", reply(201, "made", "Location", "/items/1")},
		{"206 with Content-Range", "GET", reply(206, "ello", "Content-Range", "bytes 1-4/12", "Content-Length", "4")},
		{"206 multipart/byteranges", "GET", reply(206, "--b\r\n\r\n--b--\r\n", "Content-Type", "multipart/byteranges; boundary=b")},
		{"416 with Content-Range", "GET", reply(416, "", "Content-Range", "bytes */1234")},
		{"304 with Content-Length and ETag", "GET", reply(304, "", "Content-Length", "1234", "ETag", `"v1"`)},
		{"205 with Content-Length 0", "POST", reply(205, "", "Content-Length", "0")},
		{"204", "DELETE", reply(204, "")},
		{"HEAD 200 with Content-Length", "HEAD", reply(200, "", "Content-Length", "5", "Content-Type", "text/plain")},
	}
	runConformant(t, conformant)
}

// conformantCase is a response that breaks no rule.
type conformantCase struct {
	name   string
	method string
	h      http.HandlerFunc
}

// runConformant checks, under several configurations, that conformant
// responses pass byte for byte and cause no Event.
func runConformant(t *testing.T, conformant []conformantCase) {
	t.Helper()
	runConformantAsked(t, nil, conformant)
}

// runConformantAsked is runConformant with the request fields hdr (name
// then value) sent by both clients.
func runConformantAsked(t *testing.T, hdr []string, conformant []conformantCase) {
	t.Helper()
	configs := []struct {
		name string
		opts Options
	}{
		{"enforce", full},
		{"enforce unconfigured", Options{}},
		{"report", Options{Default: Report, Allow: []string{"GET"}}},
	}
	for _, cfg := range configs {
		for _, c := range conformant {
			t.Run(cfg.name+"/"+c.name, func(t *testing.T) {
				f := newFixture(t, cfg.opts, c.h)
				addr := f.h1.Listener.Addr().String()

				wrapped := rawDo(t, addr, c.method, "/x", hdr...)
				if evs := f.events(); len(evs) != 0 {
					t.Errorf("HTTP/1.1: events %v, want none", evs)
				}
				direct := rawDo(t, addr, c.method, "/direct/x", hdr...)
				if !bytes.Equal(wrapped.bytes, direct.bytes) {
					t.Errorf("HTTP/1.1 bytes differ\nwrapped: %q\ndirect:  %q", wrapped.bytes, direct.bytes)
				}

				w2 := do(t, f.h2, c.method, "/x", hdr...)
				if evs := f.events(); len(evs) != 0 {
					t.Errorf("HTTP/2: events %v, want none", evs)
				}
				d2 := do(t, f.h2, c.method, "/direct/x", hdr...)
				if w2.status != d2.status || !reflect.DeepEqual(w2.header, d2.header) || !bytes.Equal(w2.body, d2.body) ||
					fmt.Sprint(w2.err) != fmt.Sprint(d2.err) {
					t.Errorf("HTTP/2 responses differ\nwrapped: %d %v %q %v\ndirect:  %d %v %q %v",
						w2.status, w2.header, w2.body, w2.err, d2.status, d2.header, d2.body, d2.err)
				}
			})
		}
	}
}
