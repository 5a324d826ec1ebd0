package caddytest

import (
	"fmt"
	"net/http"
	"testing"
)

// TestPerRouteAllow: Allow describes one resource (RFC 9110 §10.2.1), so
// each route gives its own list: two normalize blocks under different
// matchers each add theirs to a 405, less the refused method, and count it
// once. The README's "Right per resource" example, as it is written there.
// Each request is the first its resource sees since the config loaded:
// what the origin refused before is learned (learn_allow, on by default;
// TestLearnedAllow), and would narrow the list.
func TestPerRouteAllow(t *testing.T) {
	needCaddy(t)
	up := newRawUpstream(t)
	for _, p := range []string{"/api/items", "/files/a", "/other"} {
		up.HandleBytes(p, noContent("HTTP/1.1 405 Method Not Allowed"))
	}
	cfg := globalOptions + fmt.Sprintf(`
:9080 {
	normalize /api/* {
		allow GET POST
	}
	normalize /files/* {
		allow GET HEAD PUT DELETE
	}
	reverse_proxy %s
}
`, up.Addr())
	tests := []struct {
		name  string
		req   request
		allow string // "": none
		count delta
	}{
		{"api DELETE", request{method: http.MethodDelete, path: "/api/items"}, "GET, POST", oneViolation("allow-missing", enforced)},
		{"api GET", request{path: "/api/items"}, "POST", oneViolation("allow-missing", enforced)},
		{"api POST", request{method: http.MethodPost, path: "/api/items"}, "GET", oneViolation("allow-missing", enforced)},
		{"files POST", request{method: http.MethodPost, path: "/files/a"}, "GET, HEAD, PUT, DELETE", oneViolation("allow-missing", enforced)},
		{"files GET", request{path: "/files/a"}, "PUT, DELETE", oneViolation("allow-missing", enforced)},
		{"files DELETE", request{method: http.MethodDelete, path: "/files/a"}, "GET, HEAD, PUT", oneViolation("allow-missing", enforced)},
		{"outside both", request{method: http.MethodDelete, path: "/other"}, "", nil},
	}
	startCaddy(t, cfg)
	for _, tt := range tests {
		reloadCaddy(t) // nothing learned yet
		for _, proto := range allProtos {
			t.Run(tt.name+"/"+proto, func(t *testing.T) {
				before := readReport(t)
				got := fetch(t, proto, tt.req)
				checkDelta(t, tt.name, before, readReport(t), tt.count)
				if got.status != 405 {
					t.Errorf("status %d, want 405", got.status)
				}
				if v := got.header.Values("Allow"); tt.allow == "" && len(v) != 0 || tt.allow != "" && (len(v) != 1 || v[0] != tt.allow) {
					t.Errorf("Allow %q, want %q", v, tt.allow)
				}
			})
		}
	}
}
