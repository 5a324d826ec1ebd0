package caddytest

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"testing"
)

// A ruleTable is the table-driven test of one rule. Its cases are served
// by one raw upstream (or by fixtures) through these routes of one site:
//
//	/stock/      no normalize: what Caddy alone sends, the reference
//	/enforce/    normalize { <settings> }
//	/report/     normalize { mode report; <settings> }
//	/rulereport/ normalize { rule <rule> report; <settings> }
//	/off/        normalize { rule <rule> off; <settings> }
//
// plus the table's extra routes. A broken response must come out of
// /enforce/ as the case wants it and count one violation of the rule with
// the case's action; out of /report/ and /rulereport/ exactly as stock
// Caddy sends it and count one "reported"; out of /off/ as stock and count
// nothing. A correct response must come out of every route as stock
// Caddy sends it and count nothing.
//
// Every case runs over HTTP/1.1 (raw bytes), HTTP/2 over TLS, h2c and
// HTTP/3, as subtests named by protocol (TestRuleX/<case>/h2), each
// compared with what stock Caddy sends over the same protocol: the
// differences between Go's servers (the HTTP/1 server drops
// Content-Type from a 304, the HTTP/2 one does not; framing fields) need
// no saying. Where the rule's outcome itself differs by protocol, the
// case says so in over: its action and want for the protocols it names.
type ruleTable struct {
	rule     string
	settings []string // normalize sub-directives of the standard routes
	extra    []route  // routes that cases name in ruleCase.route
	cases    []ruleCase
}

type ruleCase struct {
	// name names the subtest and the path /<name> the upstream or the
	// fixture answers.
	name      string
	method    string // GET if empty
	reqHeader map[string]string

	upstream string // the exact bytes the upstream answers with, or
	fixture  string // Caddyfile lines answering in place of the upstream

	// route is the route under test; empty means /enforce/ plus the mode
	// variants (/report/, /rulereport/, /off/). Any other route is tested
	// alone.
	route string
	// action is what the route counts for the rule: enforced or reported.
	// Empty marks a correct response: nothing may be counted or changed.
	action string
	// want is what the client must see from the route (for a correct
	// response, from every route).
	want expect
	// over replaces action and want for the protocols it names: what
	// the route counts and what a client of that protocol must see.
	over map[string]outcome
	// protos restricts the protocols; nil means everyProto. HTTP/1.0
	// (protoH10) runs only where a case names it.
	protos []string
}

// outcome is a case's action and want over one protocol.
type outcome struct {
	action string
	want   expect
}

// on returns the case's action and want over proto.
func (c ruleCase) on(proto string) (string, expect) {
	if o, ok := c.over[proto]; ok {
		return o.action, o.want
	}
	return c.action, c.want
}

// expect describes a response relative to what stock Caddy sends for the
// same request: whatever it does not mention must be as stock.
type expect struct {
	status int               // 0: as stock
	header map[string]string // fields that must have exactly this one value
	absent []string          // fields that must not be there
	ignore []string          // fields not compared at all
	body   *string           // nil: as stock
	// generated marks a response normalize makes up: only what is
	// listed here and check are compared, nothing with stock.
	generated bool
	check     func(t *testing.T, what string, got *wireResponse)
	// malformed: the client must refuse the response (an HTTP/2 or
	// HTTP/3 message with a connection-specific field, say), whatever
	// stock Caddy sends.
	malformed bool
}

func str(s string) *string { return &s }

const defaultRoute = "enforce"

func (tbl ruleTable) routes() []route {
	with := func(first ...string) *[]string {
		return normalizeWith(append(first, tbl.settings...)...)
	}
	return append([]route{
		{name: "stock"},
		{name: defaultRoute, normalize: with()},
		{name: "report", normalize: with("mode report")},
		{name: "rulereport", normalize: with("rule " + tbl.rule + " report")},
		{name: "off", normalize: with("rule " + tbl.rule + " off")},
	}, tbl.extra...)
}

