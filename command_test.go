package caddynormalize

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/caddyconfig"
	caddycmd "github.com/caddyserver/caddy/v2/cmd"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp/reverseproxy"

	"github.com/respnorm/caddy-normalize/audit"
)

// TestNormalizeCommand: caddy normalize is registered with its two
// subcommands.
func TestNormalizeCommand(t *testing.T) {
	c, ok := caddycmd.Commands()["normalize"]
	if !ok || c.CobraFunc == nil {
		t.Fatal("caddy normalize is not registered")
	}
	root := proxyCommand().Root() // any cobra command to hang it on
	c.CobraFunc(root)
	var subs []string
	for _, sub := range root.Commands() {
		subs = append(subs, sub.Name())
	}
	if strings.Join(subs, " ") != "audit proxy" {
		t.Errorf("subcommands %q, want audit and proxy", subs)
	}
}

// proxyJSON builds the config of caddy normalize proxy from args.
func proxyJSON(t *testing.T, args ...string) (handlers []map[string]any, srv *caddyhttp.Server, err error) {
	t.Helper()
	cmd := proxyCommand()
	if err := cmd.ParseFlags(args); err != nil {
		t.Fatal(err)
	}
	cfg, _, _, err := proxyConfig(caddycmd.Flags{FlagSet: cmd.Flags()})
	if err != nil {
		return nil, nil, err
	}
	if cfg.Admin == nil || !cfg.Admin.Disabled {
		t.Error("the admin endpoint is not disabled")
	}
	var app caddyhttp.App
	if err := json.Unmarshal(cfg.AppsRaw["http"], &app); err != nil {
		t.Fatal(err)
	}
	s := app.Servers["normalize"]
	if s == nil || len(s.Routes) != 1 {
		t.Fatalf("servers %+v", app.Servers)
	}
	for _, raw := range s.Routes[0].HandlersRaw {
		var h map[string]any
		if err := json.Unmarshal(raw, &h); err != nil {
			t.Fatal(err)
		}
		handlers = append(handlers, h)
	}
	return handlers, s, nil
}

// TestProxyConfig: normalize ahead of reverse_proxy, with the flags'
// values; addresses read as caddy reverse-proxy reads them.
func TestProxyConfig(t *testing.T) {
	hs, srv, err := proxyJSON(t, "--from", ":8080", "--to", "localhost:8081", "--allow", "GET,HEAD", "--allow", "POST")
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) != 2 || hs[0]["handler"] != "normalize" || hs[1]["handler"] != "reverse_proxy" {
		t.Fatalf("handlers %v: want normalize then reverse_proxy", hs)
	}
	if got, _ := json.Marshal(hs[0]["allow"]); string(got) != `["GET","HEAD","POST"]` || hs[0]["mode"] != nil {
		t.Errorf("normalize %v: want allow GET HEAD POST, mode enforce", hs[0])
	}
	var rp reverseproxy.Handler
	raw, _ := json.Marshal(hs[1])
	if err := json.Unmarshal(raw, &rp); err != nil {
		t.Fatal(err)
	}
	if len(rp.Upstreams) != 1 || rp.Upstreams[0].Dial != "localhost:8081" {
		t.Errorf("upstreams %+v", rp.Upstreams)
	}
	if strings.Join(srv.Listen, " ") != ":8080" || srv.AutoHTTPS == nil || !srv.AutoHTTPS.Disabled {
		t.Errorf("listen %v, auto HTTPS %+v: want :8080 over HTTP", srv.Listen, srv.AutoHTTPS)
	}

	hs, srv, err = proxyJSON(t, "--from", "app.example.com", "--to", "https://10.0.0.5", "--report")
	if err != nil {
		t.Fatal(err)
	}
	if hs[0]["mode"] != "report" || hs[0]["allow"] != nil {
		t.Errorf("normalize %v: want mode report, no allow", hs[0])
	}
	if tr, _ := json.Marshal(hs[1]["transport"]); !strings.Contains(string(tr), `"tls":{}`) || !strings.Contains(string(tr), `"protocol":"http"`) {
		t.Errorf("transport %s: want TLS to an https upstream", tr)
	}
	if got, _ := json.Marshal(hs[1]["upstreams"]); string(got) != `[{"dial":"10.0.0.5:443"}]` {
		t.Errorf("upstreams %s", got)
	}
	if strings.Join(srv.Listen, " ") != ":443" || len(srv.Routes[0].MatcherSetsRaw) != 1 {
		t.Errorf("a host --from: listen %v, matchers %v; want :443 and a host matcher", srv.Listen, srv.Routes[0].MatcherSetsRaw)
	}

	for _, args := range [][]string{
		{"--from", ":8080"},
		{"--to", "localhost:8081", "--allow", "G T"},
		{"--to", "ftp://localhost:8081"},
		{"--to", "localhost:8081/path"},
		{"--to", "localhost:8081", "--from", ":8080/path"},
		{"--to", "http://a:1", "--to", "https://b:2"},
	} {
		if _, _, err := proxyJSON(t, args...); err == nil {
			t.Errorf("proxy %q: no error", args)
		}
	}
}

// TestSuggestedAdapts: the audit's suggested block, per-path matchers,
// comments and all, is a Caddyfile that adapts to the handlers it means.
func TestSuggestedAdapts(t *testing.T) {
	res := func(url, method string, status int, fields ...string) audit.Result {
		h := http.Header{}
		for i := 0; i+1 < len(fields); i += 2 {
			h.Add(fields[i], fields[i+1])
		}
		return audit.Result{URL: url, Method: method, Response: &audit.Response{Status: status, Header: h}}
	}
	find := func(url, method string, status int, rule string) audit.Finding {
		return audit.Finding{URL: url, Method: method, Status: status, Rule: rule, Level: audit.LevelMust}
	}
	const a, b, c = "http://app:8081/items", "http://app:8081/report", "http://app:8081/login"
	rep := &audit.Report{
		Results: []audit.Result{
			res(a, "GET", 200), res(a, "HEAD", 200), res(a, "OPTIONS", 200), res(a, "DELETE", 405),
			res(b, "GET", 200), res(b, "HEAD", 200), res(b, "OPTIONS", 405, "Allow", "GET, HEAD"),
			res(c, "GET", 401), res(c, "HEAD", 401), res(c, "OPTIONS", 401),
		},
		Findings: []audit.Finding{
			find(a, "OPTIONS", 200, "allow-missing"), find(a, "DELETE", 405, "allow-missing"),
			find(b, "HEAD", 200, "head-content"),
			find(c, "GET", 401, "www-authenticate-missing"),
		},
	}
	sug := rep.Suggested()
	site := ":8080 {\n\t" + strings.ReplaceAll(strings.TrimSuffix(sug, "\n"), "\n", "\n\t") + "\n\treverse_proxy app:8081\n}\n"
	out, warnings, err := caddyconfig.GetAdapter("caddyfile").Adapt([]byte(site), nil)
	if err != nil || len(warnings) > 0 {
		t.Fatalf("the suggested block does not adapt: %v %v\n%s", err, warnings, site)
	}
	js := string(out)
	for _, want := range []string{`"allow":["GET","HEAD","OPTIONS"]`, `"path":["/items"]`, `"not":[{"path":["/items"]}]`} {
		if !strings.Contains(js, want) {
			t.Errorf("adapted config lacks %s:\n%s\n%s", want, site, js)
		}
	}
	if n := strings.Count(js, `"handler":"normalize"`); n != 2 {
		t.Errorf("%d normalize handlers, want 2 (one per matcher)\n%s", n, js)
	}
}
