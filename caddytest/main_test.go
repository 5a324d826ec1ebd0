// Package caddytest is the end-to-end test suite of caddy-normalize: a real
// Caddy (started in-process by Caddy's own caddytest harness) with the
// normalize handler in front of reverse_proxy or respond, misbehaving
// upstreams that write exact bytes, and clients that read what goes over
// the wire, over HTTP/1.1, HTTP/2 over TLS, h2c and HTTP/3 (and HTTP/1.0
// where a test asks for it).
//
// # Running
//
//	go test ./caddytest/                 # the whole suite, seconds once built
//	go test -count=1 ./caddytest/        # again, without the test cache
//	go test -run 'TestRule' ./caddytest/ # only the per-rule tables
//	go test -short ./caddytest/          # skips every test that needs Caddy;
//	                                     # the helpers' own tests still run
//
// The first build compiles Caddy and takes a few minutes; later ones are
// cached. The tests need these local ports free: 2999 (Caddy's admin API),
// 9080 (the site, HTTP/1.1 and h2c) and 9443 (the same site over TLS with
// a certificate from Caddy's internal CA: HTTP/1.1 and h2 on TCP, HTTP/3
// on UDP). One Caddy runs per test process, so no test here is parallel.
//
// # Layout
//
//   - rawupstream_test.go: a TCP upstream that answers with exact bytes.
//   - wire_test.go: a raw HTTP/1.1 (and HTTP/1.0) client and an h2c
//     client that report what a client sees (status, fields as sent,
//     body bytes, 1xx); HTTP/2 and HTTP/3 responses that carry
//     connection-specific fields are errors, as for any real client.
//   - tlsclients_test.go: the HTTP/2-over-TLS and HTTP/3 clients,
//     shared across tests.
//   - config_test.go: the Caddyfile builder (global block, routes with and
//     without normalize, fixtures answered by respond).
//   - counters_test.go: readers for /normalize/report and /metrics.
//   - rulecases_test.go: the runner every per-rule table goes through.
//   - rules_*_test.go: one table-driven test per rule, each case over
//     HTTP/1.1, h2, h2c and h3.
//   - rules_protocol_test.go: what only some protocols must get right
//     (426 over h2/h3, 1xx to HTTP/1.0, 304 without Content-Type,
//     framing fields quic-go's HTTP/3 server adds).
//   - streaming_test.go: SSE, WebSocket, 103 Early Hints, 64 MiB bodies.
//   - metrics_test.go: the violation counters, before and after a reload.
//   - badconfig_test.go: configurations that must be refused.
//   - order_test.go: the directive's place in Caddy's handler order.
//   - stock_test.go: controls showing that stock Caddy passes the defects.
//   - reliability_test.go: helpers of the four files below (a site whose
//     reverse_proxy takes a block, goroutine-leak check, heap sampler).
//   - faults_test.go: upstreams that refuse, stall, reset, send garbage,
//     huge or 10,000-field headers, a 1 GiB body, or close after a 1xx.
//   - clients_test.go: clients that leave, read slowly, send Expect:
//     100-continue, pipeline, or hold a WebSocket open.
//   - load_test.go: a bounded mixed load over HTTP/1.1 and h2c
//     (NORMALIZE_LOAD=full for 200 connections and 100,000 requests,
//     NORMALIZE_LOAD_SUMMARY=<file> for its one-line summary).
//   - security_test.go: header injection from the request, echoes in
//     generated bodies, admin routes on the site port, bad values at load.
//   - reload_test.go: a load returns once the old config's listeners are
//     closed (the first request after a reload never reaches them).
//   - rules_a_test.go, rules_rulesb_test.go, rules_c_test.go: the field
//     rules (dates, ETag through encode, Cache-Control; Content-Type,
//     repeated fields, Vary, ranges; the report-only syntax rules).
//   - protocol_rules_test.go, perroute_test.go: rules right per protocol
//     and per route (two normalize blocks under matchers).
//   - learn_test.go: the learned Allow; sites_test.go: counts and report
//     per server.
//   - errors_*_test.go: generated responses (upstream failures,
//     replace_errors, error_page, what handle_errors gets, trailers and
//     bodies of a replaced response, the pages in headless Chromium).
//   - maintenance_test.go, maintenance_readme_test.go, fleet_test.go:
//     maintenance mode, the README's curl lines, a fleet of Caddy
//     processes sharing storage.
//   - audit_test.go: caddy normalize audit and caddy normalize proxy, run
//     as a built binary.
//   - browser_test.go: the maintenance page in headless Chromium (fails,
//     never skips, without Chromium).
//   - demo_test.go: Caddyfile.example, as shipped, in a Caddy built from
//     ./cmd/caddy (ports 8080, 8081 and admin 2019), against every row of
//     the README's before/after table, read from README.md.
package caddytest

import (
	"testing"
	"time"

	// The plugin under test, registered into this test binary's Caddy.
	_ "github.com/respnorm/caddy-normalize"
)

const (
	// adminAddr is the admin endpoint every test config sets.
	adminAddr = "localhost:2999"
	// siteAddr is where the test site listens, HTTP/1.1 and h2c.
	siteAddr = "127.0.0.1:9080"
	// tlsSiteAddr is where the same site listens over TLS, as
	// localhost: HTTP/1.1 and HTTP/2 on TCP, HTTP/3 on UDP.
	tlsSiteAddr = "127.0.0.1:9443"
	// fixedDate is the valid Date every fixture sends unless the test is
	// about Date, so that no response trips date-invalid by accident.
	fixedDate = "Mon, 02 Jan 2006 15:04:05 GMT"
	// ioTimeout bounds every single exchange a test makes.
	ioTimeout = 10 * time.Second
)

// needCaddy skips the test under -short: every test here runs a real Caddy.
func needCaddy(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test: needs a running Caddy; skipped under -short")
	}
}