// runRuleTable starts the upstream and Caddy and runs every case.
func runRuleTable(t *testing.T, tbl ruleTable) {
	t.Helper()
	needCaddy(t)
	up := newRawUpstream(t)
	var fixtures []fixture
	for _, c := range tbl.cases {
		switch {
		case c.fixture != "":
			fixtures = append(fixtures, fixture{path: "/" + c.name, handler: c.fixture})
		case c.upstream != "":
			up.HandleBytes("/"+c.name, c.upstream)
		default:
			t.Fatalf("case %s: neither upstream nor fixture", c.name)
		}
	}
	startCaddy(t, siteConfig{upstream: up.Addr(), routes: tbl.routes(), fixtures: fixtures}.String())
	for _, c := range tbl.cases {
		t.Run(c.name, func(t *testing.T) {
			protos := c.protos
			if protos == nil {
				protos = everyProto
			}
			for _, proto := range protos {
				t.Run(proto, func(t *testing.T) { runRuleCase(t, tbl.rule, proto, up, c) })
			}
		})
	}
}

func runRuleCase(t *testing.T, rule, proto string, up *rawUpstream, c ruleCase) {
	action, wanted := c.on(proto)
	req := func(route string) request {
		return request{method: c.method, path: "/" + route + "/" + c.name, header: c.reqHeader}
	}
	label := func(route string) string {
		return fmt.Sprintf("%s /%s/%s over %s", req(route).verb(), route, c.name, proto)
	}
	// Some defects pass stock Caddy in a shape the client cannot even
	// read (Go's HTTP/2 server keeps Content-Length on 204, for one).
	// Then the mode variants must fail the client the same way, and the
	// route under test is held to what the case spells out.
	stock, stockErr := tryFetch(proto, req("stock"))
	if stockErr != nil {
		t.Logf("%s: the client fails on what stock Caddy sends: %v", label("stock"), stockErr)
		stock = nil
	}
	// check fetches through route, asserts the upstream was asked once,
	// the response and the counters' movement.
	check := func(route string, want expect, count delta) {
		t.Helper()
		hits := up.Hits("/" + c.name)
		before := readReport(t)
		got, err := tryFetch(proto, req(route))
		after := readReport(t)
		if c.upstream != "" && up.Hits("/"+c.name) != hits+1 {
			t.Errorf("%s: the upstream was asked %d times, want once", label(route), up.Hits("/"+c.name)-hits)
		}
		switch {
		case want.malformed && err == nil:
			t.Errorf("%s: the client read a response (status %d, header %v) it must refuse as malformed", label(route), got.status, got.header)
		case want.malformed && !errors.Is(err, errMalformed):
			t.Errorf("%s: %v; want the client to refuse a malformed response", label(route), err)
		case want.malformed:
		case err == nil:
			checkResponse(t, label(route), got, stock, want)
		case stockErr != nil && (want.asStock() || action == ""):
			// Passed on as stock Caddy passes it: the same failure.
		default:
			t.Errorf("%s: %v", label(route), err)
		}
		checkDelta(t, label(route), before, after, count)
	}

	route := c.route
	if route == "" {
		route = defaultRoute
	}
	var count delta
	if action != "" {
		count = oneViolation(rule, action)
	}
	check(route, wanted, count)
	if c.route != "" {
		return
	}
	// The mode variants: nothing on the wire may differ from stock.
	for _, variant := range []struct {
		route string
		count delta
	}{
		{"report", oneViolation(rule, reported)},
		{"rulereport", oneViolation(rule, reported)},
		{"off", nil},
	} {
		switch {
		case action == "":
			check(variant.route, wanted, nil)
		case stockErr != nil:
			check(variant.route, expect{malformed: errors.Is(stockErr, errMalformed)}, variant.count)
		default:
			check(variant.route, expect{}, variant.count)
		}
	}
}

func (e expect) asStock() bool {
	return e.status == 0 && e.header == nil && e.absent == nil && e.body == nil && !e.generated && e.check == nil && !e.malformed
}

