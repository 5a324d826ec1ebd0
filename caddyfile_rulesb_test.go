package caddynormalize

import (
	"strconv"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// TestDefaultContentType: default_content_type, Caddyfile to JSON, and the
// values refused by the Caddyfile and by Validate, naming the token.
func TestDefaultContentType(t *testing.T) {
	got := adaptedHandler(t, ":8080 {\n\tnormalize {\n\t\tdefault_content_type \"text/plain; charset=utf-8\"\n\t}\n}\n")
	if got["default_content_type"] != "text/plain; charset=utf-8" {
		t.Errorf("adapted %v, want default_content_type text/plain; charset=utf-8", got)
	}
	h := Handler{DefaultContentType: "application/json"}
	if err := h.Validate(); err != nil {
		t.Errorf("Validate(application/json): %v", err)
	}
	for _, c := range []struct{ block, token string }{
		{"default_content_type", "default_content_type"},
		{"default_content_type text", "text"},
		{"default_content_type text/", "text/"},
		{`default_content_type "text/plain; charset"`, "text/plain; charset"},
		{`default_content_type "text plain/x"`, "text plain/x"},
		{`default_content_type ""`, `""`},
		{"default_content_type text/plain text/html", "text/html"},
	} {
		t.Run(c.block, func(t *testing.T) {
			var h Handler
			err := h.UnmarshalCaddyfile(caddyfile.NewTestDispenser("normalize {\n\t" + c.block + "\n}"))
			if err == nil {
				t.Fatalf("no error; got %+v", h)
			}
			if msg := err.Error(); !strings.Contains(msg, c.token) && !strings.Contains(msg, strconv.Quote(c.token)) {
				t.Errorf("error %q does not name %q", msg, c.token)
			}
		})
	}
	for _, v := range []string{"text", "a/b/c", "text/plain\r\nX-Injected: 1"} {
		h := Handler{DefaultContentType: v}
		err := h.Validate()
		if err == nil || !strings.Contains(err.Error(), strconv.Quote(v)) {
			t.Errorf("Validate(%q) = %v, want an error naming it", v, err)
		}
	}
}
