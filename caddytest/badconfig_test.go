package caddytest

import (
	"encoding/json"
	"io"
	"net/http"
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
