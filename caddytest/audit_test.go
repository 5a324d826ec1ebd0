package caddytest

// caddy normalize audit and caddy normalize proxy, run as a user runs
// them: the binary built from ./cmd/caddy, against raw upstreams that
// write exact bytes. They use their own ports (sites 9480 and 9481, on
// 127.0.0.1, and 9482-9483 for the proxies), so they never meet the
// in-process Caddy of the other tests.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/respnorm/caddy-normalize/audit"
)

// auditOutput is the JSON that caddy normalize audit --format json prints.
type auditOutput struct {
	Findings []struct {
		URL    string `json:"url"`
		Method string `json:"method"`
		Status int    `json:"status"`
		Rule   string `json:"rule"`
		Level  string `json:"level"`
		Ref    string `json:"ref"`
		Detail string `json:"detail"`
	} `json:"findings"`
	Summary struct {
		Requests int `json:"requests"`
		Failed   int `json:"failed"`
		Must     int `json:"must"`
		Should   int `json:"should"`
		May      int `json:"may"`
		Rules    []struct {
			Rule    string `json:"rule"`
			Level   string `json:"level"`
			Ref     string `json:"ref"`
			Count   int    `json:"count"`
			Summary string `json:"summary"`
			Fix     string `json:"fix"`
		} `json:"rules"`
	} `json:"summary"`
	Suggested string   `json:"suggested"`
	Errors    []string `json:"errors"`
}

// runCaddy runs bin with args and returns its output and exit status.
func runCaddy(t *testing.T, bin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = isolatedEnv(t, t.TempDir())
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		code = exit.ExitCode()
	default:
		t.Fatalf("caddy %s: %v", strings.Join(args, " "), err)
	}
	return out.String(), errOut.String(), code
}

