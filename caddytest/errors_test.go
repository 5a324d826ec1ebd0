package caddytest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Clean error responses: what a client gets when the upstream fails, or
// answers an error with a page of its own. The helpers here (clients,
// upstreams that fail in each way, the log, the shared body assertion)
// serve errors_*_test.go too.

// chromeAccept is what Chrome sends when it navigates to a page.
const chromeAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"

// errClient is a kind of client, by the Accept it sends, and the media
// type of the generated error body it must get.
type errClient struct {
	name      string
	accept    string
	mediaType string
}

// mediaTypeFor is the media type of the body generated in place of an
// upstream's body of Content-Type like: a client that accepts anything
// (curl's */*) keeps the upstream's media family (JSON gives
// problem+json, HTML gives HTML, anything else text); others get what
// they asked for.
func (c errClient) mediaTypeFor(like string) string {
	if c.accept != "*/*" || like == "" {
		return c.mediaType
	}
	switch {
	case strings.HasPrefix(like, "application/json"):
		return "application/problem+json"
	case strings.HasPrefix(like, "text/html"):
		return "text/html"
	}
	return "text/plain"
}

var errClients = []errClient{
	{"json", "application/json", "application/json"},
	{"api", "application/problem+json", "application/problem+json"},
	{"browser", chromeAccept, "text/html"},
	{"curl", "*/*", "text/plain"},
}

// internalText is what no generated error body may contain: fragments of
// the errors Go's transport and reverse_proxy return, which belong in the
// log. (Reason phrases are capitalised: "Gateway Timeout" is not "timeout".)
var internalText = []string{
	"dial tcp", "connection refused", "EOF", "timeout", "malformed",
	"i/o", "awaiting response headers", "multiple Content-Length",
	"transport connection broken", "no upstreams available",
}

// forbiddenFor is what a generated body must not contain for an upstream
// at addr: its address, its port, and internalText.
func forbiddenFor(addr string, more ...string) []string {
	out := append([]string{}, internalText...)
	if addr != "" {
		_, port, _ := net.SplitHostPort(addr)
		out = append(out, addr, port)
	}
	return append(out, more...)
}

// problemBody is the RFC 9457 members a generated JSON error may have;
// decoding rejects any other, so nothing rides along in extra members.
type problemBody struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail"`
	Instance string `json:"instance"`
}

var htmlTitle = regexp.MustCompile(`(?is)<title>(.*?)</title>`)

