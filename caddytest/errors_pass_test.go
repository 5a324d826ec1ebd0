package caddytest

import (
	"fmt"
	"net/http"
	"testing"
)

// handedOver is what the site's handle_errors answers in
// TestUpstreamErrorsPass: recognisable, with the error's status.
const handedOver = "handed to handle_errors: "

// TestUpstreamErrorsPass: with upstream_errors pass, normalize returns
// reverse_proxy's error unchanged (a connect timeout stays 502), so that
// the site's handle_errors answers it; without it, the same failure gets
// normalize's generated response and never reaches handle_errors.
func TestUpstreamErrorsPass(t *testing.T) {
	needCaddy(t)
	up := newRawUpstream(t)
	up.Handle("/silent", silent)
	refused, hanging := refusedAddr(t), hangingAddr(t)
	pass := []string{"upstream_errors pass"}
	routes := []proxyRoute{
		{name: "passrefused", normalize: pass, proxy: "reverse_proxy " + refused},
		{name: "passsilent", normalize: pass, proxy: "reverse_proxy " + up.Addr() + " {\ntransport http {\nresponse_header_timeout 300ms\n}\n}"},
		{name: "passdial", normalize: pass, proxy: "reverse_proxy " + hanging + " {\ntransport http {\ndial_timeout 200ms\n}\n}"},
		{name: "handled", normalize: []string{"upstream_errors handle"}, proxy: "reverse_proxy " + refused},
	}
	log := newCaddyLog(t, "caddy.log")
	site := `handle_errors {
		respond "` + handedOver + `{err.status_code} {err.status_text}" {err.status_code}
	}`
	startCaddy(t, errorSite(log.path, site, routes))

	tests := []struct {
		route, path string
		status      int
		passed      bool // handle_errors answers; else normalize's body
		forbid      []string
	}{
		{"passrefused", "/x", 502, true, nil},
		{"passsilent", "/silent", 504, true, nil},
		// Unchanged: reverse_proxy's 502, not the 504 normalize would
		// make of a connect timeout.
		{"passdial", "/x", 502, true, nil},
		{"handled", "/x", 502, false, forbiddenFor(refused, handedOver)},
	}
	for _, tt := range tests {
		for _, client := range []errClient{errClients[0], errClients[3]} {
			for _, proto := range allProtos {
				token := tt.route + "-" + client.name + "-" + proto
				what := fmt.Sprintf("GET /%s%s as %s over %s", tt.route, tt.path, client.name, proto)
				t.Run(token, func(t *testing.T) {
					got := errFetch(t, proto, "/"+tt.route+tt.path, token, client)
					if !tt.passed {
						checkErrorBody(t, what, got, tt.status, client.mediaType, true, append(tt.forbid, token))
						return
					}
					if got.status != tt.status {
						t.Errorf("%s: status %d, want %d", what, got.status, tt.status)
					}
					want := fmt.Sprintf("%s%d %s", handedOver, tt.status, http.StatusText(tt.status))
					if string(got.body) != want {
						t.Errorf("%s: body %q, want handle_errors' %q", what, got.body, want)
					}
					if es := log.matching(t, failuresFor(token)); len(es) != 0 {
						t.Errorf("%s: normalize logged %d %q entries for an error it passed on: %v", what, len(es), upstreamFailureMsg, es)
					}
				})
			}
		}
	}
}