// startCaddyProcess starts bin with args, waits until addr accepts
// connections, and kills it when the test ends.
func startCaddyProcess(t *testing.T, bin, addr string, args ...string) {
	t.Helper()
	dir := t.TempDir()
	logPath := filepath.Join(dir, "caddy.log")
	cmd := exec.Command(bin, args...)
	cmd.Env = isolatedEnv(t, dir)
	cmd.Dir = dir
	done := startProcess(t, cmd, logPath, "caddy "+strings.Join(args, " "))
	deadline := time.Now().Add(15 * time.Second)
	for {
		select {
		case err := <-done:
			b, _ := os.ReadFile(logPath)
			t.Fatalf("caddy %s exited while starting: %v\n%s", strings.Join(args, " "), err, b)
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("caddy %s: %s not up within 15s", strings.Join(args, " "), addr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// legacyUpstream is a raw upstream that breaks, per path:
//
//	/items  content on HEAD, no Allow on OPTIONS, 405 without Allow on DELETE
//	/gone   content on 204
//	/reset  content on 205
//	/login  401 without a challenge (which no proxy can repair)
//	/fine   nothing
func legacyUpstream(t *testing.T) *rawUpstream {
	u := newRawUpstream(t)
	date := "Date: " + fixedDate
	u.Handle("/items", func(conn net.Conn, _ *bufio.Reader, req *http.Request) {
		var resp string
		switch req.Method {
		case http.MethodGet, http.MethodHead: // the HEAD gets the content too
			resp = rawResponse("HTTP/1.1 200 OK", []string{date, "Content-Type: text/plain", "Content-Length: 6"}, "items\n")
		case http.MethodOptions:
			resp = rawResponse("HTTP/1.1 200 OK", []string{date, "Content-Length: 0"}, "")
		default:
			resp = rawResponse("HTTP/1.1 405 Method Not Allowed", []string{date, "Content-Length: 0"}, "")
		}
		_, _ = conn.Write([]byte(resp))
	})
	u.Handle("/gone", func(conn net.Conn, _ *bufio.Reader, req *http.Request) {
		if req.Method == http.MethodOptions {
			_, _ = conn.Write([]byte(rawResponse("HTTP/1.1 204 No Content", []string{date, "Allow: GET, HEAD, OPTIONS"}, "")))
			return
		}
		_, _ = conn.Write([]byte(rawResponse("HTTP/1.1 204 No Content", []string{date}, "gone\n")))
	})
	u.Handle("/reset", func(conn net.Conn, _ *bufio.Reader, req *http.Request) {
		if req.Method == http.MethodOptions {
			_, _ = conn.Write([]byte(rawResponse("HTTP/1.1 204 No Content", []string{date, "Allow: GET, HEAD, OPTIONS"}, "")))
			return
		}
		_, _ = conn.Write([]byte(rawResponse("HTTP/1.1 205 Reset Content", []string{date, "Content-Length: 5"}, "reset")))
	})
	u.HandleBytes("/login", rawResponse("HTTP/1.1 401 Unauthorized", []string{date, "Content-Length: 0"}, ""))
	u.Handle("/fine", func(conn net.Conn, _ *bufio.Reader, req *http.Request) {
		body := "fine\n"
		if req.Method == http.MethodHead {
			body = ""
		}
		_, _ = conn.Write([]byte(rawResponse("HTTP/1.1 200 OK",
			[]string{date, "Allow: GET, HEAD, OPTIONS", `ETag: W/"1"`, "Content-Type: text/plain", "Content-Length: 5"}, body)))
	})
	return u
}

func urlsOf(base string, paths ...string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = base + p
	}
	return out
}

// findingSet lists the findings as "METHOD path status rule level ref".
func findingSet(t *testing.T, out auditOutput) []string {
	t.Helper()
	var got []string
	for _, f := range out.Findings {
		i := strings.Index(f.URL[len("http://"):], "/")
		got = append(got, fmt.Sprintf("%s %s %d %s %s %s", f.Method, f.URL[len("http://")+i:], f.Status, f.Rule, f.Level, f.Ref))
		if f.Detail == "" {
			t.Errorf("finding %+v has no detail", f)
		}
	}
	sort.Strings(got)
	return got
}

func decodeAudit(t *testing.T, stdout string) auditOutput {
	t.Helper()
	var out auditOutput
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("audit JSON: %v\n%s", err, stdout)
	}
	return out
}

// TestAuditCommand: caddy normalize audit finds each violation of raw
// upstreams with the handler's rule IDs, exits as specified, and its
// suggested block, put in front of the same upstreams in a real Caddy,
// leaves no repairable finding when the audit runs again through it.
func TestAuditCommand(t *testing.T) {
	needCaddy(t)
	bin := buildCaddy(t)
	up := legacyUpstream(t)
	paths := []string{"/items", "/gone", "/reset", "/login", "/fine"}
	direct := urlsOf("http://"+up.Addr(), paths...)

	stdout, stderr, code := runCaddy(t, bin, append([]string{"normalize", "audit", "--method", "DELETE", "--format", "json", "--timeout", "5s"}, direct...)...)
	if code != 1 {
		t.Fatalf("audit of the legacy upstream: exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	out := decodeAudit(t, stdout)
	want := []string{
		"DELETE /gone 204 content-forbidden MUST RFC 9110 §8.6",
		"DELETE /items 405 allow-missing MUST RFC 9110 §15.5.6",
		"DELETE /login 401 www-authenticate-missing MUST RFC 9110 §15.5.2",
		"DELETE /reset 205 reset-content MUST RFC 9110 §15.3.6",
		"GET /gone 204 content-forbidden MUST RFC 9110 §8.6",
		"GET /login 401 www-authenticate-missing MUST RFC 9110 §15.5.2",
		"GET /reset 205 reset-content MUST RFC 9110 §15.3.6",
		"HEAD /gone 204 content-forbidden MUST RFC 9110 §8.6",
		"HEAD /items 200 head-content MUST RFC 9110 §9.3.2",
		"HEAD /login 401 www-authenticate-missing MUST RFC 9110 §15.5.2",
		"HEAD /reset 205 reset-content MUST RFC 9110 §15.3.6",
		"OPTIONS /items 200 options-allow-missing SHOULD RFC 9110 §9.3.7",
		"OPTIONS /login 401 www-authenticate-missing MUST RFC 9110 §15.5.2",
	}
	if got := findingSet(t, out); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if out.Summary.Requests != 20 || out.Summary.Failed != 0 || out.Summary.Must != len(want)-1 || out.Summary.Should != 1 || len(out.Summary.Rules) != 6 {
		t.Errorf("summary %+v", out.Summary)
	}
	if !strings.Contains(out.Suggested, "allow GET HEAD OPTIONS") || !strings.Contains(out.Suggested, "@normalize_1 path /items") {
		t.Errorf("suggested block:\n%s", out.Suggested)
	}

	// Text: the same findings, the summary and the block.
	text, _, code := runCaddy(t, bin, append([]string{"normalize", "audit", "-X", "DELETE"}, direct...)...)
	if code != 1 {
		t.Errorf("text audit: exit %d, want 1", code)
	}
	for _, s := range []string{direct[0], "head-content", "RFC 9110 §9.3.2", "Summary: 20 requests (0 failed), 13 findings: 12 MUST, 1 SHOULD", "Suggested Caddyfile:", "@normalize_1 path /items"} {
		if !strings.Contains(text, s) {
			t.Errorf("text output lacks %q:\n%s", s, text)
		}
	}

	// The suggested block in front of the same upstream.
	cfg := fmt.Sprintf(`{
	admin off
	http_port 9480
	https_port 9481
	auto_https off
	persist_config off
	skip_install_trust
}

:9480 {
	bind 127.0.0.1
%s
	reverse_proxy %s
}
`, "\t"+strings.ReplaceAll(strings.TrimSuffix(out.Suggested, "\n"), "\n", "\n\t"), up.Addr())
	cfgPath := filepath.Join(t.TempDir(), "Caddyfile")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	startCaddyProcess(t, bin, "127.0.0.1:9480", "run", "--config", cfgPath, "--adapter", "caddyfile")
	stdout, stderr, code = runCaddy(t, bin, append([]string{"normalize", "audit", "--method", "DELETE", "--format", "json"}, urlsOf("http://127.0.0.1:9480", paths...)...)...)
	again := decodeAudit(t, stdout)
	for _, f := range again.Findings {
		if audit.Repairable(f.Rule) {
			t.Errorf("through the suggested block, still: %+v", f)
		}
	}
	want = []string{
		"DELETE /login 401 www-authenticate-missing MUST RFC 9110 §15.5.2",
		"GET /login 401 www-authenticate-missing MUST RFC 9110 §15.5.2",
		"HEAD /login 401 www-authenticate-missing MUST RFC 9110 §15.5.2",
		"OPTIONS /login 401 www-authenticate-missing MUST RFC 9110 §15.5.2",
	}
	if got := findingSet(t, again); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings through the suggested block:\n%s\nwant:\n%s\nconfig:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), cfg)
	}
	if code != 1 { // the 401 without a challenge is still a MUST broken
		t.Errorf("audit through the suggested block: exit %d, want 1\n%s", code, stderr)
	}

	// Exit 0: nothing broken (the clean path, through Caddy and direct).
	for _, u := range []string{"http://127.0.0.1:9480/items", direct[4]} {
		stdout, stderr, code = runCaddy(t, bin, "normalize", "audit", "--method", "DELETE", u)
		if code != 0 || !strings.Contains(stdout, "Nothing to repair.") {
			t.Errorf("audit of %s: exit %d, want 0\n%s\n%s", u, code, stdout, stderr)
		}
	}
}

// TestAuditCommandCannotRun: exit status 2 when the audit cannot run.
func TestAuditCommandCannotRun(t *testing.T) {
	needCaddy(t)
	bin := buildCaddy(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/"
	ln.Close()
	up := legacyUpstream(t)
	ok := "http://" + up.Addr() + "/fine"
	for _, args := range [][]string{
		{},                             // no URL
		{"--bogus", ok},                // unknown flag
		{"--format", "xml", ok},        // unknown format
		{"--timeout", "soon", ok},      // not a duration
		{"--timeout", "0s", ok},        // not positive
		{"--header", "no colon", ok},   // not a field
		{"--method", "BAD METHOD", ok}, // not a token
		{"ftp://example.com/"},         // not http
		{closed},                       // nothing answers
	} {
		stdout, stderr, code := runCaddy(t, bin, append([]string{"normalize", "audit"}, args...)...)
		if code != 2 {
			t.Errorf("caddy normalize audit %q: exit %d, want 2\nstdout: %s\nstderr: %s", args, code, stdout, stderr)
		}
	}
	if n := up.Hits("/fine"); n != 0 {
		t.Errorf("%d requests sent although the flags were bad", n)
	}
}

// TestProxyCommand: caddy normalize proxy fronts a raw upstream with
// normalize: it adds the Allow given to a 405 without one, and with
// --report only reports.
func TestProxyCommand(t *testing.T) {
	needCaddy(t)
	bin := buildCaddy(t)
	up := newRawUpstream(t)
	up.HandleBytes("/refuse", rawResponse("HTTP/1.1 405 Method Not Allowed", []string{"Date: " + fixedDate, "Content-Length: 0"}, ""))
	up.HandleBytes("/reset", rawResponse("HTTP/1.1 205 Reset Content", []string{"Date: " + fixedDate, "Content-Length: 5"}, "reset"))

	startCaddyProcess(t, bin, "127.0.0.1:9482", "normalize", "proxy", "--from", ":9482", "--to", up.Addr(), "--allow", "GET,HEAD", "--allow", "POST")
	startCaddyProcess(t, bin, "127.0.0.1:9483", "normalize", "proxy", "--from", ":9483", "--to", "http://"+up.Addr(), "--allow", "GET", "--report")

	client := &http.Client{Timeout: ioTimeout, Transport: &http.Transport{DisableKeepAlives: true}}
	get := func(url string) *http.Response {
		t.Helper()
		res, err := client.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	// The GET refused, the injected Allow names neither GET nor HEAD
	// (Allow describes the resource: RFC 9110 §10.2.1).
	if res := get("http://127.0.0.1:9482/refuse"); res.StatusCode != 405 || res.Header.Get("Allow") != "POST" {
		t.Errorf("enforcing proxy: %d Allow %q, want 405 Allow %q", res.StatusCode, res.Header.Get("Allow"), "POST")
	}
	if res := get("http://127.0.0.1:9483/refuse"); res.StatusCode != 405 || res.Header["Allow"] != nil {
		t.Errorf("reporting proxy: %d Allow %q, want 405 and no Allow", res.StatusCode, res.Header["Allow"])
	}
	// The audit sees the difference, read off the wire.
	stdout, _, code := runCaddy(t, bin, "normalize", "audit", "--format", "json", "http://127.0.0.1:9482/reset")
	if out := decodeAudit(t, stdout); code != 0 || len(out.Findings) != 0 {
		t.Errorf("audit through the enforcing proxy: exit %d, findings %+v", code, out.Findings)
	}
	stdout, _, code = runCaddy(t, bin, "normalize", "audit", "--format", "json", "http://127.0.0.1:9483/reset")
	if out := decodeAudit(t, stdout); code != 1 || len(out.Findings) == 0 || out.Findings[0].Rule != "reset-content" {
		t.Errorf("audit through the reporting proxy: exit %d, findings %+v", code, out.Findings)
	}

	// Bad flags fail at startup, naming the value.
	for _, args := range [][]string{
		{"--from", ":9484"}, // no --to
		{"--from", ":9484", "--to", up.Addr(), "--allow", "G T"}, // not a token
		{"--from", ":9484", "--to", "ftp://" + up.Addr()},        // not http
	} {
		_, stderr, code := runCaddy(t, bin, append([]string{"normalize", "proxy"}, args...)...)
		if code != 1 || !strings.Contains(stderr, "--") {
			t.Errorf("caddy normalize proxy %q: exit %d, want 1\n%s", args, code, stderr)
		}
	}
}
