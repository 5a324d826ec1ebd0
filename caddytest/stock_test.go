package caddytest

import (
	"testing"
)

// TestStockCaddyPassesDefects is the control for the rule tests: without
// normalize, Caddy hands the upstream's mistakes to the client. If it ever
// fixed them itself, the enforce-mode assertions would prove nothing.
func TestStockCaddyPassesDefects(t *testing.T) {
	needCaddy(t)
	up := newRawUpstream(t)
	cases := []struct {
		name     string
		upstream string
		status   int
		header   map[string]string // exact single values the client sees
		absent   []string
		body     string
	}{
		{"205-body", upstream("HTTP/1.1 205 Reset Content", "hello", "Content-Length: 5"),
			205, map[string]string{"Content-Length": "5"}, nil, "hello"},
		{"status-600", upstream("HTTP/1.1 600 Six Hundred", "six", "Content-Length: 3"),
			600, nil, nil, "six"},
		{"405-no-allow", upstream("HTTP/1.1 405 Method Not Allowed", "", "Content-Length: 0"),
			405, nil, []string{"Allow"}, ""},
		{"location-raw", upstream("HTTP/1.1 302 Found", "", "Location: /new place/ü", "Content-Length: 0"),
			302, map[string]string{"Location": "/new place/ü"}, nil, ""},
		{"retry-after-garbage", upstream("HTTP/1.1 503 Service Unavailable", "", "Retry-After: soon", "Content-Length: 0"),
			503, map[string]string{"Retry-After": "soon"}, nil, ""},
		{"date-garbage", rawResponse("HTTP/1.1 200 OK", []string{"Date: yesterday", "Content-Length: 2"}, "ok"),
			200, map[string]string{"Date": "yesterday"}, nil, "ok"},
	}
	for _, c := range cases {
		up.HandleBytes("/"+c.name, c.upstream)
	}
	startCaddy(t, siteConfig{upstream: up.Addr(), routes: []route{{name: "stock"}}}.String())
	for _, c := range cases {
		for _, proto := range everyProto {
			t.Run(c.name+"/"+proto, func(t *testing.T) {
				got := fetch(t, proto, request{path: "/stock/" + c.name})
				checkResponse(t, "stock "+c.name, got, got, expect{status: c.status, header: c.header, absent: c.absent, body: str(c.body)})
			})
		}
	}
}
