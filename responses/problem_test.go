package responses_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/respnorm/caddy-normalize/responses"
)

const xss = `<script>alert("x&y")</script>`

func TestWriteErrorFormats(t *testing.T) {
	tests := []struct {
		name   string
		accept string
		f      responses.Format
		ct     string
		vary   bool
	}{
		{"auto browser", "text/html,*/*;q=0.8", responses.FormatAuto, "text/html; charset=utf-8", true},
		{"auto curl", "*/*", responses.FormatAuto, "text/plain; charset=utf-8", true},
		{"auto api", "application/json", responses.FormatAuto, "application/json", true},
		{"auto problem", "application/problem+json", responses.FormatAuto, "application/problem+json", true},
		{"forced problem", "text/html", responses.FormatProblem, "application/problem+json", false},
		{"forced text", "application/json", responses.FormatText, "text/plain; charset=utf-8", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set("Accept", tt.accept)
			w := httptest.NewRecorder()
			w.Header().Set("Content-Length", "12345") // stale, from some other content
			w.Header().Set("Transfer-Encoding", "chunked")
			responses.WriteError(w, r, 502, "upstream closed the connection", tt.f)
			if w.Code != 502 {
				t.Errorf("status %d", w.Code)
			}
			h := w.Header()
			if got := h.Get("Content-Type"); got != tt.ct {
				t.Errorf("Content-Type %q, want %q", got, tt.ct)
			}
			if got := h.Get("Content-Length"); got != strconv.Itoa(w.Body.Len()) {
				t.Errorf("Content-Length %q for %d bytes", got, w.Body.Len())
			}
			if h.Get("Transfer-Encoding") != "" {
				t.Error("Transfer-Encoding left in place")
			}
			if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q", got)
			}
			if got := h.Values("Vary"); tt.vary != (len(got) == 1 && got[0] == "Accept") {
				t.Errorf("Vary %q, negotiated %v", got, tt.vary)
			}
			body := w.Body.String()
			if !strings.Contains(body, "upstream closed the connection") {
				t.Errorf("body %q lacks the detail", body)
			}
			if !strings.Contains(body, "Bad Gateway") {
				t.Errorf("body %q lacks the reason", body)
			}
		})
	}
}

func TestErrorBodyText(t *testing.T) {
	got := string(responses.AppendErrorBody([]byte("prefix:"), 502, "boom", responses.FormatText))
	if want := "prefix:502 Bad Gateway\nboom\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	got = string(responses.AppendErrorBody(nil, 404, "", responses.FormatText))
	if want := "404 Not Found\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// Auto and invalid formats render as text.
	for _, f := range []responses.Format{responses.FormatAuto, responses.Format(42)} {
		if got := string(responses.AppendErrorBody(nil, 404, "", f)); got != "404 Not Found\n" {
			t.Errorf("%v: got %q", f, got)
		}
	}
}

func TestErrorBodyHTML(t *testing.T) {
	body := string(responses.AppendErrorBody(nil, 502, xss, responses.FormatHTML))
	for _, want := range []string{
		"<!DOCTYPE html>",
		`<meta charset="utf-8">`,
		"<title>502 Bad Gateway</title>",
		"<h1>502 Bad Gateway</h1>",
		`<meta name="viewport" content="width=device-width, initial-scale=1">`,
		`<p id="message">&lt;script&gt;alert(&#34;x&amp;y&#34;)&lt;/script&gt;</p>`,
		"</html>",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("HTML body lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "<script") {
		t.Errorf("HTML body carries the script unescaped:\n%s", body)
	}
	if strings.Count(body, `id="message"`) != 1 {
		t.Errorf("want one detail paragraph:\n%s", body)
	}
	if empty := string(responses.AppendErrorBody(nil, 502, "", responses.FormatHTML)); strings.Contains(empty, `id="message"`) {
		t.Errorf("an empty detail gives a detail paragraph:\n%s", empty)
	}
}

func TestErrorBodyJSON(t *testing.T) {
	for _, f := range []responses.Format{responses.FormatProblem, responses.FormatJSON} {
		body := responses.AppendErrorBody(nil, 503, xss, f)
		if strings.ContainsAny(string(body), "<>&") {
			t.Errorf("%v: JSON carries <, > or & unescaped: %s", f, body)
		}
		var p map[string]any
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatalf("%v: %v: %s", f, err, body)
		}
		want := map[string]any{"type": "about:blank", "title": "Service Unavailable", "status": 503.0, "detail": xss}
		if len(p) != len(want) {
			t.Errorf("%v: members %v, want %v", f, p, want)
		}
		for k, v := range want {
			if p[k] != v {
				t.Errorf("%v: %s = %#v, want %#v", f, k, p[k], v)
			}
		}
	}
	// No detail, no member.
	var p responses.Problem
	if err := json.Unmarshal(responses.AppendErrorBody(nil, 404, "", responses.FormatProblem), &p); err != nil {
		t.Fatal(err)
	}
	if p != (responses.Problem{Type: "about:blank", Title: "Not Found", Status: 404}) {
		t.Errorf("got %+v", p)
	}
}

