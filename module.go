// Package caddynormalize is the Caddy adapter of the normalize engine: the
// HTTP handler http.handlers.normalize, its Caddyfile directive normalize,
// its metrics, and the admin API module admin.api.normalize.
//
// Build Caddy with it:
//
//	xcaddy build --with github.com/respnorm/caddy-normalize
package caddynormalize

import (
	"fmt"
	"net/http"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/httpcaddyfile"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
	"go.uber.org/zap"

	"github.com/respnorm/caddy-normalize/normalize"
	"github.com/respnorm/caddy-normalize/responses"
)

func init() {
	caddy.RegisterModule(Handler{})
	httpcaddyfile.RegisterHandlerDirective("normalize", parseCaddyfile)
	// Ahead of every directive that writes or wraps a response (header,
	// redir, basic_auth, encode, respond, reverse_proxy, file_server...),
	// so that normalize sees, and fixes, what they send.
	httpcaddyfile.RegisterDirectiveOrder("normalize", httpcaddyfile.Before, "header")
}

// Handler rewrites the responses of the handlers after it in the route
// toward HTTP semantics (RFC 9110) as they stream: it adds the header
// fields a status requires, drops content where none may be, repairs
// malformed fields, and answers an invalid status with 502 Bad Gateway.
// Each fix is a rule, named by a stable ID, that can be enforced, only
// reported, or turned off. Every violation is logged and counted in the
// metric caddy_normalize_violations_total{rule,action}.
type Handler struct {
	// Mode is the action of every rule that Rules does not name:
	// "enforce" (the default) fixes what a response breaks and reports it;
	// "report" only logs and counts it, changing nothing, which is how to
	// audit a service before switching fixes on.
	Mode string `json:"mode,omitempty"`

	// Rules sets the action of individual rules, by rule ID: "enforce",
	// "report" or "off". The IDs are status-invalid, content-forbidden,
	// reset-content, head-content, allow-missing, www-authenticate-missing,
	// proxy-authenticate-missing, upgrade-missing, retry-after-missing,
	// retry-after-invalid, location-invalid, location-missing,
	// content-range-missing and date-invalid.
	Rules map[string]string `json:"rules,omitempty"`

	// Allow lists the methods of the Allow field added to a 405 Method Not
	// Allowed, or to a successful response to OPTIONS, that lacks one.
	// Without it such responses are only reported: no method list is
	// invented.
	Allow []string `json:"allow,omitempty"`

	// WWWAuthenticate is the challenge added to a 401 Unauthorized that
	// lacks one, e.g. `Basic realm="app"`. Without it, reported only.
	WWWAuthenticate string `json:"www_authenticate,omitempty"`

	// ProxyAuthenticate is the challenge added to a 407 Proxy
	// Authentication Required that lacks one. Without it, reported only.
	ProxyAuthenticate string `json:"proxy_authenticate,omitempty"`

	// Upgrade lists the protocols of the Upgrade field added to a 426
	// Upgrade Required that lacks one. Without it, reported only.
	Upgrade []string `json:"upgrade,omitempty"`

	// RetryAfter, in seconds, is the Retry-After added to a 503 Service
	// Unavailable or 429 Too Many Requests that lacks one, and the value
	// that replaces a malformed Retry-After. Without it, a missing
	// Retry-After is reported only and a malformed one is removed.
	RetryAfter int `json:"retry_after,omitempty"`

	norm   *normalize.Normalizer
	logger *zap.Logger
}

// CaddyModule returns the Caddy module information.
func (Handler) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "http.handlers.normalize",
		New: func() caddy.Module { return new(Handler) },
	}
}

// Provision sets up the handler.
func (h *Handler) Provision(ctx caddy.Context) error {
	h.logger = sampledLogger(ctx.Logger())
	if err := registerMetrics(ctx.GetMetricsRegistry()); err != nil {
		return err
	}
	opts, err := h.options()
	if err != nil {
		return err
	}
	opts.OnViolation = h.onViolation
	h.norm, err = normalize.New(opts)
	return err
}

// Validate checks the configuration.
func (h *Handler) Validate() error {
	_, err := h.options()
	if err != nil {
		return err
	}
	return nil
}

// options turns the JSON configuration into the engine's Options, and
// fails on anything the engine could not use.
func (h *Handler) options() (normalize.Options, error) {
	var opts normalize.Options
	if h.Mode != "" {
		a, err := parseMode(h.Mode)
		if err != nil {
			return opts, err
		}
		opts.Default = a
	}
	if len(h.Rules) > 0 {
		opts.Actions = make(map[responses.Rule]normalize.Action, len(h.Rules))
		for id, action := range h.Rules {
			r, ok := responses.ParseRule(id)
			if !ok {
				return opts, fmt.Errorf("unknown rule %q", id)
			}
			a, err := normalize.ParseAction(action)
			if err != nil {
				return opts, fmt.Errorf("rule %s: %v", id, err)
			}
			opts.Actions[r] = a
		}
	}
	if h.RetryAfter < 0 {
		return opts, fmt.Errorf("retry_after: %d is negative", h.RetryAfter)
	}
	opts.Allow = h.Allow
	opts.WWWAuthenticate = h.WWWAuthenticate
	opts.ProxyAuthenticate = h.ProxyAuthenticate
	opts.Upgrade = h.Upgrade
	opts.RetryAfter = time.Duration(h.RetryAfter) * time.Second
	// normalize.New validates the field values; run it for its verdict.
	if _, err := normalize.New(opts); err != nil {
		return opts, err
	}
	return opts, nil
}

// parseMode parses the mode: "enforce" or "report".
func parseMode(s string) (normalize.Action, error) {
	switch s {
	case "enforce":
		return normalize.Enforce, nil
	case "report":
		return normalize.Report, nil
	}
	return 0, fmt.Errorf("unknown mode %q: want enforce or report", s)
}

// ServeHTTP serves the request through the rest of the route, normalising
// the response as it is written.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request, next caddyhttp.Handler) error {
	nw := h.norm.Wrap(w, r)
	defer h.norm.Release(nw)
	return next.ServeHTTP(nw, r)
}

// Interface guards.
var (
	_ caddy.Provisioner           = (*Handler)(nil)
	_ caddy.Validator             = (*Handler)(nil)
	_ caddyhttp.MiddlewareHandler = (*Handler)(nil)
)
