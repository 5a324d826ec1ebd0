// Package caddynormalize is the Caddy adapter of the normalize engine: the
// HTTP handler http.handlers.normalize, its Caddyfile directive normalize,
// its metrics, and the admin API module admin.api.normalize.
//
// Build Caddy with it:
//
//	xcaddy build --with github.com/respnorm/caddy-normalize
package caddynormalize

import (
	"context"
	"fmt"
	"html/template"
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
// metric caddy_normalize_violations_total{server,rule,action,level}, where
// server is the name of the Caddy server, as in Caddy's HTTP metrics, and level
// is the rule's requirement level (MUST, SHOULD, or MAY for an advisory,
// which is not a violation but is counted the same way).
type Handler struct {
	// Mode is the action of every rule that Rules does not name:
	// "enforce" (the default) fixes what a response breaks and reports it;
	// "report" only logs and counts it, changing nothing, which is how to
	// audit a service before switching fixes on.
	Mode string `json:"mode,omitempty"`

	// Rules sets the action of individual rules, by rule ID: "enforce",
	// "report" or "off". The IDs (normalize.RuleIDs;
	// TestHandlerDocListsRules keeps this list in step) are
	// accept-ranges-invalid, age-invalid, allow-invalid,
	// allow-lists-refused, allow-missing, cache-control-conflict,
	// cache-control-extension-invalid, cache-control-invalid,
	// cache-control-list-unquoted, cache-control-max-age-quoted,
	// cache-control-must-understand, cache-status-invalid,
	// content-encoding-identity, content-encoding-invalid,
	// content-encoding-unaccepted, content-forbidden,
	// content-location-invalid, content-range-416-missing,
	// content-range-invalid, content-range-missing, content-type-invalid,
	// content-type-missing, date-invalid, etag-invalid, expires-invalid,
	// field-repeated, head-content, http-date-obsolete, interim-http10,
	// last-modified-future, last-modified-invalid, link-451-missing,
	// link-invalid, list-empty-elements, location-invalid, location-missing,
	// multipart-byteranges-invalid, not-modified-metadata,
	// options-allow-missing, proxy-authenticate-invalid,
	// proxy-authenticate-missing, proxy-status-invalid,
	// request-field-in-response, reset-content, retry-after-413-missing,
	// retry-after-invalid, retry-after-missing, server-detail,
	// set-cookie-cacheable, set-cookie-expires-date, set-cookie-invalid,
	// set-cookie-repeated, status-deprecated, status-invalid,
	// switching-protocols-upgrade-missing, upgrade-missing,
	// upgrade-not-offered, vary-invalid, vary-missing, via-invalid,
	// www-authenticate-invalid and www-authenticate-missing; and
	// replace-errors, the action of ReplaceErrors (reported: nothing is
	// replaced, what would have been is counted and logged).
	Rules map[string]string `json:"rules,omitempty"`

	// Allow lists the methods of the Allow field added to a 405 Method Not
	// Allowed, or to a successful response to OPTIONS, that lacks one.
	// Allow describes one resource: the list added to a 405 never names
	// the refused method (nor HEAD when GET is refused, nor GET when HEAD
	// is), and when nothing is left the 405 is only reported. Give each
	// route its own list with a matcher. Without it such responses are
	// only reported: no method list is invented.
	Allow []string `json:"allow,omitempty"`

	// LearnAllow configures the learned Allow (on by default): the Allow
	// added is what the origin said of the resource, less the methods it
	// refused there. See LearnAllow.
	LearnAllow *LearnAllow `json:"learn_allow,omitempty"`

	// WWWAuthenticate is the challenge added to a 401 Unauthorized that
	// lacks one, e.g. `Basic realm="app"`. Without it, reported only.
	WWWAuthenticate string `json:"www_authenticate,omitempty"`

	// ProxyAuthenticate is the challenge added to a 407 Proxy
	// Authentication Required that lacks one. Without it, reported only.
	ProxyAuthenticate string `json:"proxy_authenticate,omitempty"`

	// Upgrade lists the protocols of the Upgrade field added, with
	// Connection: upgrade, to a 426 Upgrade Required that lacks one, over
	// HTTP/1.x; over HTTP/2 and HTTP/3 Upgrade is forbidden and the 426 is
	// only reported. Without it, reported only.
	Upgrade []string `json:"upgrade,omitempty"`

	// RetryAfter is the delay of the Retry-After (in whole seconds,
	// rounded up) added to a 503 Service Unavailable or 429 Too Many
	// Requests that lacks one, and the value that replaces a malformed
	// Retry-After. Like every duration in Caddy's JSON it is a duration
	// string ("2m", "90s", "1h30m") or an integer of nanoseconds; it must
	// be zero or from one second to ten years. Without it, a missing
	// Retry-After is reported only and a malformed one is removed.
	RetryAfter caddy.Duration `json:"retry_after,omitempty"`

	// DefaultContentType is the media type, e.g. "text/plain;
	// charset=utf-8", that content-type-missing gives content sent
	// without a Content-Type (with X-Content-Type-Options: nosniff).
	// Without it, such content is labelled application/octet-stream.
	DefaultContentType string `json:"default_content_type,omitempty"`

	// UpstreamErrors says what becomes of an upstream's failure that
	// reverse_proxy returns as an error (refused, unreachable, timed out,
	// malformed response): "handle" (the default) answers it with a clean
	// 502 Bad Gateway or 504 Gateway Timeout (a connect timeout too), or
	// 503 with Retry-After for "no upstreams available", in the client's
	// format and with nothing internal in it, and logs the cause; "pass"
	// returns the error unchanged, for the site's handle_errors.
	UpstreamErrors string `json:"upstream_errors,omitempty"`

	// ReplaceErrors lists the error statuses, codes from 400 to 599
	// ("404") or the classes "4xx" and "5xx", whose body is replaced by a
	// generated one: the upstream's body is dropped as it streams, with
	// its Content-Length, Content-Encoding, Content-Type, ETag and
	// trailers, and the status and other fields are kept. It is the rule
	// replace-errors: in report mode, or with that rule set to report,
	// nothing is replaced. Empty (the default): no body is replaced.
	ReplaceErrors []string `json:"replace_errors,omitempty"`

	// ErrorFormat is the format of generated bodies: "auto" (the default)
	// negotiates on the request's Accept between problem+json, JSON, HTML
	// and plain text; "problem", "json", "html" or "text" fix it.
	ErrorFormat string `json:"error_format,omitempty"`

	// ErrorPages maps an error status code ("502") or class ("4xx",
	// "5xx") to an HTML
	// template file (Go's html/template) used in place of the generated
	// HTML page, for clients that take HTML. The template gets .Status,
	// .Reason, .RequestID, .RetryAfter and .Message, escaped. A code
	// overrides its class.
	ErrorPages map[string]string `json:"error_pages,omitempty"`

	// Maintenance configures maintenance mode: 503 with Retry-After for
	// every request, switched by config, a file, time windows or the
	// admin API, with bypasses for client addresses and paths.
	Maintenance *Maintenance `json:"maintenance,omitempty"`

	norm      *normalize.Normalizer
	maintPage *template.Template
	format    responses.Format
	pages     map[int]*template.Template
	site      *siteCounts // the counts of the handler's server; nil: the request's
	logger    *zap.Logger // sampled: violations
	errLogger *zap.Logger // upstream failures
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
	h.errLogger = ctx.Logger()
	h.logger = sampledLogger(h.errLogger)
	if err := registerMetrics(ctx.GetMetricsRegistry()); err != nil {
		return err
	}
	// Caddy provisions a server's handlers with the server in the
	// context: the handler counts in its server's series.
	if name := serverName(ctx); name != "" {
		h.site = siteFor(name)
	}
	opts, err := h.options()
	if err != nil {
		return err
	}
	h.format = opts.ErrorFormat
	if h.pages, err = loadErrorPages(h.ErrorPages); err != nil {
		return err
	}
	opts.LearnAllow = h.LearnAllow.learner() // fresh on each load
	opts.OnViolation = h.onViolation
	opts.OnGenerated = h.onGenerated
	opts.AbortDroppedBody = true
	opts.WriteError = func(w http.ResponseWriter, r *http.Request, code int, replaced string) {
		h.writeError(w, r, code, "", replaced)
	}
	if h.norm, err = normalize.New(opts); err != nil {
		return err
	}
	if h.Maintenance != nil {
		return h.provisionMaintenance(ctx)
	}
	return nil
}

// provisionMaintenance sets up maintenance mode and starts watching its
// switches.
func (h *Handler) provisionMaintenance(ctx caddy.Context) error {
	m := h.Maintenance
	if err := m.validate(); err != nil {
		return err
	}
	if m.Page != "" {
		pages, err := loadErrorPages(map[string]string{"503": m.Page})
		if err != nil {
			return fmt.Errorf("maintenance: page: %v", err)
		}
		h.maintPage = pages[http.StatusServiceUnavailable]
	}
	return m.provision(ctx, h.errLogger)
}

// Cleanup releases the handler's hold on the state of its maintenance
// name.
func (h *Handler) Cleanup() error {
	if h.Maintenance != nil {
		h.Maintenance.release()
	}
	return nil
}

// Validate checks the configuration.
func (h *Handler) Validate() error {
	opts, err := h.options()
	if err != nil {
		return err
	}
	// The engine checks the field values it is given.
	if _, err = normalize.New(opts); err != nil {
		return err
	}
	if h.Maintenance != nil {
		return h.Maintenance.validate()
	}
	return nil
}

// options turns the JSON configuration into the engine's Options; the
// engine's New checks the field values.
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
		opts.Actions = make(map[normalize.Rule]normalize.Action, len(h.Rules))
		for id, action := range h.Rules {
			a, err := normalize.ParseAction(action)
			if err != nil {
				return opts, fmt.Errorf("rule %s: %v", id, err)
			}
			if g, ok := normalize.ParseGeneratedRule(id); ok {
				if opts.GeneratedActions == nil {
					opts.GeneratedActions = make(map[normalize.GeneratedRule]normalize.Action)
				}
				opts.GeneratedActions[g] = a
				continue
			}
			r, err := normalize.ParseRule(id)
			if err != nil {
				return opts, fmt.Errorf("rules: %v", err)
			}
			opts.Actions[r] = a
		}
	}
	if err := checkRetryAfter(time.Duration(h.RetryAfter)); err != nil {
		return opts, err
	}
	if err := h.LearnAllow.validate(); err != nil {
		return opts, err
	}
	opts.Allow = h.Allow
	opts.WWWAuthenticate = h.WWWAuthenticate
	opts.ProxyAuthenticate = h.ProxyAuthenticate
	opts.Upgrade = h.Upgrade
	opts.RetryAfter = time.Duration(h.RetryAfter)
	if err := normalize.CheckDefaultContentType(h.DefaultContentType); err != nil {
		return opts, err
	}
	opts.DefaultContentType = h.DefaultContentType
	switch h.UpstreamErrors {
	case "", "handle", "pass":
	default:
		return opts, fmt.Errorf("upstream_errors: unknown value %q: want handle or pass", h.UpstreamErrors)
	}
	opts.ReplaceErrors = h.ReplaceErrors
	if h.ErrorFormat != "" {
		f, err := responses.ParseFormat(h.ErrorFormat)
		if err != nil {
			return opts, fmt.Errorf("error_format %q: %v", h.ErrorFormat, err)
		}
		opts.ErrorFormat = f
	}
	for pattern := range h.ErrorPages {
		if _, _, err := normalize.ParseErrorStatusPattern(pattern); err != nil {
			return opts, fmt.Errorf("error_page: %v", err)
		}
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
	if m := h.Maintenance; m != nil {
		if s := m.current(); s.On && !m.bypass(r) {
			h.serveMaintenance(w, r, s)
			return nil
		}
	}
	var cancel context.CancelFunc
	if len(h.ReplaceErrors) > 0 {
		// A replaced body is dropped: cancel the request's context once
		// the replacement is sent, so that reverse_proxy stops waiting
		// for an upstream that stalls before its next bytes. Only here:
		// the clean path of a route without replace_errors allocates
		// nothing.
		var ctx context.Context
		ctx, cancel = context.WithCancel(r.Context())
		defer cancel()
		r = r.WithContext(ctx)
	}
	nw := h.norm.Wrap(w, r)
	defer h.norm.Release(nw)
	if cancel != nil {
		nw.SetAbort(cancel)
	}
	// Once a response is generated in place, the handler's writes fail
	// (AbortDroppedBody), and reverse_proxy, which then stops reading its
	// upstream's dropped body, aborts with http.ErrAbortHandler. The
	// client's response is complete: return normally, so that the
	// server ends it (HTTP/2 ends a stream only when the handler returns)
	// rather than resetting it. Any other panic goes on.
	defer func() {
		if nw.Generated() {
			if v := recover(); v != nil && v != http.ErrAbortHandler {
				panic(v)
			}
		}
	}()
	err := next.ServeHTTP(nw, r)
	if err == nil || nw.WroteHeader() || h.UpstreamErrors == "pass" {
		return err
	}
	if h.handleUpstreamError(nw, r, err) {
		return nil
	}
	return err
}

// Interface guards.
var (
	_ caddy.Provisioner           = (*Handler)(nil)
	_ caddy.Validator             = (*Handler)(nil)
	_ caddy.CleanerUpper          = (*Handler)(nil)
	_ caddyhttp.MiddlewareHandler = (*Handler)(nil)
)
