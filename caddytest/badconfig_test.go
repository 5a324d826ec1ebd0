package caddytest

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// loadConfig posts a Caddyfile to the admin endpoint's /load and returns
// the status and the error message of its answer (the JSON "error"
// member, or the whole body if it is not such JSON).
func loadConfig(t *testing.T, cfg string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://"+adminAddr+"/load", strings.NewReader(cfg))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/caddyfile")
	// A fresh connection each time: the admin endpoint may close one
	// after an error, and a POST is not retried on a stale one.
	client := &http.Client{Timeout: ioTimeout, Transport: &http.Transport{DisableKeepAlives: true}}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("POST /load: %v", err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	var msg struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &msg) == nil && msg.Error != "" {
		return res.StatusCode, msg.Error
	}
	return res.StatusCode, string(body)
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

	// The good config is still the one running.
	got := fetch(t, protoH1, request{path: "/enforce/405"})
	if got.header.Get("Allow") != "GET, HEAD" {
		t.Errorf("after the refused loads: Allow %q, want \"GET, HEAD\" from the config still running", got.header.Get("Allow"))
	}
}
