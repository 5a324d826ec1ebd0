package responses_test

import (
	"strings"
	"testing"
	"time"

	"github.com/respnorm/caddy-normalize/responses"
)

func TestAppendPage(t *testing.T) {
	body := string(responses.AppendPage(nil, responses.Page{
		Status: 503, RequestID: "0b6f<x>", RetryIn: "about 5 minutes", Message: "Back <soon>",
	}))
	for _, want := range []string{
		"<!DOCTYPE html>",
		`<meta name="viewport" content="width=device-width, initial-scale=1">`,
		"<title>503 Service Unavailable</title>",
		"<h1>503 Service Unavailable</h1>",
		`<p class="lead">` + responses.StatusAdvice(503) + "</p>",
		`<p id="message">Back &lt;soon&gt;</p>`,
		`<p class="when">Please try again in about 5 minutes.</p>`,
		`<code id="request-id">0b6f&lt;x&gt;</code>`,
		"</html>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "refresh") {
		t.Errorf("an error page reloads itself:\n%s", body)
	}
	maint := string(responses.AppendPage(nil, responses.Page{
		Status: 503, Title: "Down for maintenance", Message: "Drill", Refresh: 30, RetryIn: "30 seconds",
		Until: "Tue, 01 Dec 2026 04:00:00 GMT", UntilISO: "2026-12-01T04:00:00Z",
	}))
	for _, want := range []string{
		"<title>Down for maintenance</title>", "<h1>Down for maintenance</h1>",
		`<meta http-equiv="refresh" content="30">`,
		`Expected back by <time datetime="2026-12-01T04:00:00Z">Tue, 01 Dec 2026 04:00:00 GMT</time>.`,
	} {
		if !strings.Contains(maint, want) {
			t.Errorf("maintenance page lacks %q:\n%s", want, maint)
		}
	}
	if strings.Contains(maint, `class="lead"`) || strings.Contains(maint, "request-id") {
		t.Errorf("maintenance page has a lead or request id it was not given:\n%s", maint)
	}
	// Every error status gets advice; others none.
	for code := 400; code < 600; code++ {
		if responses.StatusAdvice(code) == "" {
			t.Errorf("no advice for %d", code)
		}
	}
	if a := responses.StatusAdvice(200); a != "" {
		t.Errorf("advice for 200: %q", a)
	}
}

func TestHumanDelay(t *testing.T) {
	for secs, want := range map[int64]string{
		0: "a moment", 1: "a moment", 45: "45 seconds", 119: "119 seconds",
		120: "about 2 minutes", 600: "about 10 minutes", 7199: "about 120 minutes",
		7200: "about 2 hours", 86400: "about 24 hours",
	} {
		if got := responses.HumanDelay(time.Duration(secs) * time.Second); got != want {
			t.Errorf("HumanDelay(%ds) = %q, want %q", secs, got, want)
		}
	}
	if got := responses.HumanDelay(1500 * time.Millisecond); got != "2 seconds" {
		t.Errorf("HumanDelay(1.5s) = %q, want rounded up to 2 seconds", got)
	}
}