func TestWriteErrorWithoutContent(t *testing.T) {
	tests := []struct {
		method string
		code   int
		cl     string // Content-Length wanted; "" for none
		body   bool   // Content-Type and body wanted
	}{
		{"GET", 204, "", false},
		{"GET", 304, "", false},
		{"GET", 205, "0", false},
		{"HEAD", 404, "", false}, // cl checked against a GET below
		{"CONNECT", 200, "", false},
		{"CONNECT", 502, "", true},
	}
	for _, tt := range tests {
		r := httptest.NewRequest(tt.method, "/", nil)
		w := httptest.NewRecorder()
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Length", "99")
		responses.WriteError(w, r, tt.code, "detail", responses.FormatAuto)
		if w.Code != tt.code {
			t.Errorf("%s %d: status %d", tt.method, tt.code, w.Code)
		}
		if tt.body != (w.Body.Len() > 0) {
			t.Errorf("%s %d: body %q", tt.method, tt.code, w.Body)
		}
		if tt.method == "HEAD" {
			g := httptest.NewRecorder()
			responses.WriteError(g, httptest.NewRequest("GET", "/", nil), tt.code, "detail", responses.FormatAuto)
			if w.Header().Get("Content-Length") != g.Header().Get("Content-Length") ||
				w.Header().Get("Content-Type") != g.Header().Get("Content-Type") {
				t.Errorf("HEAD header %v differs from GET header %v", w.Header(), g.Header())
			}
			continue
		}
		if got := w.Header().Get("Content-Length"); !tt.body && got != tt.cl {
			t.Errorf("%s %d: Content-Length %q, want %q", tt.method, tt.code, got, tt.cl)
		}
		if ct := w.Header().Get("Content-Type"); !tt.body && ct != "" {
			t.Errorf("%s %d: Content-Type %q", tt.method, tt.code, ct)
		}
	}
}

func TestWriteErrorEdgeCases(t *testing.T) {
	// A code that is not HTTP becomes 500.
	w := httptest.NewRecorder()
	responses.WriteError(w, httptest.NewRequest("GET", "/", nil), 1000, "", responses.FormatText)
	if w.Code != 500 || w.Body.String() != "500 Internal Server Error\n" {
		t.Errorf("code 1000: %d %q", w.Code, w.Body)
	}
	// A nil request is a GET without Accept.
	w = httptest.NewRecorder()
	responses.WriteError(w, nil, 404, "", responses.FormatAuto)
	if w.Code != 404 || w.Body.String() != "404 Not Found\n" {
		t.Errorf("nil request: %d %q", w.Code, w.Body)
	}
	// Vary is not repeated, nor added where "*" stands.
	for _, vary := range []string{"accept", "Origin, Accept", "*"} {
		w = httptest.NewRecorder()
		w.Header().Set("Vary", vary)
		responses.WriteError(w, httptest.NewRequest("GET", "/", nil), 404, "", responses.FormatAuto)
		if got := w.Header().Values("Vary"); len(got) != 1 || got[0] != vary {
			t.Errorf("Vary %q became %q", vary, got)
		}
	}
	w = httptest.NewRecorder()
	w.Header().Set("Vary", "Origin")
	responses.WriteError(w, httptest.NewRequest("GET", "/", nil), 404, "", responses.FormatAuto)
	if got := w.Header().Values("Vary"); len(got) != 2 || got[1] != "Accept" {
		t.Errorf("Vary Origin became %q", got)
	}
}

func TestNewProblem(t *testing.T) {
	p := responses.NewProblem(429, "slow down")
	want := responses.Problem{Type: "about:blank", Title: "Too Many Requests", Status: 429, Detail: "slow down"}
	if p != want {
		t.Errorf("got %+v, want %+v", p, want)
	}
}

// discard is a ResponseWriter that keeps nothing, to count WriteError's
// own allocations.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

func TestWriteErrorAllocations(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Accept", "text/html,*/*;q=0.8")
	d := &discard{h: http.Header{}}
	n := testing.AllocsPerRun(100, func() {
		clear(d.h)
		responses.WriteError(d, r, 502, "upstream failed", responses.FormatAuto)
	})
	// The header values: Vary, Content-Type, Content-Length,
	// X-Content-Type-Options, one slice each, and Content-Length's digits.
	if n > 5 {
		t.Errorf("WriteError allocates %v times", n)
	}
}
