package caddytest

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"testing"
)

// TestLearnedAllow: the Allow normalize adds to a 405 is learned per
// resource from what the origin says: a method it refused with 405 is
// never listed for that resource again, and an Allow it sent on OPTIONS
// is used in place of the configured list. Learning can be turned off
// (learn_allow off) and its memory bounded (learn_allow { size }).
func TestLearnedAllow(t *testing.T) {
	needCaddy(t)
	up := newRawUpstream(t)
	// /r refuses every method with a 405 without Allow.
	up.HandleBytes("/r", noContent("HTTP/1.1 405 Method Not Allowed"))
	up.HandleBytes("/r2", noContent("HTTP/1.1 405 Method Not Allowed"))
	// /o answers OPTIONS with its own Allow, and refuses the rest.
	up.Handle("/o", func(conn net.Conn, _ *bufio.Reader, req *http.Request) {
		if req.Method == http.MethodOptions {
			_, _ = io.WriteString(conn, noContent("HTTP/1.1 200 OK", "Allow: GET, OPTIONS, BREW"))
			return
		}
		_, _ = io.WriteString(conn, noContent("HTTP/1.1 405 Method Not Allowed"))
	})
	const all = "allow GET HEAD POST PUT DELETE PATCH"
	startCaddy(t, siteConfig{upstream: up.Addr(), routes: []route{
		{name: "learn", normalize: normalizeWith(all)},
		{name: "nolearn", normalize: normalizeWith(all, "learn_allow off")},
		{name: "small", normalize: normalizeWith(all, "learn_allow {", "size 1", "ttl 1h", "}")},
	}}.String())

	allowOf := func(proto, method, path string) string {
		t.Helper()
		got := fetch(t, proto, request{method: method, path: path})
		if got.status != 405 && method != http.MethodOptions {
			t.Fatalf("%s %s over %s: status %d, want 405", method, path, proto, got.status)
		}
		if _, ok := got.header["Allow"]; !ok {
			return "(none)"
		}
		return got.header.Get("Allow")
	}
	expect := func(proto, method, path, want string) {
		t.Helper()
		if got := allowOf(proto, method, path); got != want {
			t.Errorf("%s %s over %s: Allow %q, want %q", method, path, proto, got, want)
		}
	}

	// Three methods refused on one path, each 405 without Allow...
	r0 := readReport(t)
	expect(protoH1, "DELETE", "/learn/r", "GET, HEAD, POST, PUT, PATCH")
	expect(protoH1, "PUT", "/learn/r", "GET, HEAD, POST, PATCH")
	expect(protoH2C, "PATCH", "/learn/r", "GET, HEAD, POST")
	// ...then a fourth method's 405 lists none of the three.
	expect(protoH1, "POST", "/learn/r", "GET, HEAD")
	expect(protoH2C, "POST", "/learn/r", "GET, HEAD")
	checkDelta(t, "five repaired 405s", r0, readReport(t), oneViolation("allow-missing", enforced).times(5))

	// Per resource: another path, and another route's memory, are apart.
	expect(protoH1, "POST", "/learn/r2", "GET, HEAD, PUT, DELETE, PATCH")
	// Learning off: the configured list, less the refused method only.
	for _, m := range []string{"DELETE", "PUT", "PATCH"} {
		allowOf(protoH1, m, "/nolearn/r")
	}
	expect(protoH1, "POST", "/nolearn/r", "GET, HEAD, PUT, DELETE, PATCH")

	// The origin's own Allow, learned from OPTIONS, is what is added
	// (not the configured list), less what it refused.
	if got := fetch(t, protoH1, request{method: http.MethodOptions, path: "/learn/o"}); got.status != 200 || got.header.Get("Allow") != "GET, OPTIONS, BREW" {
		t.Fatalf("OPTIONS /learn/o: %d, Allow %q", got.status, got.header.Get("Allow"))
	}
	expect(protoH1, "DELETE", "/learn/o", "GET, OPTIONS, BREW")
	expect(protoH1, "BREW", "/learn/o", "GET, OPTIONS")
	expect(protoH1, "PUT", "/learn/o", "GET, OPTIONS")
	// Without learning, the same resource gets the configured list.
	expect(protoH1, "DELETE", "/nolearn/o", "GET, HEAD, POST, PUT, PATCH")

	// size 1: learning about /r2 forgets /r.
	expect(protoH1, "DELETE", "/small/r", "GET, HEAD, POST, PUT, PATCH")
	expect(protoH1, "PUT", "/small/r", "GET, HEAD, POST, PATCH")
	expect(protoH1, "DELETE", "/small/r2", "GET, HEAD, POST, PUT, PATCH")
	expect(protoH1, "POST", "/small/r", "GET, HEAD, PUT, DELETE, PATCH")
}

// reloadCaddy makes Caddy provision its current config again, which it
// does not for a config it already runs unless told to: every handler
// starts afresh (a learned Allow is forgotten).
func reloadCaddy(t *testing.T) {
	t.Helper()
	res, err := (&http.Client{Timeout: ioTimeout}).Get("http://" + adminAddr + "/config/")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET /config/: %d %v", res.StatusCode, err)
	}
	req, _ := http.NewRequest(http.MethodPost, "http://"+adminAddr+"/load", bytes.NewReader(cfg))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Cache-Control", "must-revalidate")
	res, err = (&http.Client{Timeout: ioTimeout}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("POST /load: %d %s", res.StatusCode, body)
	}
	closeTLSClients()
}

// times multiplies every count of d.
func (d delta) times(n int64) delta {
	for _, actions := range d {
		for a := range actions {
			actions[a] *= n
		}
	}
	return d
}
