package caddytest

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// TestRuleInterimHTTP10: RFC 9110 §15.2: a server MUST NOT send a 1xx
// response to an HTTP/1.0 client. The upstream answers a 103 and a 200;
// an HTTP/1.0 client of stock Caddy receives both, one of normalize only
// the 200 (enforced), or both (report, off). An HTTP/1.1 client receives
// both everywhere, and nothing is counted.
func TestRuleInterimHTTP10(t *testing.T) {
	needCaddy(t)
	up := newRawUpstream(t)
	up.HandleBytes("/early", "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"+
		upstream("HTTP/1.1 200 OK", "ok", "Content-Length: 2"))
	routes := []route{
		{name: "stock"},
		{name: "enforce", normalize: normalizeWith()},
		{name: "report", normalize: normalizeWith("mode report")},
		{name: "off", normalize: normalizeWith("rule interim-http10 off")},
	}
	startCaddy(t, siteConfig{upstream: up.Addr(), routes: routes}.String())

	for _, c := range []struct {
		route, version string
		interim        int
		count          delta
	}{
		{"stock", "HTTP/1.0", 1, nil}, // the wrong the rule fixes
		{"enforce", "HTTP/1.0", 0, oneViolation("interim-http10", enforced)},
		{"report", "HTTP/1.0", 1, oneViolation("interim-http10", reported)},
		{"off", "HTTP/1.0", 1, nil},
		{"enforce", "HTTP/1.1", 1, nil},
		{"stock", "HTTP/1.1", 1, nil},
	} {
		t.Run(c.route+"/"+c.version, func(t *testing.T) {
			before := readReport(t)
			got, err := fetchVersion(c.version, "/"+c.route+"/early")
			if err != nil {
				t.Fatal(err)
			}
			checkDelta(t, c.route+" "+c.version, before, readReport(t), c.count)
			if len(got.interim) != c.interim {
				t.Errorf("%d interim responses, want %d: %q", len(got.interim), c.interim, got.raw)
			}
			if got.status != 200 || string(got.body) != "ok" {
				t.Errorf("final %d %q, want 200 ok", got.status, got.body)
			}
		})
	}
}

// fetchVersion sends GET path with the given HTTP version over a raw
// connection, with Connection: close, and parses what comes back.
func fetchVersion(version, path string) (*wireResponse, error) {
	conn, err := net.DialTimeout("tcp", siteAddr, ioTimeout)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(ioTimeout))
	if _, err := io.WriteString(conn, "GET "+path+" "+version+"\r\nHost: localhost:9080\r\nConnection: close\r\n\r\n"); err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(conn)
	if err != nil {
		return nil, err
	}
	// Go answers an HTTP/1.0 request with HTTP/1.0 status lines, which
	// parseH1Response, written for HTTP/1.1, does not take: the version
	// is all that differs, and the framing is read the same.
	if bytes.HasPrefix(raw, []byte("HTTP/1.0 ")) {
		raw = append([]byte("HTTP/1.1 "), raw[len("HTTP/1.0 "):]...)
	}
	raw = bytes.ReplaceAll(raw, []byte("\r\n\r\nHTTP/1.0 "), []byte("\r\n\r\nHTTP/1.1 "))
	return parseH1Response(raw, http.MethodGet)
}

// TestRuleNotModifiedMetadata: RFC 9110 §15.4.5: a 304 SHOULD NOT carry
// representation metadata. Stock Caddy over h2c sends a 304's Content-Type
// (Go's HTTP/1 server drops it, its HTTP/2 server does not); enforced,
// Content-Type, Content-Encoding and Content-Language go over every
// protocol.
func TestRuleNotModifiedMetadata(t *testing.T) {
	meta := []string{"Content-Type", "Content-Encoding", "Content-Language"}
	runRuleTable(t, ruleTable{
		rule: "not-modified-metadata",
		cases: []ruleCase{
			{name: "304-with-type", action: enforced,
				upstream: upstream("HTTP/1.1 304 Not Modified", "", `ETag: "v1"`, "Content-Type: text/html; charset=utf-8", "Content-Language: en"),
				want:     expect{status: 304, header: map[string]string{"ETag": `"v1"`}, absent: meta, body: str("")}},
			{name: "304-respond-type", action: enforced,
				fixture: dateLine + "header Content-Type text/css\nheader ETag `\"v2\"`\nrespond 304",
				want:    expect{status: 304, header: map[string]string{"ETag": `"v2"`}, absent: meta, body: str("")}},
			// Correct: what §15.4.5 lists, and a Content-Length that
			// states the 200's length (§8.6).
			{name: "304-validators",
				upstream: upstream("HTTP/1.1 304 Not Modified", "", `ETag: "v1"`, "Cache-Control: max-age=60", "Vary: Accept-Encoding", "Content-Length: 5"),
				want:     expect{status: 304, header: map[string]string{"ETag": `"v1"`}, body: str("")}},
		},
	})
}
