package caddytest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The generated pages in a real browser: headless Chromium lays out a
// generated 502, a replaced 503 that knows when to come back, and the
// maintenance page, in a phone-sized 375 px frame, and screenshots them
// (into the test's temporary directory, never committed).

// pageHarness is a page, served from the site's own origin, that frames
// target at 375x812 CSS pixels and writes what the browser laid out into
// <pre id="result"> as JSON, for --dump-dom.
const pageHarness = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>harness</title>
<style>body{margin:0}iframe{width:375px;height:812px;border:0;display:block}</style></head>
<body><iframe id="f" src="%s"></iframe><pre id="result">pending</pre>
<script>
document.getElementById('f').addEventListener('load', function () {
  var d = this.contentDocument, w = this.contentWindow, de = d.documentElement;
  var h1 = d.querySelector('h1'), main = d.querySelector('main'), rid = d.getElementById('request-id');
  var rect = function (e) { return e ? e.getBoundingClientRect() : {left: 0, right: 0, height: 0}; };
  var out = {
    scrollWidth: de.scrollWidth, clientWidth: de.clientWidth,
    viewport: !!d.querySelector('meta[name=viewport]'),
    h1: h1 ? h1.innerText : '', h1Height: rect(h1).height, h1Right: rect(h1).right,
    h1Color: h1 ? w.getComputedStyle(h1).color : '',
    cardBackground: main ? w.getComputedStyle(main).backgroundColor : '',
    cardLeft: rect(main).left, cardRight: rect(main).right,
    requestId: rid ? rid.innerText : '', requestIdRight: rect(rid).right,
    text: d.body ? d.body.innerText : ''
  };
  document.getElementById('result').textContent = JSON.stringify(out);
});
</script></body></html>`

// pageLayout is what the harness reports.
type pageLayout struct {
	ScrollWidth    float64 `json:"scrollWidth"`
	ClientWidth    float64 `json:"clientWidth"`
	Viewport       bool    `json:"viewport"`
	H1             string  `json:"h1"`
	H1Height       float64 `json:"h1Height"`
	H1Right        float64 `json:"h1Right"`
	H1Color        string  `json:"h1Color"`
	CardBackground string  `json:"cardBackground"`
	CardLeft       float64 `json:"cardLeft"`
	CardRight      float64 `json:"cardRight"`
	RequestID      string  `json:"requestId"`
	RequestIDRight float64 `json:"requestIdRight"`
	Text           string  `json:"text"`
}

var harnessResult = regexp.MustCompile(`(?s)<pre id="result">(.*?)</pre>`)

// TestGeneratedPagesInBrowser: the generated 502 page, a replaced 503
// with Retry-After and the maintenance page share one look and fit a
// 375 px wide screen with no horizontal overflow; the heading is drawn in
// a colour other than the card's; the request id shown is the one the
// failure is logged with; when Retry-After is known, the page says when to
// come back. Chromium screenshots each page at 375x812.
func TestGeneratedPagesInBrowser(t *testing.T) {
	needCaddy(t)
	bin := chromiumBin(t)
	busy := "<html><body>busy: " + upstreamSecret + "</body></html>"
	up := newRawUpstream(t)
	up.HandleBytes("/busy", upstream("HTTP/1.1 503 Service Unavailable", busy,
		"Content-Type: text/html", "Content-Length: "+itoa(len(busy)), "Retry-After: 120"))
	up.Handle("/page", func(conn net.Conn, _ *bufio.Reader, req *http.Request) {
		body := fmt.Sprintf(pageHarness, html.EscapeString(req.URL.Query().Get("target")))
		_, _ = fmt.Fprint(conn, upstream("HTTP/1.1 200 OK", body,
			"Content-Type: text/html; charset=utf-8", "Content-Length: "+itoa(len(body))))
	})
	refused := refusedAddr(t)
	log := newCaddyLog(t, "caddy.log")
	const message = "Upgrading the database; thank you for your patience."
	startCaddy(t, errorSite(log.path, "", []proxyRoute{
		{name: "gen", proxy: "reverse_proxy " + refused},
		{name: "busy", normalize: []string{"replace_errors 5xx"}, proxy: "reverse_proxy " + up.Addr()},
		{name: "maint", normalize: []string{"maintenance {\nenabled\nname browserpages\nretry_after 120\nmessage \"" + message + "\"\n}"},
			proxy: "reverse_proxy " + up.Addr()},
		{name: "harness", proxy: "reverse_proxy " + up.Addr()},
	}))
	shots := t.TempDir()
	pages := []struct {
		name, path string
		heading    string
		texts      []string // visible text the page must show
		logged     bool     // the request id is the one logged
	}{
		{"502", "/gen/x?t=browser-502", "502 Bad Gateway", []string{"did not send a valid answer", "request ID"}, true},
		{"503-replaced", "/busy/busy?t=browser-503", "503 Service Unavailable", []string{"Please try again in about 2 minutes", "request ID"}, false},
		{"maintenance", "/maint/x?t=browser-maint", "Down for maintenance", []string{message, "Please try again in about 2 minutes"}, false},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
			defer cancel()
			harness := "http://" + siteAddr + "/harness/page?target=" + strings.ReplaceAll(strings.ReplaceAll(p.path, "?", "%3F"), "=", "%3D")
			dom, err := runChromium(ctx, t, bin, "--virtual-time-budget=5000", "--window-size=800,900", "--dump-dom", harness)
			if err != nil {
				t.Fatal(err)
			}
			m := harnessResult.FindSubmatch(dom)
			if m == nil {
				t.Fatalf("no result in the harness's DOM:\n%s", dom)
			}
			var got pageLayout
			if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), &got); err != nil {
				t.Fatalf("the harness's result %q: %v", m[1], err)
			}
			t.Logf("layout at 375 px: %+v", got)
			if !got.Viewport {
				t.Errorf("the page has no viewport meta: phones lay it out 980 px wide")
			}
			if got.ClientWidth != 375 || got.ScrollWidth > got.ClientWidth {
				t.Errorf("at 375 px the page is %v px wide for a viewport of %v px: it overflows horizontally", got.ScrollWidth, got.ClientWidth)
			}
			if got.CardLeft < 0 || got.CardRight > 375 || got.H1Right > 375 || got.RequestIDRight > 375 {
				t.Errorf("something is laid out past the 375 px edge: card %v-%v, heading right %v, request id right %v",
					got.CardLeft, got.CardRight, got.H1Right, got.RequestIDRight)
			}
			if got.H1 != p.heading || got.H1Height <= 0 {
				t.Errorf("heading %q (height %v), want %q drawn", got.H1, got.H1Height, p.heading)
			}
			if got.H1Color == "" || got.H1Color == got.CardBackground {
				t.Errorf("heading colour %q on the card's %q: not visible", got.H1Color, got.CardBackground)
			}
			for _, want := range p.texts {
				if !strings.Contains(got.Text, want) {
					t.Errorf("the page's visible text lacks %q: %q", want, got.Text)
				}
			}
			if strings.Contains(got.Text, upstreamSecret) {
				t.Errorf("the page shows the upstream's body: %q", got.Text)
			}
			if p.name != "maintenance" && !uuidPattern.MatchString(got.RequestID) {
				t.Errorf("request id shown %q, want Caddy's request UUID", got.RequestID)
			}
			if p.logged {
				if id := checkFailureLogged(t, "the browser's "+p.path, log, "browser-502", http.StatusBadGateway, "connection refused"); id != got.RequestID {
					t.Errorf("the page shows request id %q, the log %q", got.RequestID, id)
				}
			}

			screenshot(ctx, t, bin, filepath.Join(shots, p.name+".png"), 375, 812,
				"http://"+siteAddr+strings.Replace(p.path, "t=browser", "t=shot", 1))
		})
	}
}
