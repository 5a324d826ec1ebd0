package responses_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/respnorm/caddy-normalize/responses"
)

// TestUpgradeRequiredOverHTTP2: HTTP/2 has no connection-specific fields
// (RFC 9113 §8.2.2): a response with Upgrade is malformed, and strict
// clients (nghttp2, browsers) fail the stream; Go's HTTP/2 server strips
// Connection but not Upgrade. A 426 served over HTTP/2 goes without
// either; over HTTP/1.1 it keeps both.
func TestUpgradeRequiredOverHTTP2(t *testing.T) {
	resp := must(responses.UpgradeRequired("HTTP/1.1")).WithProblem("use HTTP/1.1 for this resource")
	srv := httptest.NewUnstartedServer(resp)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()
	for _, h2 := range []bool{true, false} {
		client := srv.Client()
		if !h2 {
			tr := client.Transport.(*http.Transport).Clone()
			tr.ForceAttemptHTTP2 = false
			tr.TLSClientConfig = tr.TLSClientConfig.Clone()
			tr.TLSClientConfig.NextProtos = []string{"http/1.1"}
			client = &http.Client{Transport: tr}
		}
		res, err := client.Get(srv.URL)
		if err != nil {
			t.Fatalf("h2 %v: %v", h2, err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			t.Fatalf("h2 %v: body: %v", h2, err)
		}
		if (res.ProtoMajor == 2) != h2 || res.StatusCode != 426 || len(body) == 0 {
			t.Fatalf("h2 %v: %s %d %q", h2, res.Proto, res.StatusCode, body)
		}
		if got, want := res.Header.Get("Upgrade"), map[bool]string{true: "", false: "HTTP/1.1"}[h2]; got != want {
			t.Errorf("%s: Upgrade %q, want %q", res.Proto, got, want)
		}
	}
}
