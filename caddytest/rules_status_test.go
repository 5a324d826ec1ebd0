package caddytest

import (
	"encoding/json"
	"mime"
	"net/http"
	"strings"
	"testing"
)

// upstream builds what the raw upstream sends: the status line, the fixed
// Date, headers, and body. Content (a body, a Content-Length other than 0,
// or chunked framing, the content then written by the caller) of a status
// that allows it is labelled Content-Type: text/plain unless headers name
// a Content-Type (an empty "Content-Type:" line is left out:
// content-type-missing's cases send content without a type that way).
func upstream(statusLine, body string, headers ...string) string {
	typed, content := false, body != ""
	hs := []string{"Date: " + fixedDate}
	for _, h := range headers {
		name, v, _ := strings.Cut(h, ":")
		v = strings.TrimSpace(v)
		switch {
		case strings.EqualFold(name, "Content-Type"):
			typed = true
			if v == "" {
				continue
			}
		case strings.EqualFold(name, "Content-Length") && v != "0",
			strings.EqualFold(name, "Transfer-Encoding"):
			content = true
		}
		hs = append(hs, h)
	}
	if !typed && content && contentAllowed(statusLine) {
		hs = append(hs, "Content-Type: text/plain")
	}
	return rawResponse(statusLine, hs, body)
}

// contentAllowed reports whether the status of statusLine allows content.
func contentAllowed(statusLine string) bool {
	_, rest, _ := strings.Cut(statusLine, " ")
	code, _, _ := strings.Cut(rest, " ")
	switch {
	case code < "200", code == "204", code == "205", code == "304":
		return false
	}
	return true
}

// upstreamSecret is a body normalize must never pass on from a response
// it replaces.
const upstreamSecret = "upstream-secret-body"

// badGateway checks the 502 normalize generates for an invalid status:
// its media type (and charset for text), a body that is no echo of the
// upstream's, and valid JSON for the JSON types.
func badGateway(mediaType string, textual bool) func(*testing.T, string, *wireResponse) {
	return func(t *testing.T, what string, got *wireResponse) {
		t.Helper()
		ct := got.header.Get("Content-Type")
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil || mt != mediaType {
			t.Errorf("%s: Content-Type %q, want %s", what, ct, mediaType)
		}
		if textual && !strings.EqualFold(params["charset"], "utf-8") {
			t.Errorf("%s: Content-Type %q, want charset=utf-8", what, ct)
		}
		if len(got.body) == 0 {
			t.Errorf("%s: empty body, want a generated description of the error", what)
		}
		if strings.Contains(string(got.body), upstreamSecret) {
			t.Errorf("%s: body %q passes on the upstream's body", what, got.body)
		}
		if strings.HasSuffix(mediaType, "json") {
			var v map[string]any
			if err := json.Unmarshal(got.body, &v); err != nil {
				t.Errorf("%s: body %q is not a JSON object: %v", what, got.body, err)
			}
		}
	}
}

func TestRuleStatusInvalid(t *testing.T) {
	broken := func(status string) string {
		return upstream("HTTP/1.1 "+status, upstreamSecret,
			"Content-Type: text/plain", "Content-Length: 20")
	}
	gen := func(mediaType string, textual bool) expect {
		return expect{status: http.StatusBadGateway, generated: true, check: badGateway(mediaType, textual)}
	}
	anyOfFour := expect{status: http.StatusBadGateway, generated: true, check: func(t *testing.T, what string, got *wireResponse) {
		ct := got.header.Get("Content-Type")
		mt, _, _ := mime.ParseMediaType(ct)
		switch mt {
		case "application/problem+json", "application/json":
			badGateway(mt, false)(t, what, got)
		case "text/html", "text/plain":
			badGateway(mt, true)(t, what, got)
		default:
			t.Errorf("%s: Content-Type %q, want one of the four documented types", what, ct)
		}
	}}
	runRuleTable(t, ruleTable{
		rule: "status-invalid",
		cases: []ruleCase{
			{name: "600-problem-json", upstream: broken("600 Six Hundred"), action: enforced,
				reqHeader: map[string]string{"Accept": "application/problem+json"},
				want:      gen("application/problem+json", false)},
			{name: "600-json", upstream: broken("600 Six Hundred"), action: enforced,
				reqHeader: map[string]string{"Accept": "application/json"},
				want:      gen("application/json", false)},
			{name: "999-browser", upstream: broken("999 Nines"), action: enforced,
				reqHeader: map[string]string{"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
				want:      gen("text/html", true)},
			{name: "999-plain", upstream: broken("999 Nines"), action: enforced,
				reqHeader: map[string]string{"Accept": "text/plain"},
				want:      gen("text/plain", true)},
			{name: "600-no-accept", upstream: broken("600 Six Hundred"), action: enforced,
				want: anyOfFour},
			// The edges of the valid range pass as they are.
			{name: "599-valid", upstream: upstream("HTTP/1.1 599 Edge", "kept", "Content-Length: 4"),
				want: expect{status: 599, body: str("kept")}},
			{name: "200-valid", upstream: upstream("HTTP/1.1 200 OK", "kept", "Content-Length: 4"),
				want: expect{status: 200, body: str("kept")}},
		},
	})
}
