package caddynormalize

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	"github.com/caddyserver/caddy/v2/caddytest"
)

// site is the adapted JSON of a server on :8080 with the given routes.
func site(routes string) string {
	return `{
	"apps": {
		"http": {
			"servers": {
				"srv0": {
					"listen": [
						":8080"
					],
					"routes": [
` + routes + `
					]
				}
			}
		}
	}
}`
}

// normalizeRoute is one route holding the normalize handler; fields are
// the handler's JSON fields after "handler", each line indented for it.
func normalizeRoute(fieldsBefore, fieldsAfter string) string {
	h := "\t\t\t\t\t\t\t\t{\n"
	h += fieldsBefore
	h += "\t\t\t\t\t\t\t\t\t\"handler\": \"normalize\""
	if fieldsAfter != "" {
		h += ",\n" + fieldsAfter
	}
	h += "\n\t\t\t\t\t\t\t\t}"
	return "\t\t\t\t\t\t{\n\t\t\t\t\t\t\t\"handle\": [\n" + h + "\n\t\t\t\t\t\t\t]\n\t\t\t\t\t\t}"
}

// field formats one handler field line (with a trailing comma when more
// follow).
func field(line string) string { return "\t\t\t\t\t\t\t\t\t" + line }

func TestCaddyfileAdapt(t *testing.T) {
	cases := []struct {
		name      string
		caddyfile string
		json      string
	}{
		{
			name:      "bare, no block",
			caddyfile: ":8080 {\n\tnormalize\n}\n",
			json:      site(normalizeRoute("", "")),
		},
		{
			name:      "empty block",
			caddyfile: ":8080 {\n\tnormalize {\n\t}\n}\n",
			json:      site(normalizeRoute("", "")),
		},
		{
			name:      "mode",
			caddyfile: ":8080 {\n\tnormalize {\n\t\tmode report\n\t}\n}\n",
			json:      site(normalizeRoute("", field(`"mode": "report"`))),
		},
		{
			name:      "rule",
			caddyfile: ":8080 {\n\tnormalize {\n\t\trule date-invalid off\n\t\trule location-missing enforce\n\t}\n}\n",
			json: site(normalizeRoute("", field(`"rules": {`)+"\n"+
				field("\t"+`"date-invalid": "off",`)+"\n"+
				field("\t"+`"location-missing": "enforce"`)+"\n"+
				field(`}`))),
		},
		{
			name:      "allow, twice",
			caddyfile: ":8080 {\n\tnormalize {\n\t\tallow GET HEAD\n\t\tallow POST\n\t}\n}\n",
			json: site(normalizeRoute(field(`"allow": [`)+"\n"+
				field("\t"+`"GET",`)+"\n"+
				field("\t"+`"HEAD",`)+"\n"+
				field("\t"+`"POST"`)+"\n"+
				field(`],`)+"\n", "")),
		},
		{
			name:      "www_authenticate",
			caddyfile: ":8080 {\n\tnormalize {\n\t\twww_authenticate `Basic realm=\"app\"`\n\t}\n}\n",
			json:      site(normalizeRoute("", field(`"www_authenticate": "Basic realm=\"app\""`))),
		},
		{
			name:      "proxy_authenticate",
			caddyfile: ":8080 {\n\tnormalize {\n\t\tproxy_authenticate \"Basic realm=\\\"proxy\\\"\"\n\t}\n}\n",
			json:      site(normalizeRoute("", field(`"proxy_authenticate": "Basic realm=\"proxy\""`))),
		},
		{
			name:      "upgrade",
			caddyfile: ":8080 {\n\tnormalize {\n\t\tupgrade websocket HTTP/2.0\n\t}\n}\n",
			json: site(normalizeRoute("", field(`"upgrade": [`)+"\n"+
				field("\t"+`"websocket",`)+"\n"+
				field("\t"+`"HTTP/2.0"`)+"\n"+
				field(`]`))),
		},
		{
			name:      "retry_after",
			caddyfile: ":8080 {\n\tnormalize {\n\t\tretry_after 120\n\t}\n}\n",
			json:      site(normalizeRoute("", field(`"retry_after": 120000000000`))),
		},
		{
			name:      "retry_after 2m",
			caddyfile: ":8080 {\n\tnormalize {\n\t\tretry_after 2m\n\t}\n}\n",
			json:      site(normalizeRoute("", field(`"retry_after": 120000000000`))),
		},
		{
			name:      "retry_after 1h30m",
			caddyfile: ":8080 {\n\tnormalize {\n\t\tretry_after 1h30m\n\t}\n}\n",
			json:      site(normalizeRoute("", field(`"retry_after": 5400000000000`))),
		},
		{
			name:      "retry_after 90s",
			caddyfile: ":8080 {\n\tnormalize {\n\t\tretry_after 90s\n\t}\n}\n",
			json:      site(normalizeRoute("", field(`"retry_after": 90000000000`))),
		},
		{
			name:      "retry_after 0",
			caddyfile: ":8080 {\n\tnormalize {\n\t\tretry_after 0\n\t}\n}\n",
			json:      site(normalizeRoute("", "")), // 0 is the default, omitted
		},
		{
			name: "with a matcher and every sub-directive",
			caddyfile: `:8080 {
	normalize /api/* {
		mode report
		rule status-invalid enforce
		allow GET HEAD
		www_authenticate "Bearer realm=\"api\""
		proxy_authenticate "Basic realm=\"proxy\""
		upgrade websocket
		retry_after 30
	}
}
`,
			json: site(`						{
							"match": [
								{
									"path": [
										"/api/*"
									]
								}
							],
							"handle": [
								{
									"allow": [
										"GET",
										"HEAD"
									],
									"handler": "normalize",
									"mode": "report",
									"proxy_authenticate": "Basic realm=\"proxy\"",
									"retry_after": 30000000000,
									"rules": {
										"status-invalid": "enforce"
									},
									"upgrade": [
										"websocket"
									],
									"www_authenticate": "Bearer realm=\"api\""
								}
							]
						}`),
		},
		{
			name: "named matcher",
			caddyfile: `:8080 {
	@legacy path /legacy/*
	normalize @legacy
}
`,
			json: site(`						{
							"match": [
								{
									"path": [
										"/legacy/*"
									]
								}
							],
							"handle": [
								{
									"handler": "normalize"
								}
							]
						}`),
		},
		{
			name: "ahead of reverse_proxy, respond and basic_auth without an order option",
			caddyfile: `:8080 {
	reverse_proxy localhost:9000
	respond /hi "hi" 200
	basic_auth /admin/* {
		bob $2a$14$Zkx19XLiW6VYouLHR5NmfOFU0z2GTNmpkT/5qqR7hx4IjWJPDhjvG
	}
	normalize {
		allow GET
	}
}
`,
			json: site(`						{
							"handle": [
								{
									"allow": [
										"GET"
									],
									"handler": "normalize"
								}
							]
						},
						{
							"match": [
								{
									"path": [
										"/admin/*"
									]
								}
							],
							"handle": [
								{
									"handler": "authentication",
									"providers": {
										"http_basic": {
											"accounts": [
												{
													"password": "$2a$14$Zkx19XLiW6VYouLHR5NmfOFU0z2GTNmpkT/5qqR7hx4IjWJPDhjvG",
													"username": "bob"
												}
											],
											"hash": {
												"algorithm": "bcrypt"
											},
											"hash_cache": {}
										}
									}
								}
							]
						},
						{
							"match": [
								{
									"path": [
										"/hi"
									]
								}
							],
							"handle": [
								{
									"body": "hi",
									"handler": "static_response",
									"status_code": 200
								}
							]
						},
						{
							"handle": [
								{
									"handler": "reverse_proxy",
									"upstreams": [
										{
											"dial": "localhost:9000"
										}
									]
								}
							]
						}`),
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			caddytest.AssertAdapt(t, c.caddyfile, "caddyfile", c.json)
		})
	}
}

