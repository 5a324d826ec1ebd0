package caddynormalize

import (
	"time"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	"github.com/caddyserver/caddy/v2/caddyconfig/httpcaddyfile"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/respnorm/caddy-normalize/maintenance"
	"github.com/respnorm/caddy-normalize/normalize"
	"github.com/respnorm/caddy-normalize/responses"
)

func parseCaddyfile(h httpcaddyfile.Helper) (caddyhttp.MiddlewareHandler, error) {
	n := new(Handler)
	err := n.UnmarshalCaddyfile(h.Dispenser)
	return n, err
}

// UnmarshalCaddyfile sets up the handler from Caddyfile tokens. Syntax:
//
//	normalize [<matcher>] {
//		mode enforce|report
//		rule <rule-id> enforce|report|off
//		allow <method...>
//		learn_allow off|[on] {
//			size <resources>
//			ttl <duration>
//		}
//		www_authenticate <challenge>
//		proxy_authenticate <challenge>
//		upgrade <protocol...>
//		retry_after <duration|seconds>
//		default_content_type <media-type>
//		upstream_errors handle|pass
//		replace_errors <code|class...>
//		error_format auto|problem|json|html|text
//		error_page <code|class> <file>
//		maintenance {
//			enabled
//			file <path>
//			window <start> <end>
//			retry_after <duration|seconds>
//			allow_ip <cidr...>
//			except <path-pattern...>
//			message <text>
//			name <id>
//			page <file>
//			shared
//		}
//	}
//
// retry_after takes a Caddy duration (2m, 90s, 1h30m) or a plain number
// of seconds (120). replace_errors and error_page take error statuses
// only: codes from 400 to 599 and the classes 4xx and 5xx. rule also
// takes replace-errors, the action of replace_errors.
//
// With no block, every rule that can repair without a configured value is
// enforced, and the others are reported: those that need a value
// (allow-missing and options-allow-missing need allow,
// www-authenticate-missing www_authenticate, proxy-authenticate-missing
// proxy_authenticate, upgrade-missing upgrade, retry-after-missing
// retry_after) and those a proxy cannot repair. An unknown rule ID is
// refused with the list of valid ones (see the README's rules table).
// default_content_type is the type content-type-missing gives content
// without one, in place of application/octet-stream; quote a type with
// parameters: default_content_type "text/plain; charset=utf-8".
func (h *Handler) UnmarshalCaddyfile(d *caddyfile.Dispenser) error {
	d.Next() // consume directive name
	if d.NextArg() {
		return d.ArgErr()
	}
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		switch d.Val() {
		case "mode":
			if !d.NextArg() {
				return d.ArgErr()
			}
			if _, err := parseMode(d.Val()); err != nil {
				return d.Errf("mode: %v", err)
			}
			h.Mode = d.Val()
			if d.NextArg() {
				return d.ArgErr()
			}

		case "rule":
			args := d.RemainingArgs()
			if len(args) != 2 {
				return d.Errf("rule: want <rule-id> enforce|report|off, got %d arguments", len(args))
			}
			if _, err := normalize.ParseRule(args[0]); err != nil {
				if _, ok := normalize.ParseGeneratedRule(args[0]); !ok {
					return d.Errf("rule: %v", err)
				}
			}
			if _, err := normalize.ParseAction(args[1]); err != nil {
				return d.Errf("rule %s: %v", args[0], err)
			}
			if h.Rules == nil {
				h.Rules = make(map[string]string)
			}
			h.Rules[args[0]] = args[1]

		case "allow":
			args := d.RemainingArgs()
			if len(args) == 0 {
				return d.ArgErr()
			}
			for _, m := range args {
				if !responses.ValidToken(m) {
					return d.Errf("allow: %q is not a method token", m)
				}
			}
			h.Allow = append(h.Allow, args...)

		case "learn_allow":
			if h.LearnAllow != nil {
				return d.Errf("learn_allow is given twice")
			}
			l, err := unmarshalLearnAllow(d)
			if err != nil {
				return err
			}
			h.LearnAllow = l

		case "www_authenticate", "proxy_authenticate":
			name := d.Val()
			if !d.NextArg() {
				return d.ArgErr()
			}
			v := d.Val()
			if v == "" || !responses.ValidFieldValue(v) {
				return d.Errf("%s: %q is not a valid header field value", name, v)
			}
			if name == "www_authenticate" {
				h.WWWAuthenticate = v
			} else {
				h.ProxyAuthenticate = v
			}
			if d.NextArg() {
				return d.ArgErr()
			}

		case "upgrade":
			args := d.RemainingArgs()
			if len(args) == 0 {
				return d.ArgErr()
			}
			for _, p := range args {
				if !responses.ValidProtocol(p) {
					return d.Errf("upgrade: %q is not a valid protocol", p)
				}
			}
			h.Upgrade = append(h.Upgrade, args...)

		case "retry_after":
			if !d.NextArg() {
				return d.ArgErr()
			}
			dur, err := parseRetryAfter(d.Val())
			if err == nil {
				err = checkRetryAfter(time.Duration(dur))
			}
			if err != nil {
				return d.Errf("retry_after %q: %v", d.Val(), err)
			}
			h.RetryAfter = dur
			if d.NextArg() {
				return d.ArgErr()
			}

		case "default_content_type":
			if !d.NextArg() {
				return d.ArgErr()
			}
			if err := normalize.CheckDefaultContentType(d.Val()); err != nil || d.Val() == "" {
				return d.Errf("default_content_type: %q is not a media type (type/subtype, optionally with parameters)", d.Val())
			}
			h.DefaultContentType = d.Val()
			if d.NextArg() {
				return d.ArgErr()
			}

		case "upstream_errors":
			if !d.NextArg() {
				return d.ArgErr()
			}
			switch d.Val() {
			case "handle", "pass":
				h.UpstreamErrors = d.Val()
			default:
				return d.Errf("upstream_errors: unknown value %q: want handle or pass", d.Val())
			}
			if d.NextArg() {
				return d.ArgErr()
			}

		case "replace_errors":
			args := d.RemainingArgs()
			if len(args) == 0 {
				return d.ArgErr()
			}
			for _, p := range args {
				if _, _, err := normalize.ParseErrorStatusPattern(p); err != nil {
					return d.Errf("replace_errors: %v", err)
				}
			}
			h.ReplaceErrors = append(h.ReplaceErrors, args...)

		case "error_format":
			if !d.NextArg() {
				return d.ArgErr()
			}
			if _, err := responses.ParseFormat(d.Val()); err != nil {
				return d.Errf("error_format %q: %v", d.Val(), err)
			}
			h.ErrorFormat = d.Val()
			if d.NextArg() {
				return d.ArgErr()
			}

		case "error_page":
			args := d.RemainingArgs()
			if len(args) != 2 {
				return d.Errf("error_page: want <code|class> <file>, got %d arguments", len(args))
			}
			if _, _, err := normalize.ParseErrorStatusPattern(args[0]); err != nil {
				return d.Errf("error_page: %v", err)
			}
			if h.ErrorPages == nil {
				h.ErrorPages = make(map[string]string)
			}
			h.ErrorPages[args[0]] = args[1]

		case "maintenance":
			if d.NextArg() {
				return d.ArgErr()
			}
			m, err := unmarshalMaintenance(d)
			if err != nil {
				return err
			}
			h.Maintenance = m

		default:
			return d.Errf("unrecognized subdirective %q", d.Val())
		}
	}
	return nil
}