// checkResponse compares got with want and, for all want leaves out, with
// what stock Caddy sent. A nil stock (the client could not read it)
// leaves only what want spells out.
func checkResponse(t *testing.T, what string, got, stock *wireResponse, want expect) {
	t.Helper()
	if stock == nil {
		if want.asStock() {
			t.Errorf("%s: the client read a response (status %d) where it fails on stock Caddy's", what, got.status)
		}
		want.generated = true
	}
	switch {
	case want.status != 0 && got.status != want.status:
		t.Errorf("%s: status %d, want %d", what, got.status, want.status)
	case want.status == 0 && !want.generated && got.status != stock.status:
		t.Errorf("%s: status %d, want %d as stock Caddy sends", what, got.status, stock.status)
	}
	for _, k := range sortedKeys(want.header) {
		if v := got.header.Values(k); !slices.Equal(v, []string{want.header[k]}) {
			t.Errorf("%s: %s = %q, want [%q]", what, k, v, want.header[k])
		}
	}
	for _, k := range want.absent {
		if v := got.header.Values(k); len(v) > 0 {
			t.Errorf("%s: %s = %q, want none", what, k, v)
		}
	}
	if !want.generated {
		skip := map[string]bool{}
		for k := range want.header {
			skip[canonical(k)] = true
		}
		for _, k := range append(want.absent, want.ignore...) {
			skip[canonical(k)] = true
		}
		if d := stock.header["Date"]; len(d) == 1 && d[0] != fixedDate && validHTTPDate(d[0]) {
			skip["Date"] = true // made by Go's server at the time of sending
		}
		keys := map[string]bool{}
		for k := range got.header {
			keys[k] = true
		}
		for k := range stock.header {
			keys[k] = true
		}
		for _, k := range sortedKeys(keys) {
			if !skip[k] && !slices.Equal(got.header[k], stock.header[k]) && !inventedByQUIC(k, got, stock) {
				t.Errorf("%s: %s = %q, want %q as stock Caddy sends", what, k, got.header[k], stock.header[k])
			}
		}
	}
	if !want.generated {
		checkInterim(t, what, got.interim, stock.interim)
	}
	switch {
	case want.body != nil && string(got.body) != *want.body:
		t.Errorf("%s: body %q, want %q", what, got.body, *want.body)
	case want.body == nil && !want.generated && !bytes.Equal(got.body, stock.body):
		t.Errorf("%s: body %q, want %q as stock Caddy sends", what, got.body, stock.body)
	}
	if len(got.extra) > 0 {
		t.Errorf("%s: %d bytes past the end of the message: %q", what, len(got.extra), got.extra)
	}
	if want.check != nil {
		want.check(t, what, got)
	}
}

// inventedByQUIC tells whether field k is the Content-Length: 0 that
// quic-go's HTTP/3 server adds to a 204 or 304 whose head it has not sent
// yet (RFC 9110 §8.6 forbids it on a 204, and on a 304 it states a length
// nobody knows), which got lacks: normalize may drop it in any mode.
// TestProtocolFramingOverH3 requires it of the default setup.
func inventedByQUIC(k string, got, stock *wireResponse) bool {
	return got.proto == protoH3 && k == "Content-Length" && len(got.header[k]) == 0 &&
		(stock.status == http.StatusNoContent || stock.status == http.StatusNotModified) &&
		slices.Equal(stock.header[k], []string{"0"})
}

func validHTTPDate(s string) bool {
	_, err := http.ParseTime(s)
	return err == nil
}

// checkInterim compares 1xx responses with stock Caddy's, but for
// Content-Length and Transfer-Encoding, which no 1xx may carry and which
// Go's server drops from them anyway.
func checkInterim(t *testing.T, what string, got, stock []interimResponse) {
	t.Helper()
	if len(got) != len(stock) {
		t.Errorf("%s: %d interim responses %+v, want %d as stock Caddy sends: %+v", what, len(got), got, len(stock), stock)
		return
	}
	for i := range got {
		g, s := got[i].header.Clone(), stock[i].header.Clone()
		for _, h := range []http.Header{g, s} {
			h.Del("Content-Length")
			h.Del("Transfer-Encoding")
		}
		if got[i].status != stock[i].status || fmt.Sprint(g) != fmt.Sprint(s) {
			t.Errorf("%s: interim response %d %v, want %d %v as stock Caddy sends", what, got[i].status, got[i].header, stock[i].status, stock[i].header)
		}
	}
}

// TestRuleCaseOn checks how a case's per-protocol outcome is chosen.
func TestRuleCaseOn(t *testing.T) {
	c := ruleCase{action: enforced, want: expect{status: 426},
		over: map[string]outcome{protoH2: {action: reported, want: expect{absent: []string{"Upgrade"}}}, protoH3: {}}}
	for _, tt := range []struct {
		proto, action string
		status        int
		absent        int
	}{{protoH1, enforced, 426, 0}, {protoH2C, enforced, 426, 0}, {protoH2, reported, 0, 1}, {protoH3, "", 0, 0}} {
		action, want := c.on(tt.proto)
		if action != tt.action || want.status != tt.status || len(want.absent) != tt.absent {
			t.Errorf("on(%s) = %q %+v, want %q, status %d, %d absent", tt.proto, action, want, tt.action, tt.status, tt.absent)
		}
	}
	if (expect{malformed: true}).asStock() {
		t.Error("an expectation of a malformed response counts as stock")
	}
}