// TestCaddyfileOrder checks, on the adapted JSON rather than on a golden
// text, that normalize comes before every handler that writes or wraps a
// response, wherever it is written in the site block and with no global
// order option.
func TestCaddyfileOrder(t *testing.T) {
	const body = `	header X-App demo
	encode gzip
	redir /old /new
	reverse_proxy /api/* localhost:9000
	respond /hi "hi" 200
	file_server
	basic_auth /admin/* {
		bob $2a$14$Zkx19XLiW6VYouLHR5NmfOFU0z2GTNmpkT/5qqR7hx4IjWJPDhjvG
	}
`
	for _, where := range []string{"first", "last"} {
		t.Run(where, func(t *testing.T) {
			cf := ":8080 {\n\tnormalize\n" + body + "}\n"
			if where == "last" {
				cf = ":8080 {\n" + body + "\tnormalize\n}\n"
			}
			var order []string
			for _, h := range adaptedHandlers(t, cf) {
				order = append(order, h["handler"].(string))
			}
			pos := func(name string) int {
				for i, h := range order {
					if h == name {
						return i
					}
				}
				t.Fatalf("no %s handler in %v", name, order)
				return -1
			}
			n := pos("normalize")
			for _, other := range []string{"headers", "encode", "static_response", "authentication", "reverse_proxy", "file_server"} {
				if pos(other) < n {
					t.Errorf("%s comes before normalize: %v", other, order)
				}
			}
		})
	}
}

