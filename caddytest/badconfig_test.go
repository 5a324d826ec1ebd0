package caddytest

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/respnorm/caddy-normalize/normalize"
)

// loadConfig posts a Caddyfile to the admin endpoint's /load and returns
// the status and the error message of its answer (the JSON "error"
// member, or the whole body if it is not such JSON).
func loadConfig(t *testing.T, cfg string) (int, string) {
	t.Helper()
	status, body, err := adminRequest(http.MethodPost, "/load", "text/caddyfile", cfg)
	if err != nil {
		t.Fatalf("POST /load: %v", err)
	}
	var msg struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &msg) == nil && msg.Error != "" {
		return status, msg.Error
	}
	return status, string(body)
}

func TestBadConfigsRefused(t *testing.T) {
	needCaddy(t)
	up := newRawUpstream(t)
	up.HandleBytes("/405", noContent("HTTP/1.1 405 Method Not Allowed"))
	site := func(lines ...string) string {
		return siteConfig{upstream: up.Addr(), routes: []route{
			{name: "enforce", normalize: normalizeWith(lines...)},
		}}.String()
	}
	good := site("allow GET HEAD")
	startCaddy(t, good)
	// An error page that exists, so that only its status can be refused.
	page := filepath.Join(t.TempDir(), "page.html")
	if err := os.WriteFile(page, []byte("<p>{{.Status}}</p>"), 0o644); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name  string
		lines []string
		// token is the offending input the error must name, as written
		// or Go-quoted (for control characters).
		token string
	}{
		{"unknown rule", []string{"rule bogus-rule enforce"}, "bogus-rule"},
		{"unknown sub-directive", []string{"frobnicate yes"}, "frobnicate"},
		{"bad mode", []string{"mode loud"}, "loud"},
		{"bad rule action", []string{"rule allow-missing sometimes"}, "sometimes"},
		{"bad method token", []string{"allow GET P@ST"}, "P@ST"},
		{"bad method token with space", []string{`allow GET "PO ST"`}, "PO ST"},
		{"non-number retry_after", []string{"retry_after soon"}, "soon"},
		{"control character in www_authenticate", []string{"www_authenticate \"Basic\x01realm=x\""}, "Basic\x01realm=x"},
		{"header injection in proxy_authenticate", []string{"proxy_authenticate \"Basic realm=x\r\nSet-Cookie: a=b\""}, "Basic realm=x\r\nSet-Cookie: a=b"},
		{"control character in upgrade", []string{"upgrade \"web\x7fsocket\""}, "web\x7fsocket"},
		{"replace_errors success class", []string{"replace_errors 2xx"}, "2xx"},
		{"replace_errors switching protocols", []string{"replace_errors 5xx 101"}, "101"},
		{"replace_errors redirect", []string{"replace_errors 301"}, "301"},
		{"error_page success", []string{"error_page 200 " + page}, "200"},
		{"error_page informational class", []string{"error_page 1xx " + page}, "1xx"},
		{"retry_after below a second", []string{"retry_after 10ms"}, "10ms"},
		{"retry_after not a duration", []string{"retry_after 2 minutes"}, "minutes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := site(tt.lines...)
			status, body := loadConfig(t, cfg)
			if status == http.StatusOK {
				t.Fatalf("config accepted, want it refused:\n%s", cfg)
			}
			quoted := strconv.Quote(tt.token)
			if !strings.Contains(body, tt.token) && !strings.Contains(body, quoted[1:len(quoted)-1]) {
				t.Errorf("error does not name %q: %s", tt.token, body)
			}
		})
	}

	// A misspelt rule ID: caddy's error names every valid one.
	t.Run("misspelt rule names the valid IDs", func(t *testing.T) {
		status, body := loadConfig(t, site("rule allow-mising enforce"))
		if status == http.StatusOK {
			t.Fatal("rule allow-mising accepted")
		}
		for _, id := range normalize.RuleIDs() {
			if !strings.Contains(body, id) {
				t.Errorf("error does not name the valid rule %s: %s", id, body)
			}
		}
	})

	// The good config is still the one running.
	got := fetch(t, protoH1, request{method: http.MethodDelete, path: "/enforce/405"})
	if got.header.Get("Allow") != "GET, HEAD" {
		t.Errorf("after the refused loads: Allow %q, want \"GET, HEAD\" from the config still running", got.header.Get("Allow"))
	}
}

