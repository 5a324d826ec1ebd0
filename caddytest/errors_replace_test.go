package caddytest

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// replaceSecret marks the upstream's error pages in TestReplaceErrors.
const replaceSecret = "DEBUG route table: /srv/app/urls.py"

func gzipped(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestReplaceErrors: replace_errors drops the upstream's body for the
// listed statuses as it streams, with Content-Length, Content-Encoding,
// Content-Type and ETag, and puts a generated body in the client's format
// in its place, keeping the status and the other fields; statuses not
// listed, and every status without replace_errors, keep their body byte
// for byte.
func TestReplaceErrors(t *testing.T) {
	needCaddy(t)
	page := "<html><body><h1>Oops</h1><pre>" + replaceSecret + "</pre></body></html>\n"
	zpage := gzipped(t, page)
	const api404 = `{"error":"no such widget","id":42}`
	const api500 = `{"error":"database is down","code":"E_DB"}`
	up := newRawUpstream(t)
	up.HandleBytes("/busy", upstream("HTTP/1.1 503 Service Unavailable", zpage,
		"Content-Type: text/html", "Content-Encoding: gzip", "Content-Length: "+itoa(len(zpage)),
		`ETag: "busy-1"`, "Last-Modified: Mon, 02 Jan 2006 15:04:05 GMT", "Retry-After: 120", "Set-Cookie: session=abc123; Path=/; HttpOnly",
		"Set-Cookie: lb=node7; Path=/", "Vary: Accept-Encoding", "Cache-Control: no-store"))
	up.HandleBytes("/auth", upstream("HTTP/1.1 401 Unauthorized", page,
		"Content-Type: text/html", "Content-Length: "+itoa(len(page)), `ETag: "auth-1"`,
		`WWW-Authenticate: Bearer realm="api", error="invalid_token"`))
	up.HandleBytes("/method", upstream("HTTP/1.1 405 Method Not Allowed", page,
		"Content-Type: text/html", "Content-Length: "+itoa(len(page)), "Allow: POST, PUT")) // the tests GET it: an Allow listing GET would be allow-lists-refused
	up.HandleBytes("/missing", upstream("HTTP/1.1 404 Not Found", page,
		"Content-Type: text/html", "Content-Length: "+itoa(len(page)), `ETag: "404"`))
	// 2 MiB of error page, chunked: dropped as it streams.
	up.Handle("/stream", func(conn net.Conn, _ *bufio.Reader, _ *http.Request) {
		bw := bufio.NewWriter(conn)
		bw.WriteString(upstream("HTTP/1.1 500 Internal Server Error", "",
			"Content-Type: text/html", "Transfer-Encoding: chunked", `ETag: "big"`))
		chunk := strings.Repeat(replaceSecret+"\n", 1024)
		for range 2 << 20 / len(chunk) {
			fmt.Fprintf(bw, "%x\r\n%s\r\n", len(chunk), chunk)
		}
		bw.WriteString("0\r\n\r\n")
		_ = bw.Flush()
	})
	up.HandleBytes("/api404", upstream("HTTP/1.1 404 Not Found", api404,
		"Content-Type: application/json", "Content-Length: "+itoa(len(api404)), `ETag: "w42"`))
	up.HandleBytes("/api500", upstream("HTTP/1.1 500 Internal Server Error", api500,
		"Content-Type: application/json", "Content-Length: "+itoa(len(api500))))
	routes := []proxyRoute{
		{name: "replace", normalize: []string{"replace_errors 5xx 404 401 405"}, proxy: "reverse_proxy " + up.Addr()},
		{name: "apikeep", normalize: []string{"replace_errors 5xx"}, proxy: "reverse_proxy " + up.Addr()},
		{name: "default", proxy: "reverse_proxy " + up.Addr()},
	}
	log := newCaddyLog(t, "caddy.log")
	startCaddy(t, errorSite(log.path, "", routes))
	// Every request takes gzip, so that Go's transport in
	// reverse_proxy passes the upstream's gzip body and Content-Encoding
	// on rather than decoding them itself.
	forbid := forbiddenFor(up.Addr(), replaceSecret, "/srv/app", "Oops", "\x1f\x8b")

	replaced := []struct {
		path   string
		status int
		keep   map[string][]string // fields that must arrive exactly so
	}{
		{"/busy", 503, map[string][]string{
			"Retry-After":   {"120"},
			"Set-Cookie":    {"session=abc123; Path=/; HttpOnly", "lb=node7; Path=/"},
			"Cache-Control": {"no-store"},
		}},
		{"/auth", 401, map[string][]string{"Www-Authenticate": {`Bearer realm="api", error="invalid_token"`}}},
		{"/method", 405, map[string][]string{"Allow": {"POST, PUT"}}},
		{"/missing", 404, nil},
		{"/stream", 500, nil},
	}
	for _, tt := range replaced {
		for _, client := range errClients {
			for _, proto := range allProtos {
				t.Run(fmt.Sprintf("replace%s-%s-%s", tt.path, client.name, proto), func(t *testing.T) {
					what := fmt.Sprintf("GET /replace%s as %s over %s", tt.path, client.name, proto)
					before := readReport(t)
					got := fetch(t, proto, request{path: "/replace" + tt.path, header: map[string]string{"Accept": client.accept, "Accept-Encoding": "gzip"}})
					checkDelta(t, what, before, readReport(t), replacedOnce)
					// Every page here is HTML: curl gets it as HTML.
					checkErrorBody(t, what, got, tt.status, client.mediaTypeFor("text/html"), true, forbid)
					for _, k := range []string{"ETag", "Content-Encoding", "Last-Modified", "Trailer"} {
						if v := got.header.Values(k); len(v) > 0 {
							t.Errorf("%s: %s %q survived the replaced body", what, k, v)
						}
					}
					if v := got.header.Values("Content-Length"); len(v) > 0 && v[0] != itoa(len(got.body)) {
						t.Errorf("%s: Content-Length %q for a body of %d bytes", what, v, len(got.body))
					}
					for k, want := range tt.keep {
						if v := got.header.Values(k); !slices.Equal(v, want) {
							t.Errorf("%s: %s %q, want the upstream's %q", what, k, v, want)
						}
					}
					if tt.path == "/busy" && !hasToken(got.header, "Vary", "Accept-Encoding") {
						t.Errorf("%s: Vary %q lost the upstream's Accept-Encoding", what, got.header.Values("Vary"))
					}
				})
			}
		}
	}

	// Per status: what is not listed passes byte for byte, fields and
	// all; on the same routes, what is listed is replaced.
	perStatus := []struct {
		route, path string
		status      int
		body        string // the upstream's body, kept; "" for replaced
		ctype, etag string // the upstream's, kept
		encoding    string // the upstream's Content-Encoding, kept
		like        string // the replaced body's type, for curl's family
	}{
		{"apikeep", "/api404", 404, api404, "application/json", `"w42"`, "", ""}, // 404 not listed
		{"apikeep", "/api500", 500, "", "", "", "", "application/json"},          // 5xx listed
		{"replace", "/api404", 404, "", "", "", "", "application/json"},          // 404 listed
		{"default", "/api500", 500, api500, "application/json", "", "", ""},      // nothing listed
		{"default", "/missing", 404, page, "text/html", `"404"`, "", ""},
		{"default", "/busy", 503, zpage, "text/html", `"busy-1"`, "gzip", ""},
	}
	for _, tt := range perStatus {
		for _, client := range errClients {
			for _, proto := range allProtos {
				t.Run(fmt.Sprintf("%s%s-%s-%s", tt.route, tt.path, client.name, proto), func(t *testing.T) {
					what := fmt.Sprintf("GET /%s%s as %s over %s", tt.route, tt.path, client.name, proto)
					got := fetch(t, proto, request{path: "/" + tt.route + tt.path, header: map[string]string{"Accept": client.accept, "Accept-Encoding": "gzip"}})
					if tt.body == "" {
						checkErrorBody(t, what, got, tt.status, client.mediaTypeFor(tt.like), true, append(forbid, "widget", "database"))
						return
					}
					if got.status != tt.status {
						t.Errorf("%s: status %d, want the upstream's %d", what, got.status, tt.status)
					}
					if string(got.body) != tt.body {
						t.Errorf("%s: body %q, want the upstream's %q byte for byte", what, got.body, tt.body)
					}
					if v := got.header.Values("Content-Type"); !slices.Equal(v, []string{tt.ctype}) {
						t.Errorf("%s: Content-Type %q, want the upstream's %q", what, v, tt.ctype)
					}
					if v := got.header.Values("Etag"); tt.etag != "" && !slices.Equal(v, []string{tt.etag}) {
						t.Errorf("%s: ETag %q, want the upstream's %q", what, v, tt.etag)
					}
					if v := got.header.Get("Content-Encoding"); v != tt.encoding {
						t.Errorf("%s: Content-Encoding %q, want the upstream's %q", what, v, tt.encoding)
					}
					if hasToken(got.header, "Vary", "Accept") {
						t.Errorf("%s: Vary %q lists Accept on a body that does not depend on it", what, got.header.Values("Vary"))
					}
				})
			}
		}
	}
}