// TestUnmarshalCaddyfile checks the Handler a good block gives.
func TestUnmarshalCaddyfile(t *testing.T) {
	d := caddyfile.NewTestDispenser(`normalize {
		mode report
		rule allow-missing off
		rule date-invalid report
		allow GET HEAD
		allow POST
		www_authenticate "Basic realm=\"app\""
		proxy_authenticate "Basic realm=\"proxy\""
		upgrade websocket h2c
		retry_after 90
	}`)
	var h Handler
	if err := h.UnmarshalCaddyfile(d); err != nil {
		t.Fatal(err)
	}
	want := Handler{
		Mode:              "report",
		Rules:             map[string]string{"allow-missing": "off", "date-invalid": "report"},
		Allow:             []string{"GET", "HEAD", "POST"},
		WWWAuthenticate:   `Basic realm="app"`,
		ProxyAuthenticate: `Basic realm="proxy"`,
		Upgrade:           []string{"websocket", "h2c"},
		RetryAfter:        caddy.Duration(90 * time.Second),
	}
	if !reflect.DeepEqual(h, want) {
		t.Errorf("got  %+v\nwant %+v", h, want)
	}
	if err := h.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

// TestUnmarshalCaddyfileErrors: every bad block fails, and the error names
// the offending token.
func TestUnmarshalCaddyfileErrors(t *testing.T) {
	cases := []struct {
		name  string
		block string
		token string
	}{
		{"unknown rule id", "rule nope enforce", "nope"},
		{"unknown rule action", "rule allow-missing loud", "loud"},
		{"rule without action", "rule allow-missing", "rule"},
		{"rule with three arguments", "rule allow-missing off now", "rule"},
		{"unknown sub-directive", "bogus 1", "bogus"},
		{"bad mode", "mode loud", "loud"},
		{"mode off", "mode off", "off"},
		{"mode without argument", "mode", "mode"},
		{"mode with two arguments", "mode report enforce", "enforce"},
		{"bad method token", `allow GET "PO ST"`, "PO ST"},
		{"method with a slash", "allow GET/HEAD", "GET/HEAD"},
		{"allow without methods", "allow", "allow"},
		{"non-number retry_after", "retry_after soon", "soon"},
		{"negative retry_after", "retry_after -5", "-5"},
		{"fractional retry_after", "retry_after 1.5", "1.5"},
		{"retry_after without argument", "retry_after", "retry_after"},
		{"retry_after with two arguments", "retry_after 5 10", "10"},
		{"newline in www_authenticate", "www_authenticate \"Basic\nrealm\"", "Basic\nrealm"},
		{"NUL in proxy_authenticate", "proxy_authenticate \"Basic\x00realm\"", "Basic\x00realm"},
		{"trailing space in www_authenticate", `www_authenticate "Basic "`, "Basic "},
		{"empty www_authenticate", `www_authenticate ""`, `""`},
		{"www_authenticate without argument", "www_authenticate", "www_authenticate"},
		{"www_authenticate with two arguments", "www_authenticate Basic realm=x", "realm=x"},
		{"proxy_authenticate without argument", "proxy_authenticate", "proxy_authenticate"},
		{"bad protocol", "upgrade h2c/", "h2c/"},
		{"upgrade without protocols", "upgrade", "upgrade"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := caddyfile.NewTestDispenser("normalize {\n\t" + c.block + "\n}")
			var h Handler
			err := h.UnmarshalCaddyfile(d)
			if err == nil {
				t.Fatalf("no error; got %+v", h)
			}
			msg := err.Error()
			if !strings.Contains(msg, c.token) && !strings.Contains(msg, strconv.Quote(c.token)) {
				t.Errorf("error %q does not name %q", msg, c.token)
			}
		})
	}
	t.Run("arguments on the directive line", func(t *testing.T) {
		d := caddyfile.NewTestDispenser("normalize extra")
		var h Handler
		err := h.UnmarshalCaddyfile(d)
		if err == nil || !strings.Contains(err.Error(), "extra") {
			t.Errorf("error %v, want one naming extra", err)
		}
	})
	t.Run("through the adapter", func(t *testing.T) {
		_, _, err := caddyconfig.GetAdapter("caddyfile").Adapt([]byte(":8080 {\n\tnormalize {\n\t\trule nope enforce\n\t}\n}\n"), nil)
		if err == nil || !strings.Contains(err.Error(), "nope") {
			t.Errorf("error %v, want one naming nope", err)
		}
	})
}

