package caddynormalize

import (
	"strings"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/respnorm/caddy-normalize/maintenance"
)

// FuzzUnmarshalCaddyfile feeds arbitrary text as the block of the
// normalize directive. Whatever it is, parsing must not panic; and what
// parses must validate, with no configured header value able to split a
// response (no CR, LF or NUL in it), and no delay in seconds may wrap
// around as the time.Duration it becomes.
//
//	go test -run='^$' -fuzz=FuzzUnmarshalCaddyfile -fuzztime=60s .
func FuzzUnmarshalCaddyfile(f *testing.F) {
	for _, seed := range []string{
		// Valid.
		"",
		"mode enforce",
		"mode report",
		"rule allow-missing off\nrule date-invalid report",
		"allow GET HEAD POST",
		"www_authenticate `Basic realm=\"app\"`",
		`proxy_authenticate "Basic realm=proxy"`,
		"upgrade websocket h2c TLS/1.3",
		"retry_after 120",
		"upstream_errors pass",
		"replace_errors 5xx 404",
		"error_format problem",
		"error_page 5xx /tmp/oops.html",
		"maintenance {\n\tenabled\n\tretry_after 600\n\tallow_ip 10.0.0.0/8 ::1\n\texcept /health\n\tmessage \"upgrading\"\n\tname app\n}",
		"maintenance {\n\twindow 2026-01-01T00:00:00Z 2026-01-02T00:00:00Z\n\tshared\n}",
		"allow GET\nallow POST\nupgrade a/1\nwww_authenticate x\nproxy_authenticate y\nretry_after 0",
		// Invalid.
		"mode loud",
		"rule bogus enforce",
		"rule allow-missing",
		"allow P@ST",
		"allow \"GE T\"",
		"www_authenticate \"a\r\nX: y\"",
		"www_authenticate \"\"",
		"proxy_authenticate \"Basic\x00realm\"",
		"upgrade \"web\nsocket\"",
		"upgrade a/b/c",
		"retry_after -1",
		"retry_after soon",
		"retry_after 99999999999999999999",
		"maintenance {\n\tretry_after 10000000000\n}",
		"replace_errors 600",
		"error_page 5xx",
		"frobnicate",
		"maintenance {\n\twindow 2026-01-02T00:00:00Z 2026-01-01T00:00:00Z\n}",
		"maintenance {\n\tname a/b\n}",
		"maintenance arg {\n}",
		"}\n{",
		"mode enforce {\n\tnested\n}",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input string) {
		text := "normalize {\n" + input + "\n}"
		// NewTestDispenser exits the process on text that does not
		// tokenize (an unterminated quote), and expands {$ENV}
		// placeholders first: keep to text that tokenizes as it is.
		if strings.Contains(text, "{$") {
			return
		}
		if _, err := caddyfile.Tokenize([]byte(text), "Testfile"); err != nil {
			return
		}
		var h Handler
		if err := h.UnmarshalCaddyfile(caddyfile.NewTestDispenser(text)); err != nil {
			return
		}
		if err := h.Validate(); err != nil {
			t.Fatalf("UnmarshalCaddyfile accepted %q, but Validate says: %v\nhandler: %+v", input, err, h)
		}
		// Delays are written in seconds and used as a time.Duration:
		// what parses must be what takes effect, not a wrapped product.
		if d := time.Duration(h.RetryAfter); d < 0 || d > maintenance.MaxRetryAfter {
			t.Fatalf("UnmarshalCaddyfile accepted %q: retry_after %v out of range", input, d)
		}
		if m := h.Maintenance; m != nil && (m.RetryAfter < 0 || time.Duration(m.RetryAfter) > maintenance.MaxRetryAfter) {
			t.Fatalf("UnmarshalCaddyfile accepted %q: maintenance retry_after %v is out of bounds", input, time.Duration(m.RetryAfter))
		}
		values := []string{h.WWWAuthenticate, h.ProxyAuthenticate}
		values = append(values, h.Allow...)
		values = append(values, h.Upgrade...)
		for _, v := range values {
			if strings.ContainsAny(v, "\r\n\x00") {
				t.Fatalf("UnmarshalCaddyfile accepted %q with the header value %q", input, v)
			}
		}
	})
}
