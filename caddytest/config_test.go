package caddytest

import (
	"fmt"
	"strings"
	"testing"

	harness "github.com/caddyserver/caddy/v2/caddytest"
)

// globalOptions is the global block every test config starts with: the
// harness's ports, no trust store changes (the TLS site's certificate
// comes from Caddy's internal CA: tls internal), no HTTP->HTTPS
// redirects (the plain port serves the same site), instant shutdown of
// the old config on reload, HTTP/1.1, h2 and h3 on the HTTPS port (the
// first servers block that matches a server applies), and h2c next to
// HTTP/1.1 on every other.
const globalOptions = `{
	admin ` + adminAddr + `
	http_port 9080
	https_port 9443
	skip_install_trust
	auto_https disable_redirects
	grace_period 1ns
	servers :9443 {
		protocols h1 h2 h3
	}
	servers {
		protocols h1 h2c
	}
}
`

// tlsSite is the address of the TLS site: the port of tlsSiteAddr,
// named tlsHost.
const tlsSite = tlsHost + ":9443"

// route is one path prefix of the test site: requests for /<name>/x reach
// its handlers as /x.
type route struct {
	name string
	// normalize holds the sub-directive lines of the route's normalize
	// directive, each written as given (a quoted token may span lines);
	// a nil normalize leaves the directive out (stock Caddy).
	normalize *[]string
}

// fixture answers path with Caddy's own handlers (header, respond, ...)
// instead of the upstream, in every route, after normalize.
type fixture struct {
	path    string
	handler string // Caddyfile lines
}

// siteConfig builds a Caddyfile: the global block, and a site on :9080
// whose routes each strip their prefix, run normalize (or not), the
// fixtures, and reverse_proxy to the upstream; and the same site, route
// for route, on localhost:9443 with tls internal, so that every request
// can be made over HTTP/1.1, h2c, h2 and h3.
type siteConfig struct {
	upstream string
	routes   []route
	fixtures []fixture
}

func normalizeWith(lines ...string) *[]string {
	return &lines
}

func (c siteConfig) String() string {
	var b strings.Builder
	b.WriteString(globalOptions)
	b.WriteString("\n:9080 {\n")
	c.writeRoutes(&b)
	b.WriteString("}\n")
	b.WriteString("\n" + tlsSite + " {\n\ttls internal\n")
	c.writeRoutes(&b)
	b.WriteString("}\n")
	return b.String()
}

func (c siteConfig) writeRoutes(b *strings.Builder) {
	for _, r := range c.routes {
		fmt.Fprintf(b, "\troute /%s/* {\n\t\turi strip_prefix /%s\n", r.name, r.name)
		if r.normalize != nil {
			writeNormalize(b, "\t\t", *r.normalize)
		}
		for _, f := range c.fixtures {
			fmt.Fprintf(b, "\t\troute %s {\n%s\t\t}\n", f.path, indent(f.handler, "\t\t\t"))
		}
		if c.upstream != "" {
			fmt.Fprintf(b, "\t\treverse_proxy %s\n", c.upstream)
		}
		b.WriteString("\t}\n")
	}
}

// writeNormalize writes the directive, with a block only if it has lines.
func writeNormalize(b *strings.Builder, prefix string, lines []string) {
	if len(lines) == 0 {
		fmt.Fprintf(b, "%snormalize\n", prefix)
		return
	}
	fmt.Fprintf(b, "%snormalize {\n", prefix)
	for _, l := range lines {
		fmt.Fprintf(b, "%s\t%s\n", prefix, l)
	}
	fmt.Fprintf(b, "%s}\n", prefix)
}

func indent(lines, prefix string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimSpace(lines), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			b.WriteString(prefix + l + "\n")
		}
	}
	return b.String()
}

// startCaddy loads cfg into the test process's Caddy (starting it the
// first time) and stops the test if that failed. It returns once the
// previous config's listeners are closed, so that every connection the
// test makes reaches the config just loaded (see awaitOldListeners).
func startCaddy(t *testing.T, cfg string) *harness.Tester {
	t.Helper()
	needCaddy(t)
	before := httpListenAddrs()
	tester := harness.NewTester(t)
	tester.InitServer(cfg, "caddyfile")
	if t.Failed() {
		t.Fatalf("could not load the config:\n%s", cfg)
	}
	awaitOldListeners(t, before)
	// The old servers' connections are gone with them.
	closeTLSClients()
	if strings.Contains(cfg, "\n"+tlsSite+" {") {
		waitTLS(t)
	}
	return tester
}

// TestSiteConfigString pins the shape of the generated Caddyfile.
func TestSiteConfigString(t *testing.T) {
	cfg := siteConfig{
		upstream: "127.0.0.1:1234",
		routes: []route{
			{name: "stock"},
			{name: "enforce", normalize: normalizeWith("allow GET HEAD", "mode enforce")},
			{name: "bare", normalize: normalizeWith()},
		},
		fixtures: []fixture{{path: "/r", handler: "respond 204"}},
	}.String()
	for _, want := range []string{
		"\tadmin localhost:2999\n",
		"\tservers :9443 {\n\t\tprotocols h1 h2 h3\n\t}\n\tservers {\n\t\tprotocols h1 h2c\n\t}\n",
		"\troute /stock/* {\n\t\turi strip_prefix /stock\n\t\troute /r {\n\t\t\trespond 204\n\t\t}\n\t\treverse_proxy 127.0.0.1:1234\n\t}\n",
		"\t\tnormalize {\n\t\t\tallow GET HEAD\n\t\t\tmode enforce\n\t\t}\n",
		"\t\turi strip_prefix /bare\n\t\tnormalize\n",
		"\nlocalhost:9443 {\n\ttls internal\n\troute /stock/* {\n",
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf("config lacks %q:\n%s", want, cfg)
		}
	}
	// Both sites hold every route.
	if n := strings.Count(cfg, "\troute /enforce/* {\n"); n != 2 {
		t.Errorf("the enforce route is in %d sites, want 2:\n%s", n, cfg)
	}
}