// TestValidateJSON: the JSON configuration is checked as strictly as the
// Caddyfile.
func TestValidateJSON(t *testing.T) {
	bad := []struct {
		name  string
		h     Handler
		token string
	}{
		{"unknown rule", Handler{Rules: map[string]string{"nope": "enforce"}}, "nope"},
		{"unknown action", Handler{Rules: map[string]string{"allow-missing": "loud"}}, "loud"},
		{"unknown mode", Handler{Mode: "loud"}, "loud"},
		{"mode off", Handler{Mode: "off"}, "off"},
		{"bad method", Handler{Allow: []string{"PO ST"}}, "PO ST"},
		{"bad challenge", Handler{WWWAuthenticate: "Basic\r\nX-Injected: 1"}, "Basic\r\nX-Injected: 1"},
		{"bad proxy challenge", Handler{ProxyAuthenticate: "Basic\x00"}, "Basic\x00"},
		{"bad protocol", Handler{Upgrade: []string{"web socket"}}, "web socket"},
		{"negative retry_after", Handler{RetryAfter: -1}, "-1"},
		{"retry_after in nanoseconds", Handler{RetryAfter: 120}, "120ns"},
		{"replace_errors 2xx", Handler{ReplaceErrors: []string{"2xx"}}, "2xx"},
		{"replace_errors 101", Handler{ReplaceErrors: []string{"5xx", "101"}}, "101"},
		{"replace_errors 304", Handler{ReplaceErrors: []string{"304"}}, "304"},
		{"error_page 3xx", Handler{ErrorPages: map[string]string{"3xx": "/x.html"}}, "3xx"},
		{"error_page 200", Handler{ErrorPages: map[string]string{"200": "/x.html"}}, "200"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			err := c.h.Validate()
			if err == nil {
				t.Fatal("Validate passed")
			}
			if msg := err.Error(); !strings.Contains(msg, c.token) && !strings.Contains(msg, strconv.Quote(c.token)) {
				t.Errorf("error %q does not name %q", msg, c.token)
			}
		})
	}
	good := []Handler{
		{},
		{Mode: "enforce"},
		{Mode: "report", Rules: map[string]string{"allow-missing": "enforce", "date-invalid": "off", "status-invalid": "report"}},
		{Allow: []string{"GET", "HEAD"}, WWWAuthenticate: `Basic realm="app"`, ProxyAuthenticate: "Basic", Upgrade: []string{"HTTP/2.0"}, RetryAfter: caddy.Duration(120 * time.Second)},
		{RetryAfter: caddy.Duration(time.Second), ReplaceErrors: []string{"4xx", "5xx", "404", "599"}, ErrorPages: map[string]string{"4xx": "/a.html", "503": "/b.html"}},
		{Mode: "report", Rules: map[string]string{"replace-errors": "enforce"}, ReplaceErrors: []string{"5xx"}},
	}
	for i, h := range good {
		if err := h.Validate(); err != nil {
			t.Errorf("good config %d (%+v): %v", i, h, err)
		}
	}
	// Every rule ID the documentation lists is accepted.
	for _, id := range []string{"status-invalid", "content-forbidden", "reset-content", "head-content",
		"allow-missing", "www-authenticate-missing", "proxy-authenticate-missing", "upgrade-missing",
		"retry-after-missing", "retry-after-invalid", "location-invalid", "location-missing",
		"content-range-missing", "date-invalid"} {
		h := Handler{Rules: map[string]string{id: "report"}}
		if err := h.Validate(); err != nil {
			t.Errorf("rule %s: %v", id, err)
		}
	}
}