// checkErrorBody asserts that got is a generated error with status in
// mediaType: the media type (UTF-8 for text), a well-formed body naming
// the status and its reason, framing that ends where the body does, and
// none of forbidden in the body. With vary, Vary must list Accept.
func checkErrorBody(t *testing.T, what string, got *wireResponse, status int, mediaType string, vary bool, forbidden []string) {
	t.Helper()
	if got.status != status {
		t.Errorf("%s: status %d, want %d; body %q", what, got.status, status, got.body)
	}
	ct := got.header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != mediaType {
		t.Errorf("%s: Content-Type %q, want %s", what, ct, mediaType)
	}
	if strings.HasPrefix(mediaType, "text/") && !strings.EqualFold(params["charset"], "utf-8") {
		t.Errorf("%s: Content-Type %q, want charset=utf-8", what, ct)
	}
	if vary && !hasToken(got.header, "Vary", "Accept") {
		t.Errorf("%s: Vary %q, want it to list Accept", what, got.header.Values("Vary"))
	}
	if len(got.extra) > 0 {
		t.Errorf("%s: %d bytes past the end of the message: %q", what, len(got.extra), got.extra)
	}
	reason := http.StatusText(status)
	line := strconv.Itoa(status) + " " + reason
	switch mediaType {
	case "application/json", "application/problem+json":
		var p problemBody
		dec := json.NewDecoder(bytes.NewReader(got.body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p); err != nil {
			t.Errorf("%s: body %q is not a problem details object: %v", what, got.body, err)
		} else if _, err := dec.Token(); err != io.EOF {
			t.Errorf("%s: body %q has more than one JSON value", what, got.body)
		}
		if p.Status != status || p.Title != reason {
			t.Errorf("%s: problem status %d title %q, want %d %q", what, p.Status, p.Title, status, reason)
		}
	case "text/html":
		m := htmlTitle.FindSubmatch(got.body)
		if m == nil {
			t.Errorf("%s: HTML body %q has no <title>", what, got.body)
		} else if !strings.Contains(string(m[1]), line) {
			t.Errorf("%s: HTML <title> %q, want it to name %q", what, m[1], line)
		}
		if !bytes.Contains(got.body, []byte("</html>")) {
			t.Errorf("%s: HTML body %q does not end its document", what, got.body)
		}
	case "text/plain":
		first, _, _ := strings.Cut(string(got.body), "\n")
		if first != line {
			t.Errorf("%s: first line of the text body %q, want %q", what, first, line)
		}
	}
	assertNoLeaks(t, what, got.body, forbidden)
}

// assertNoLeaks asserts that body contains none of forbidden.
func assertNoLeaks(t *testing.T, what string, body []byte, forbidden []string) {
	t.Helper()
	for _, f := range forbidden {
		if f != "" && bytes.Contains(body, []byte(f)) {
			t.Errorf("%s: body leaks %q: %q", what, f, body)
		}
	}
}

// refusedAddr returns a loopback address nothing listens on: a port that
// was just listened on and closed, so a connect to it is refused.
func refusedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// hangingAddr returns the address of a loopback listener that a connect
// to never completes: it never accepts, its accept queue (backlog 0) is
// filled by a connect of ours, and the kernel drops the SYNs that find
// it full. It checks that a connect does time out before returning.
func hangingAddr(t *testing.T) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("socket: %v", err)
	}
	t.Cleanup(func() { _ = syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatalf("bind: %v", err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatalf("listen: %v", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatalf("getsockname: %v", err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
	for range 4 {
		c, err := net.DialTimeout("tcp", addr, 250*time.Millisecond)
		if err == nil {
			t.Cleanup(func() { _ = c.Close() })
			continue
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return addr // the queue is full: connects hang
		}
		t.Fatalf("filling the accept queue of %s: %v", addr, err)
	}
	t.Fatalf("connects to %s still complete with its accept queue full: this machine offers no hanging loopback connect", addr)
	return ""
}

// caddyLog is a file Caddy's default log writes JSON lines to.
type caddyLog struct{ path string }

func newCaddyLog(t *testing.T, name string) *caddyLog {
	return &caddyLog{path: filepath.Join(t.TempDir(), name)}
}

// entries returns the log's JSON entries so far.
func (l *caddyLog) entries(t *testing.T) []map[string]any {
	t.Helper()
	raw, err := os.ReadFile(l.path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatalf("reading the log: %v", err)
	}
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e map[string]any
		if json.Unmarshal(sc.Bytes(), &e) == nil {
			out = append(out, e)
		}
	}
	return out
}

// matching returns the entries for which keep is true.
func (l *caddyLog) matching(t *testing.T, keep func(map[string]any) bool) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, e := range l.entries(t) {
		if keep(e) {
			out = append(out, e)
		}
	}
	return out
}

// await waits up to ioTimeout for an entry for which keep is true.
func (l *caddyLog) await(t *testing.T, what string, keep func(map[string]any) bool) map[string]any {
	t.Helper()
	deadline := time.Now().Add(ioTimeout)
	for {
		if es := l.matching(t, keep); len(es) > 0 {
			return es[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no log entry for %s within %v", what, ioTimeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// upstreamFailureMsg starts the message normalize logs an upstream's
// failure with.
const upstreamFailureMsg = "upstream failed"

// failuresFor is a log filter: normalize's upstream-failure entries for
// the request whose URI holds token.
func failuresFor(token string) func(map[string]any) bool {
	return func(e map[string]any) bool {
		msg, _ := e["msg"].(string)
		uri, _ := e["uri"].(string)
		return strings.HasPrefix(msg, upstreamFailureMsg) && strings.Contains(uri, token)
	}
}

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// checkFailureLogged asserts that normalize logged the request whose URI
// holds token once, with its status, Caddy's request id, and an error
// that names cause; it returns the request id.
func checkFailureLogged(t *testing.T, what string, log *caddyLog, token string, status int, cause string) string {
	t.Helper()
	es := log.matching(t, failuresFor(token))
	if len(es) != 1 {
		t.Errorf("%s: %d %q log entries, want 1: %v", what, len(es), upstreamFailureMsg, es)
		return ""
	}
	e := es[0]
	if s, _ := e["status"].(float64); int(s) != status {
		t.Errorf("%s: logged status %v, want %d", what, e["status"], status)
	}
	id, _ := e["request_id"].(string)
	if !uuidPattern.MatchString(id) {
		t.Errorf("%s: logged request_id %q, want Caddy's request UUID", what, id)
	}
	if msg, _ := e["error"].(string); !strings.Contains(msg, cause) {
		t.Errorf("%s: logged error %q, want the cause %q", what, msg, cause)
	}
	return id
}

// withLogging is the global options block with Caddy's default log
// written to path as JSON.
func withLogging(path string) string {
	g, ok := strings.CutSuffix(globalOptions, "}\n")
	if !ok {
		panic("globalOptions does not end its block as expected")
	}
	return g + "\tlog {\n\t\toutput file " + path + "\n\t\tformat json\n\t}\n}\n"
}

// proxyRoute is a route of an error test site: requests for /<name>/x
// reach normalize and then the route's own reverse_proxy as /x.
type proxyRoute struct {
	name      string
	normalize []string // normalize's sub-directives
	proxy     string   // the reverse_proxy directive, block included
}

// errorSite builds a Caddyfile: the global options with the log to
// logPath, and a site on :9080 with siteLines (handle_errors, log...)
// and the routes.
func errorSite(logPath, siteLines string, routes []proxyRoute) string {
	var b strings.Builder
	b.WriteString(withLogging(logPath))
	b.WriteString("\n:9080 {\n")
	if siteLines != "" {
		b.WriteString(indent(siteLines, "\t"))
	}
	for _, r := range routes {
		fmt.Fprintf(&b, "\troute /%s/* {\n\t\turi strip_prefix /%s\n", r.name, r.name)
		writeNormalize(&b, "\t\t", r.normalize)
		b.WriteString(indent(r.proxy, "\t\t"))
		b.WriteString("\t}\n")
	}
	b.WriteString("}\n")
	return b.String()
}

// errFetch fetches path over proto as client, with token in the query so
// that the log entries of the request can be told apart.
func errFetch(t *testing.T, proto, path, token string, c errClient) *wireResponse {
	t.Helper()
	return fetch(t, proto, request{path: path + "?t=" + token, header: map[string]string{"Accept": c.accept}})
}

// silent answers nothing: it holds the connection until Caddy drops it.
func silent(conn net.Conn, br *bufio.Reader, _ *http.Request) {
	_, _ = io.Copy(io.Discard, br)
}

// traceback is a framework's debug page that leaks its insides.
const traceback = `<!DOCTYPE html>
<html><head><title>OperationalError at /orders</title></head>
<body><h1>OperationalError</h1><pre>
Traceback (most recent call last):
  File "/srv/app/secret.py", line 42, in get_orders
    conn = psycopg2.connect(host="10.1.2.3", port=5432, password="hunter2")
psycopg2.OperationalError: could not connect to server: Connection refused
	Is the server running on host "10.1.2.3" and accepting TCP/IP connections on port 5432?
	dsn=postgres://app@10.1.2.3:5432/orders
</pre></body></html>
`

// tracebackInternals are the parts of traceback that must not get out.
var tracebackInternals = []string{
	"Traceback", "10.1.2.3", "5432", "/srv/app/secret.py", "secret.py",
	"psycopg2", "hunter2", "OperationalError", "onnection refused", "dsn=",
}

// ownBadGateway is an upstream's own 502 page, naming its backend.
const ownBadGateway = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx/1.18.0 (Ubuntu) backend app-7f9c.internal:8000</center></body></html>\n"

var ownBadGatewayInternals = []string{"nginx", "Ubuntu", "app-7f9c", ":8000", "<center>"}

// replacedOnce is the count of one body replace_errors replaced.
var replacedOnce = delta{"replace-errors": {enforced: 1}}

// upstreamErrorCase is one way an upstream fails, behind route /<name>/.
type upstreamErrorCase struct {
	name     string
	settings []string // normalize's sub-directives
	proxy    string   // reverse_proxy and its block
	status   int      // what every client must get
	// cause is what the logged error must name; empty when the case is
	// no failure of reverse_proxy (an invalid status, a replaced body),
	// which is not logged as one.
	cause      string
	count      delta    // the violations the request counts
	forbid     []string // what the body must not contain
	retryAfter string   // the Retry-After the response must have, if any
	// prime, if set, runs once before the clients, to bring the upstream
	// into the state the case needs.
	prime func(t *testing.T)
	// like is the Content-Type of the upstream body a generated one
	// replaces, whose family a client that accepts anything keeps.
	like string
}

// TestUpstreamErrors: every way an upstream fails comes out as a clean,
// well-formed 502, 504 or 503 in the format each kind of client asked
// for, over HTTP/1.1 and h2c, with the cause in the log.
func TestUpstreamErrors(t *testing.T) {
	needCaddy(t)
	up := newRawUpstream(t)
	up.Handle("/silent", silent)
	up.HandleBytes("/garbage", "SSH-2.0-OpenSSH_9.6 not http at all\x00\x01\r\n\r\n")
	up.HandleBytes("/status600", upstream("HTTP/1.1 600 Six Hundred", upstreamSecret, "Content-Type: text/plain", "Content-Length: 20"))
	up.HandleBytes("/status999", upstream("HTTP/1.1 999 Nine Nine Nine", upstreamSecret, "Content-Type: text/plain", "Content-Length: 20"))
	up.HandleBytes("/conflict", upstream("HTTP/1.1 200 OK", "hello, world", "Content-Length: 5", "Content-Length: 7"))
	up.Handle("/closed", func(net.Conn, *bufio.Reader, *http.Request) {})
	up.HandleBytes("/partial", "HTTP/1.1 20")
	up.HandleBytes("/traceback", upstream("HTTP/1.1 500 Internal Server Error", traceback,
		"Content-Type: text/html; charset=utf-8", "Content-Length: "+itoa(len(traceback)), `ETag: "tb-1"`))
	up.HandleBytes("/own502", upstream("HTTP/1.1 502 Bad Gateway", ownBadGateway,
		"Content-Type: text/html", "Content-Length: "+itoa(len(ownBadGateway)), "Server: nginx/1.18.0 (Ubuntu)"))
	refused, hanging, down := refusedAddr(t), hangingAddr(t), refusedAddr(t)
	raw := up.Addr()
	proxyRaw := "reverse_proxy " + raw
	withTimeout := func(addr, option string) string {
		return "reverse_proxy " + addr + " {\ntransport http {\n" + option + "\n}\n}"
	}
	invalid := oneViolation("status-invalid", enforced)
	cases := []upstreamErrorCase{
		{name: "refused", proxy: "reverse_proxy " + refused, status: 502,
			cause: "connection refused", forbid: forbiddenFor(refused)},
		{name: "silent", proxy: withTimeout(raw, "response_header_timeout 300ms"), status: 504,
			cause: "timeout awaiting response headers", forbid: forbiddenFor(raw)},
		{name: "garbage", proxy: proxyRaw, status: 502,
			cause: "malformed HTTP", forbid: forbiddenFor(raw, "SSH-2.0", "OpenSSH")},
		{name: "status600", proxy: proxyRaw, status: 502, count: invalid,
			forbid: forbiddenFor(raw, upstreamSecret, "600", "Six Hundred")},
		{name: "status999", proxy: proxyRaw, status: 502, count: invalid,
			forbid: forbiddenFor(raw, upstreamSecret, "999", "Nine Nine")},
		{name: "conflict", proxy: proxyRaw, status: 502,
			cause: "Content-Length", forbid: forbiddenFor(raw, "hello")},
		{name: "closed", proxy: proxyRaw, status: 502,
			cause: "EOF", forbid: forbiddenFor(raw)},
		{name: "partial", proxy: proxyRaw, status: 502,
			cause: "malformed HTTP status code", forbid: forbiddenFor(raw, "HTTP/1.1 20")},
		{name: "dialtimeout", proxy: withTimeout(hanging, "dial_timeout 200ms"), status: 504,
			cause: "i/o timeout", forbid: forbiddenFor(hanging)},
		{name: "traceback", settings: []string{"replace_errors 5xx"}, proxy: proxyRaw, status: 500,
			count: replacedOnce, like: "text/html", forbid: forbiddenFor(raw, tracebackInternals...)},
		// Its "Server: nginx/1.18.0 (Ubuntu)" is cut to "nginx" (server-detail).
		{name: "own502", settings: []string{"replace_errors 5xx"}, proxy: proxyRaw, status: 502,
			count: delta{"replace-errors": {enforced: 1}, "server-detail": {enforced: 1}}, like: "text/html", forbid: forbiddenFor(raw, ownBadGatewayInternals...)},
		{name: "noupstreams", settings: []string{"retry_after 30"},
			// Passive health checks: one failure marks the only
			// upstream down for a minute, and then reverse_proxy has
			// none to pick.
			proxy:  "reverse_proxy " + down + " {\nfail_duration 1m\nmax_fails 1\n}",
			status: 503, cause: "no upstreams available", retryAfter: "30", forbid: forbiddenFor(down)},
	}
	cases[len(cases)-1].prime = func(t *testing.T) {
		got := fetch(t, protoH1, request{path: "/noupstreams/noupstreams?t=prime", header: map[string]string{"Accept": "*/*"}})
		if got.status != http.StatusBadGateway {
			t.Fatalf("the request that marks the upstream down: status %d, want 502", got.status)
		}
	}

	log := newCaddyLog(t, "caddy.log")
	routes := make([]proxyRoute, len(cases))
	for i, c := range cases {
		routes[i] = proxyRoute{name: c.name, normalize: c.settings, proxy: c.proxy}
	}
	startCaddy(t, errorSite(log.path, "", routes))

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.prime != nil {
				c.prime(t)
			}
			for _, client := range errClients {
				for _, proto := range allProtos {
					token := c.name + "-" + client.name + "-" + proto
					what := fmt.Sprintf("GET /%s/%s as %s over %s", c.name, c.name, client.name, proto)
					before := readReport(t)
					got := errFetch(t, proto, "/"+c.name+"/"+c.name, token, client)
					checkDelta(t, what, before, readReport(t), c.count)
					checkErrorBody(t, what, got, c.status, client.mediaTypeFor(c.like), true, append(c.forbid, token))
					if ra := got.header.Values("Retry-After"); c.retryAfter != "" && (len(ra) != 1 || ra[0] != c.retryAfter) {
						t.Errorf("%s: Retry-After %q, want [%q]", what, ra, c.retryAfter)
					}
					if c.cause != "" {
						checkFailureLogged(t, what, log, token, c.status, c.cause)
					}
				}
			}
		})
	}

	// HEAD: the same status and fields, and no body at all.
	for _, client := range errClients {
		t.Run("refused-head-"+client.name, func(t *testing.T) {
			token := "refused-head-" + client.name
			got := fetch(t, protoH1, request{method: http.MethodHead, path: "/refused/refused?t=" + token, header: map[string]string{"Accept": client.accept}})
			what := "HEAD /refused/refused as " + client.name
			if got.status != http.StatusBadGateway {
				t.Errorf("%s: status %d, want 502", what, got.status)
			}
			if mt, _, _ := mime.ParseMediaType(got.header.Get("Content-Type")); mt != client.mediaType {
				t.Errorf("%s: Content-Type %q, want %s", what, got.header.Get("Content-Type"), client.mediaType)
			}
			if len(got.extra) > 0 {
				t.Errorf("%s: a body was sent to HEAD: %q", what, got.extra)
			}
			checkFailureLogged(t, what, log, token, http.StatusBadGateway, "connection refused")
		})
	}
}
