package caddytest

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestDirectiveOrder: written anywhere in a site block, with no global
// order option, normalize wraps respond, reverse_proxy, basic_auth and
// encode; its matcher limits it to what it matches.
func TestDirectiveOrder(t *testing.T) {
	needCaddy(t)
	up := newRawUpstream(t)
	up.HandleBytes("/proxy/405", noContent("HTTP/1.1 405 Method Not Allowed"))
	up.HandleBytes("/raw/405", noContent("HTTP/1.1 405 Method Not Allowed"))
	// bcrypt of "hunter2" at the minimum cost, made once.
	hash := "$2a$04$iBBbah5ubV5N8c5BrZjlMOZIq0kZQpLERApXi4H5skxdXlPfBKBAi"
	big := strings.Repeat("not allowed, and said at length. ", 64)
	cfg := globalOptions + fmt.Sprintf(`
:9080 {
	@proxied path /proxy/* /raw/*
	@normalized not path /raw/*
	@local not path /proxy/* /raw/*
	encode gzip
	basic_auth /private/* {
		alice %s
	}
	header @local Date %q
	respond /respond "nope" 405
	respond /big %q 405
	respond /private/* "secret" 200
	reverse_proxy @proxied %s
	normalize @normalized {
		allow GET HEAD
		www_authenticate `+"`Bearer realm=\"other\"`"+`
	}
}
`, hash, fixedDate, big, up.Addr())
	startCaddy(t, cfg)

	authorized := map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("alice:hunter2"))}
	tests := []struct {
		name   string
		req    request
		status int
		header map[string]string
		absent []string
		body   string
		count  delta
	}{
		{"respond", request{method: http.MethodDelete, path: "/respond"}, 405,
			map[string]string{"Allow": "GET, HEAD"}, nil, "nope", oneViolation("allow-missing", enforced)},
		{"reverse_proxy", request{method: http.MethodDelete, path: "/proxy/405"}, 405,
			map[string]string{"Allow": "GET, HEAD"}, nil, "", oneViolation("allow-missing", enforced)},
		{"outside the matcher", request{method: http.MethodDelete, path: "/raw/405"}, 405,
			nil, []string{"Allow"}, "", nil},
		// basic_auth's own challenge is valid: it stays as it is.
		{"basic_auth challenge", request{path: "/private/x"}, 401,
			map[string]string{"WWW-Authenticate": `Basic realm="restricted"`}, nil, "", nil},
		{"basic_auth passed", request{path: "/private/x", header: authorized}, 200,
			nil, nil, "secret", nil},
		{"encode", request{method: http.MethodDelete, path: "/big", header: map[string]string{"Accept-Encoding": "gzip"}}, 405,
			map[string]string{"Allow": "GET, HEAD", "Content-Encoding": "gzip"}, nil, big, oneViolation("allow-missing", enforced)},
	}
	for _, tt := range tests {
		for _, proto := range allProtos {
			t.Run(tt.name+"/"+proto, func(t *testing.T) {
				before := readReport(t)
				got := fetch(t, proto, tt.req)
				checkDelta(t, tt.name, before, readReport(t), tt.count)
				body := got.body
				if got.header.Get("Content-Encoding") == "gzip" {
					zr, err := gzip.NewReader(bytes.NewReader(body))
					if err == nil {
						body, err = io.ReadAll(zr)
					}
					if err != nil {
						t.Fatalf("gzip body: %v", err)
					}
				}
				checkResponse(t, tt.name, got, got, expect{status: tt.status, header: tt.header, absent: tt.absent})
				if string(body) != tt.body {
					t.Errorf("body %q, want %q", body, tt.body)
				}
			})
		}
	}
}
