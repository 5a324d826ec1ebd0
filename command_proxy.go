package caddynormalize

import (
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig"
	"github.com/caddyserver/caddy/v2/caddyconfig/httpcaddyfile"
	caddycmd "github.com/caddyserver/caddy/v2/cmd"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp/reverseproxy"
	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"github.com/respnorm/caddy-normalize/responses"
)

// proxyCommand is caddy normalize proxy.
func proxyCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "proxy [--from <addr>] --to <addr> [--allow <methods>] [--report]",
		Short: "A reverse proxy with normalize in front, for a first look at a legacy service",
		Long: `
The counterpart of caddy reverse-proxy with the normalize handler in front
of reverse_proxy: every response from the --to address leaves repaired
toward RFC 9110 (or, with --report, only logged and counted), without a
Caddyfile. Addresses are read as caddy reverse-proxy reads them: a --from
with a host other than on port 80 is served over HTTPS.

  --allow lists the methods of the Allow field added to a 405, or to a
    successful answer to OPTIONS, that lacks one (comma-separated or
    repeated); without it such responses are only reported.
  --report reports every violation and changes nothing.
`,
		Example: `  caddy normalize proxy --from :8080 --to localhost:8081 --allow GET,HEAD,POST`,
		Args:    cobra.NoArgs,
		RunE:    caddycmd.WrapCommandFuncForCobra(cmdProxy),
	}
	cmd.Flags().StringP("from", "f", "localhost", "Address on which to receive traffic")
	cmd.Flags().StringSliceP("to", "t", nil, "Upstream address(es) to which traffic is sent")
	cmd.Flags().StringSlice("allow", nil, "Methods of an Allow field added where one is missing")
	cmd.Flags().Bool("report", false, "Only report violations (mode report)")
	cmd.Flags().Bool("access-log", false, "Enable the access log")
	return cmd
}

func cmdProxy(fl caddycmd.Flags) (int, error) {
	caddy.TrapSignals()
	cfg, from, to, err := proxyConfig(fl)
	if err != nil {
		return caddy.ExitCodeFailedStartup, err
	}
	if err := caddy.Run(cfg); err != nil {
		return caddy.ExitCodeFailedStartup, err
	}
	caddy.Log().Info("caddy normalize proxying", zap.String("from", from), zap.Strings("to", to))
	select {}
}

// proxyConfig builds the configuration of caddy normalize proxy from its
// flags: one server with normalize then reverse_proxy.
func proxyConfig(fl caddycmd.Flags) (cfg *caddy.Config, from string, to []string, err error) {
	to, err = fl.GetStringSlice("to")
	if err != nil {
		return nil, "", nil, fmt.Errorf("invalid --to: %v", err)
	}
	if len(to) == 0 {
		return nil, "", nil, fmt.Errorf("--to is required")
	}
	allow, err := fl.GetStringSlice("allow")
	if err != nil {
		return nil, "", nil, fmt.Errorf("invalid --allow: %v", err)
	}
	for _, m := range allow {
		if !responses.ValidToken(m) {
			return nil, "", nil, fmt.Errorf("--allow: %q is not a method token", m)
		}
	}

	httpPort := strconv.Itoa(caddyhttp.DefaultHTTPPort)
	httpsPort := strconv.Itoa(caddyhttp.DefaultHTTPSPort)
	fromAddr, err := httpcaddyfile.ParseAddress(fl.String("from"))
	if err != nil {
		return nil, "", nil, fmt.Errorf("invalid --from address %q: %v", fl.String("from"), err)
	}
	if fromAddr.Path != "" {
		return nil, "", nil, fmt.Errorf("--from: paths are not allowed: %s", fl.String("from"))
	}
	if fromAddr.Scheme == "" {
		if fromAddr.Port == httpPort || fromAddr.Host == "" {
			fromAddr.Scheme = "http"
		} else {
			fromAddr.Scheme = "https"
		}
	}
	if fromAddr.Port == "" {
		fromAddr.Port = httpPort
		if fromAddr.Scheme == "https" {
			fromAddr.Port = httpsPort
		}
	}

	var pool reverseproxy.UpstreamPool
	var tlsUpstream bool
	for i, t := range to {
		a, err := httpcaddyfile.ParseAddress(t)
		if err != nil || a.Path != "" || (a.Scheme != "" && a.Scheme != "http" && a.Scheme != "https") {
			return nil, "", nil, fmt.Errorf("invalid --to address %q: want [http://|https://]host:port", t)
		}
		if i > 0 && (a.Scheme == "https") != tlsUpstream {
			return nil, "", nil, fmt.Errorf("--to %q: upstreams cannot mix http and https", t)
		}
		tlsUpstream = a.Scheme == "https"
		port := a.Port
		if port == "" {
			port = httpPort
			if tlsUpstream {
				port = httpsPort
			}
		}
		pool = append(pool, &reverseproxy.Upstream{Dial: net.JoinHostPort(a.Host, port)})
		to[i] = pool[i].Dial
	}
	transport := reverseproxy.HTTPTransport{}
	if tlsUpstream {
		transport.TLS = new(reverseproxy.TLSConfig)
	}
	proxy := reverseproxy.Handler{
		TransportRaw: caddyconfig.JSONModuleObject(transport, "protocol", "http", nil),
		Upstreams:    pool,
	}
	norm := Handler{Allow: allow}
	if fl.Bool("report") {
		norm.Mode = "report"
	}

	route := caddyhttp.Route{
		HandlersRaw: []json.RawMessage{
			caddyconfig.JSONModuleObject(norm, "handler", "normalize", nil),
			caddyconfig.JSONModuleObject(proxy, "handler", "reverse_proxy", nil),
		},
	}
	if fromAddr.Host != "" {
		route.MatcherSetsRaw = []caddy.ModuleMap{{
			"host": caddyconfig.JSON(caddyhttp.MatchHost{fromAddr.Host}, nil),
		}}
	}
	server := &caddyhttp.Server{
		Routes: caddyhttp.RouteList{route},
		Listen: []string{":" + fromAddr.Port},
	}
	if fl.Bool("access-log") {
		server.Logs = &caddyhttp.ServerLogConfig{}
	}
	if fromAddr.Scheme == "http" {
		server.AutoHTTPS = &caddyhttp.AutoHTTPSConfig{Disabled: true}
	}
	httpApp := caddyhttp.App{Servers: map[string]*caddyhttp.Server{"normalize": server}}

	persist := false
	cfg = &caddy.Config{
		Admin: &caddy.AdminConfig{
			Disabled: true,
			Config:   &caddy.ConfigSettings{Persist: &persist},
		},
		AppsRaw: caddy.ModuleMap{"http": caddyconfig.JSON(httpApp, nil)},
	}
	return cfg, strings.TrimPrefix(fromAddr.String(), "//"), to, nil
}
