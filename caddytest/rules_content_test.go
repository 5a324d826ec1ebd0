package caddytest

import (
	"net/http"
	"testing"
)

// dateLine gives a fixture answered by respond the fixed Date, so that
// only the rule under test can trip.
const dateLine = `header Date "` + fixedDate + `"` + "\n"

var framing = []string{"Content-Length", "Transfer-Encoding"}

func TestRuleContentForbidden(t *testing.T) {
	runRuleTable(t, ruleTable{
		rule: "content-forbidden",
		// respond's Content-Type on a 304 is not-modified-metadata's
		// (TestRuleNotModifiedMetadata): off here, so that only the rule
		// under test counts.
		settings: []string{"rule not-modified-metadata off"},
		cases: []ruleCase{
			// Over h3 too, where quic-go's server adds Content-Length: 0
			// to a 204 (TestProtocolFramingOverH3).
			{name: "204-length-and-body", action: enforced,
				upstream: upstream("HTTP/1.1 204 No Content", "hello", "Content-Length: 5"),
				want:     expect{status: 204, absent: framing, body: str("")}},
			{name: "204-respond-body", action: enforced,
				fixture: dateLine + `respond "hello" 204`,
				want:    expect{status: 204, absent: framing, body: str("")}},
			{name: "304-respond-body", action: enforced,
				fixture: dateLine + `respond "hello" 304`,
				want:    expect{status: 304, absent: []string{"Transfer-Encoding"}, ignore: []string{"Content-Length"}, body: str("")}},
			// Go's servers never send these fields on a 1xx, and the
			// header map of a 1xx belongs to the final response too
			// (RFC 8297): over HTTP/1.1 and HTTP/2 nothing reaches the
			// wire to fix or count. quic-go's HTTP/3 server sends a 1xx's
			// fields as they are: there the upstream's mistake reaches
			// the wire, and is fixed and counted.
			{name: "103-with-length",
				upstream: "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\nContent-Length: 0\r\n\r\n" +
					upstream("HTTP/1.1 200 OK", "ok", "Content-Length: 2"),
				want: expect{status: 200, body: str("ok"), check: interimWithout("Content-Length")},
				over: map[string]outcome{protoH3: {action: enforced,
					want: expect{status: 200, body: str("ok"), check: interimWithout("Content-Length")}}}},
			// Correct: nothing after a 204; a 304 stating the length of
			// the representation it stands for.
			{name: "204-clean",
				upstream: upstream("HTTP/1.1 204 No Content", ""),
				want:     expect{status: 204, body: str("")}},
			{name: "304-with-length",
				upstream: upstream("HTTP/1.1 304 Not Modified", "", `ETag: "v1"`, "Content-Length: 5"),
				want:     expect{status: 304, header: map[string]string{"ETag": `"v1"`}, body: str("")}},
		},
	})
}

func TestRuleResetContent(t *testing.T) {
	cleared := expect{
		status: http.StatusResetContent,
		header: map[string]string{"Content-Length": "0"},
		absent: []string{"Transfer-Encoding"},
		ignore: []string{"Content-Type"},
		body:   str(""),
	}
	runRuleTable(t, ruleTable{
		rule: "reset-content",
		cases: []ruleCase{
			{name: "205-length", action: enforced,
				upstream: upstream("HTTP/1.1 205 Reset Content", "hello", "Content-Length: 5"),
				want:     cleared},
			// With a Content-Type: without one, Go's server sniffs it from
			// the first write, which races the header flush of a chunked
			// body, so stock Caddy's own answer would vary. The header
			// section, without Content-Length, breaks nothing (an empty
			// chunked body or the end of an HTTP/2 stream is no content,
			// RFC 9110 §15.3.6): the content is dropped as it comes.
			{name: "205-chunked", action: enforced,
				upstream: upstream("HTTP/1.1 205 Reset Content", "5\r\nhello\r\n0\r\n\r\n", "Transfer-Encoding: chunked", "Content-Type: text/plain"),
				want: expect{
					status: http.StatusResetContent,
					ignore: []string{"Content-Type", "Content-Length", "Transfer-Encoding"},
					body:   str(""),
				}},
			// Correct: no Content-Length and no content, chunked over
			// HTTP/1.1.
			// An empty chunked body is one of §15.3.6's three ways: not a
			// violation, nothing counted. Its framing on the way out is
			// stock Caddy's own race (reverse_proxy flushes the header of
			// a body of unknown length from a timer while the handler
			// returns: chunked or no Content-Length if the flush wins,
			// Content-Length: 0 if the return does; seen under -race on
			// every route, normalize off included), so those two fields
			// are not compared with stock; status, the empty body and the
			// counters are.
			{name: "205-chunked-empty",
				upstream: upstream("HTTP/1.1 205 Reset Content", "0\r\n\r\n", "Transfer-Encoding: chunked"),
				want:     expect{status: 205, body: str(""), ignore: []string{"Content-Length", "Transfer-Encoding"}}},
			{name: "205-respond", action: enforced,
				fixture: dateLine + `respond "form cleared" 205`,
				want:    cleared},
			{name: "205-empty",
				upstream: upstream("HTTP/1.1 205 Reset Content", "", "Content-Length: 0"),
				want:     expect{status: 205, header: map[string]string{"Content-Length": "0"}, body: str("")}},
		},
	})
}

func TestRuleHeadContent(t *testing.T) {
	// reverse_proxy never writes a body on HEAD, so the body comes from
	// respond, which writes one whatever the method.
	hello := dateLine + "header Content-Length 5\n" + `respond "hello" 200`
	runRuleTable(t, ruleTable{
		rule: "head-content",
		cases: []ruleCase{
			{name: "head-respond-body", method: http.MethodHead, action: enforced, fixture: hello,
				want: expect{status: 200, header: map[string]string{"Content-Length": "5"}, body: str("")}},
			// Correct: the same handler to GET; HEAD with only a length.
			{name: "get-respond-body", fixture: hello,
				want: expect{status: 200, header: map[string]string{"Content-Length": "5"}, body: str("hello")}},
			{name: "head-proxy-length", method: http.MethodHead,
				upstream: upstream("HTTP/1.1 200 OK", "", "Content-Type: text/plain", "Content-Length: 5"),
				want:     expect{status: 200, header: map[string]string{"Content-Length": "5"}, body: str("")}},
		},
	})
}

// interimWithout checks that the one interim response lacks field.
func interimWithout(field string) func(*testing.T, string, *wireResponse) {
	return func(t *testing.T, what string, got *wireResponse) {
		t.Helper()
		if len(got.interim) != 1 {
			t.Errorf("%s: interim responses %+v, want one", what, got.interim)
			return
		}
		if v := got.interim[0].header.Values(field); len(v) > 0 {
			t.Errorf("%s: interim %d has %s %q, want none", what, got.interim[0].status, field, v)
		}
	}
}