// unmarshalMaintenance parses the block of the maintenance sub-directive.
// Each sub-directive but window, allow_ip and except is given once.
func unmarshalMaintenance(d *caddyfile.Dispenser) (*Maintenance, error) {
	m := new(Maintenance)
	seen := map[string]bool{}
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		key := d.Val()
		switch key {
		case "enabled", "shared", "file", "message", "name", "page", "retry_after":
			if seen[key] {
				return nil, d.Errf("maintenance: %s is given twice", key)
			}
			seen[key] = true
		}
		switch key {
		case "enabled", "shared":
			if d.NextArg() {
				return nil, d.ArgErr()
			}
			if key == "enabled" {
				m.Enabled = true
			} else {
				m.Shared = true
			}

		case "file", "message", "name", "page", "retry_after":
			if !d.NextArg() {
				return nil, d.ArgErr()
			}
			v := d.Val()
			if d.NextArg() {
				return nil, d.ArgErr()
			}
			switch key {
			case "file":
				m.File = v
			case "message":
				m.Message = v
			case "name":
				if err := maintenance.CheckName(v); err != nil {
					return nil, d.Errf("maintenance: %v", err)
				}
				m.Name = v
			case "page":
				m.Page = v
			case "retry_after":
				ra, err := parseRetryAfter(v)
				if err == nil {
					err = checkRetryAfter(time.Duration(ra))
				}
				if err != nil {
					return nil, d.Errf("maintenance: retry_after: %v", err)
				}
				m.RetryAfter = ra
			}

		case "window":
			args := d.RemainingArgs()
			if len(args) != 2 {
				return nil, d.Errf("maintenance: window: want <start> <end> in RFC 3339, got %d arguments", len(args))
			}
			var w Window
			var err error
			if w.Start, err = time.Parse(time.RFC3339, args[0]); err != nil {
				return nil, d.Errf("maintenance: window start %q is not an RFC 3339 time", args[0])
			}
			if w.End, err = time.Parse(time.RFC3339, args[1]); err != nil {
				return nil, d.Errf("maintenance: window end %q is not an RFC 3339 time", args[1])
			}
			if !w.End.After(w.Start) {
				return nil, d.Errf("maintenance: window end %q is not after its start %q", args[1], args[0])
			}
			m.Windows = append(m.Windows, w)

		case "allow_ip":
			args := d.RemainingArgs()
			if len(args) == 0 {
				return nil, d.ArgErr()
			}
			for _, a := range args {
				if _, err := parsePrefix(a); err != nil {
					return nil, d.Errf("maintenance: allow_ip: %v", err)
				}
			}
			m.AllowIP = append(m.AllowIP, args...)

		case "except":
			args := d.RemainingArgs()
			if len(args) == 0 {
				return nil, d.ArgErr()
			}
			m.Except = append(m.Except, args...)

		default:
			return nil, d.Errf("maintenance: unrecognized subdirective %q; want enabled, file, window, retry_after, allow_ip, except, message, name, page or shared", key)
		}
	}
	return m, nil
}

// Interface guard.
var _ caddyfile.Unmarshaler = (*Handler)(nil)
