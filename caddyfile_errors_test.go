package caddynormalize

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2/caddyconfig"
)

// adaptedHandlers adapts a Caddyfile and returns the JSON of the
// handlers of its server's routes, in order.
func adaptedHandlers(t *testing.T, caddyfileText string) []map[string]any {
	t.Helper()
	out, _, err := caddyconfig.GetAdapter("caddyfile").Adapt([]byte(caddyfileText), nil)
	if err != nil {
		t.Fatalf("adapt: %v", err)
	}
	var cfg struct {
		Apps struct {
			HTTP struct {
				Servers map[string]struct {
					Routes []struct {
						Handle []map[string]any `json:"handle"`
					} `json:"routes"`
				} `json:"servers"`
			} `json:"http"`
		} `json:"apps"`
	}
	if err := json.Unmarshal(out, &cfg); err != nil {
		t.Fatal(err)
	}
	var handlers []map[string]any
	for _, srv := range cfg.Apps.HTTP.Servers {
		for _, r := range srv.Routes {
			handlers = append(handlers, r.Handle...)
		}
	}
	return handlers
}

// adaptedHandler adapts a Caddyfile site and returns the JSON of its
// normalize handler.
func adaptedHandler(t *testing.T, caddyfileText string) map[string]any {
	t.Helper()
	handlers := adaptedHandlers(t, caddyfileText)
	for _, h := range handlers {
		if h["handler"] == "normalize" {
			return h
		}
	}
	t.Fatalf("no normalize handler in %v", handlers)
	return nil
}

// TestCaddyfileAdaptErrorsAndMaintenance: the sub-directives of clean
// error responses and of maintenance mode, Caddyfile to JSON.
func TestCaddyfileAdaptErrorsAndMaintenance(t *testing.T) {
	got := adaptedHandler(t, `:8080 {
	normalize {
		upstream_errors pass
		replace_errors 5xx 404
		replace_errors 401
		rule replace-errors report
		error_format problem
		error_page 5xx /etc/caddy/5xx.html
		error_page 503 /etc/caddy/503.html
		maintenance {
			enabled
			file /run/app.maintenance
			window 2026-12-01T02:00:00Z 2026-12-01T04:00:00+00:00
			retry_after 600
			allow_ip 10.0.0.0/8 127.0.0.2
			except /health /status/*
			message "Back <soon>."
			name app
			page /etc/caddy/maintenance.html
			shared
		}
	}
	reverse_proxy localhost:8081
}
`)
	want := map[string]any{
		"handler":         "normalize",
		"upstream_errors": "pass",
		"replace_errors":  []any{"5xx", "404", "401"},
		"rules":           map[string]any{"replace-errors": "report"},
		"error_format":    "problem",
		"error_pages":     map[string]any{"5xx": "/etc/caddy/5xx.html", "503": "/etc/caddy/503.html"},
		"maintenance": map[string]any{
			"enabled":     true,
			"file":        "/run/app.maintenance",
			"windows":     []any{map[string]any{"start": "2026-12-01T02:00:00Z", "end": "2026-12-01T04:00:00Z"}},
			"retry_after": float64(600 * time.Second),
			"allow_ip":    []any{"10.0.0.0/8", "127.0.0.2"},
			"except":      []any{"/health", "/status/*"},
			"message":     "Back <soon>.",
			"name":        "app",
			"page":        "/etc/caddy/maintenance.html",
			"shared":      true,
		},
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", "  ")
		w, _ := json.MarshalIndent(want, "", "  ")
		t.Errorf("adapted handler:\n%s\nwant:\n%s", g, w)
	}
}

// TestUnmarshalCaddyfileErrorsAndMaintenanceRefused: every bad block of
// the error and maintenance sub-directives fails, naming its token.
func TestUnmarshalCaddyfileErrorsAndMaintenanceRefused(t *testing.T) {
	cases := []struct {
		name, block, token string
	}{
		{"bad upstream_errors", "upstream_errors swallow", "swallow"},
		{"upstream_errors without argument", "upstream_errors", "upstream_errors"},
		{"bad replace_errors class", "replace_errors 6xx", "6xx"},
		{"bad replace_errors code", "replace_errors 5000", "5000"},
		{"replace_errors word", "replace_errors errors", "errors"},
		{"replace_errors without argument", "replace_errors", "replace_errors"},
		{"replace_errors success class", "replace_errors 2xx", "2xx"},
		{"replace_errors switching protocols", "replace_errors 5xx 101", "101"},
		{"replace_errors redirect", "replace_errors 302", "302"},
		{"replace_errors informational class", "replace_errors 1xx", "1xx"},
		{"error_page success", "error_page 200 /x.html", "200"},
		{"error_page redirect class", "error_page 3xx /x.html", "3xx"},
		{"retry_after below a second", "retry_after 500ms", "500ms"},
		{"retry_after negative duration", "retry_after -2m", "-2m"},
		{"retry_after word", "retry_after later", "later"},
		{"retry_after too long", "retry_after 87660h1s", "87660h1s"},
		{"bad error_format", "error_format xml", "xml"},
		{"error_page with one argument", "error_page 5xx", "error_page"},
		{"error_page bad status", "error_page 99 /x.html", "99"},
		{"maintenance with argument", "maintenance on", "on"},
		{"maintenance unknown", "maintenance {\n\t\tbogus\n\t}", "bogus"},
		{"maintenance enabled with argument", "maintenance {\n\t\tenabled yes\n\t}", "yes"},
		{"maintenance bad window start", "maintenance {\n\t\twindow tomorrow 2026-12-01T04:00:00Z\n\t}", "tomorrow"},
		{"maintenance bad window end", "maintenance {\n\t\twindow 2026-12-01T04:00:00Z later\n\t}", "later"},
		{"maintenance window backwards", "maintenance {\n\t\twindow 2026-12-01T04:00:00Z 2026-12-01T02:00:00Z\n\t}", "2026-12-01T02:00:00Z"},
		{"maintenance bad retry_after", "maintenance {\n\t\tretry_after soon\n\t}", "soon"},
		{"maintenance huge retry_after", "maintenance {\n\t\tretry_after 99999999999\n\t}", "99999999999"},
		{"maintenance bad allow_ip", "maintenance {\n\t\tallow_ip 10.0.0.300\n\t}", "10.0.0.300"},
		{"maintenance bad name", "maintenance {\n\t\tname a/b\n\t}", "a/b"},
		{"maintenance file without path", "maintenance {\n\t\tfile\n\t}", "file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := caddyconfig.GetAdapter("caddyfile").Adapt([]byte(":8080 {\n\tnormalize {\n\t"+c.block+"\n\t}\n}\n"), nil)
			if err == nil {
				t.Fatal("adapted without error")
			}
			if !strings.Contains(err.Error(), c.token) {
				t.Errorf("error %q does not name %q", err, c.token)
			}
		})
	}
}