// adminRequest sends a request to Caddy's admin endpoint on a fresh
// connection and returns the status and body of its answer. A /load makes
// Caddy start a new admin server and stop the old one, also when the
// config is refused and rolled back, so a request the old one accepted
// just then can see its connection close: such a failure is sent again,
// twice at most (the requests made here are refused loads and reads).
func adminRequest(method, path, contentType, body string) (int, []byte, error) {
	client := &http.Client{Timeout: ioTimeout, Transport: &http.Transport{DisableKeepAlives: true}}
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if attempt > 0 {
			time.Sleep(100 * time.Millisecond)
		}
		var req *http.Request
		req, err = http.NewRequest(method, "http://"+adminAddr+path, strings.NewReader(body))
		if err != nil {
			return 0, nil, err
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		var res *http.Response
		res, err = client.Do(req)
		if err != nil {
			continue
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		return res.StatusCode, b, err
	}
	return 0, nil, err
}

// TestBadJSONConfigsRefused: the same values refused in JSON config, the
// way a config management tool posts it: replace_errors and error_pages
// take error statuses only, and retry_after is a Caddy duration (an
// integer is nanoseconds, so a bare 120 meant as seconds is refused).
func TestBadJSONConfigsRefused(t *testing.T) {
	needCaddy(t)
	up := newRawUpstream(t)
	startCaddy(t, siteConfig{upstream: up.Addr(), routes: []route{{name: "enforce", normalize: normalizeWith()}}}.String())
	page := filepath.Join(t.TempDir(), "page.html")
	if err := os.WriteFile(page, []byte("<p>{{.Status}}</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := func(handler string) string {
		return `{"admin": {"listen": "` + adminAddr + `"}, "apps": {"http": {"servers": {"srv0": {"listen": [":9080"],
			"routes": [{"handle": [` + handler + `]}]}}}}}`
	}
	tests := []struct{ name, handler, token string }{
		{"replace_errors 2xx", `{"handler": "normalize", "replace_errors": ["2xx"]}`, "2xx"},
		{"replace_errors 101", `{"handler": "normalize", "replace_errors": ["5xx", "101"]}`, "101"},
		{"error_pages 3xx", `{"handler": "normalize", "error_pages": {"3xx": "` + page + `"}}`, "3xx"},
		{"retry_after nanoseconds", `{"handler": "normalize", "retry_after": 120}`, "120ns"},
		{"retry_after negative", `{"handler": "normalize", "retry_after": "-2m"}`, "-2m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, err := adminRequest(http.MethodPost, "/load", "application/json", cfg(tt.handler))
			if err != nil {
				t.Fatal(err)
			}
			if status == http.StatusOK {
				t.Fatalf("config accepted, want it refused: %s", tt.handler)
			}
			if !strings.Contains(string(body), tt.token) {
				t.Errorf("error does not name %q: %s", tt.token, body)
			}
		})
	}
	// Durations in JSON as Caddy writes them are accepted.
	for _, good := range []string{`"2m"`, `"1h30m"`, `120000000000`} {
		status, body, err := adminRequest(http.MethodPost, "/load", "application/json",
			cfg(`{"handler": "normalize", "retry_after": `+good+`}, {"handler": "static_response", "status_code": 503}`))
		if err != nil || status != http.StatusOK {
			t.Errorf("retry_after %s: %d %s %v, want it accepted", good, status, body, err)
			continue
		}
		got := fetch(t, protoH1, request{path: "/"})
		want := map[string]string{`"2m"`: "120", `"1h30m"`: "5400", `120000000000`: "120"}[good]
		if got.status != 503 || got.header.Get("Retry-After") != want {
			t.Errorf("retry_after %s: %d Retry-After %q, want 503 with %q", good, got.status, got.header.Get("Retry-After"), want)
		}
	}
}
