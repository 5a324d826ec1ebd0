package normalize

import (
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/respnorm/caddy-normalize/responses"
)

// Action is what a Normalizer does about a broken rule.
type Action uint8

// The actions. The zero value is Enforce, the default of every rule.
const (
	// Enforce fixes the response and reports the violation.
	Enforce Action = iota
	// Report reports the violation and changes nothing.
	Report
	// Off ignores the rule.
	Off
)

// String returns "enforce", "report" or "off".
func (a Action) String() string {
	switch a {
	case Enforce:
		return "enforce"
	case Report:
		return "report"
	case Off:
		return "off"
	}
	return "unknown"
}

// ParseAction parses "enforce", "report" or "off".
func ParseAction(s string) (Action, error) {
	switch s {
	case "enforce":
		return Enforce, nil
	case "report":
		return Report, nil
	case "off":
		return Off, nil
	}
	return 0, fmt.Errorf("unknown action %q: want enforce, report or off", s)
}

// Event describes one violation a Normalizer met.
type Event struct {
	// Rule is the rule the response broke; Rule.Level() says whether it
	// is a MUST, a SHOULD or a MAY (an advisory).
	Rule Rule
	// Action is Enforce when the response was fixed, Report when it was
	// passed on as it was.
	Action Action
	// Status is the status the response was written with (before any fix).
	Status int
	// Request is the request the response answers.
	Request *http.Request
}

// Options configure a Normalizer. The zero value enforces every rule that
// needs no configured value and reports the others.
type Options struct {
	// Actions overrides the action of individual rules. A rule not listed
	// gets Default.
	Actions map[Rule]Action
	// Default is the action of every rule not in Actions.
	Default Action

	// Allow lists the methods for an Allow field added to a 405, or to a
	// 2xx response to OPTIONS, that lacks one. Allow describes one
	// resource: the list added to a 405 never names the refused method
	// (nor HEAD with GET, nor GET with HEAD). Empty: such responses are
	// only reported, since no method list can be invented.
	Allow []string
	// LearnAllow, if set, learns per resource what the origin says of its
	// methods (its Allow on a 2xx to OPTIONS or a 405, the methods it
	// refuses with 405), and the Allow added to a 405, or to a 2xx to
	// OPTIONS, is then the origin's own for that resource, or else Allow,
	// less every method the origin refused there (see AllowLearner). It
	// refines Allow: without Allow, nothing is added. An AllowLearner may
	// be shared by Normalizers.
	LearnAllow *AllowLearner

	// WWWAuthenticate is the challenge added to a 401 that lacks one.
	WWWAuthenticate string
	// ProxyAuthenticate is the challenge added to a 407 that lacks one.
	ProxyAuthenticate string
	// Upgrade lists the protocols for an Upgrade field added to a 426 that
	// lacks one, over HTTP/1.x (with Connection: upgrade).
	Upgrade []string
	// RetryAfter is the delay for a Retry-After field added to a 503 or
	// 429 that lacks one, and that replaces a malformed one. Zero: none is
	// added, and a malformed one is removed.
	RetryAfter time.Duration

	// DefaultContentType is the media type given, with
	// X-Content-Type-Options: nosniff, to content that has no
	// Content-Type, in place of application/octet-stream
	// (content-type-missing), e.g. "text/plain; charset=utf-8".
	DefaultContentType string

	// ReplaceErrors lists the error statuses whose content is replaced by
	// a generated error body: codes from 400 to 599 ("404") or the classes
	// "4xx" and "5xx" (ParseErrorStatusPattern). It is the generated rule
	// replace-errors, whose action GeneratedActions or Default sets. The
	// handler's body is dropped as it streams, with the fields that
	// describe it (Content-Length, Content-Encoding, Content-Type, ETag);
	// the status and every other field are kept.
	ReplaceErrors []string

	// ErrorFormat is the body format of the responses the Normalizer
	// generates (a 502 in place of an invalid status, a replaced error
	// page). FormatAuto negotiates on the request's Accept.
	ErrorFormat responses.Format

	// WriteError, if set, writes the generated error responses in place
	// of responses.WriteError: header fields, status and body. Use it for
	// branded pages. It must not write content to a HEAD request.
	// replaced is the Content-Type of the body being replaced ("" for
	// none), so that a generated body can keep its media family when the
	// client accepts anything (responses.Format.ResolveLike).
	WriteError func(w http.ResponseWriter, r *http.Request, code int, replaced string)

	// OnViolation, if set, is called for every violation, on the request's
	// goroutine. It must not keep the Event's Request past the call.
	OnViolation func(Event)

	// GeneratedActions overrides the action of the generated rules
	// (replace-errors). A rule not listed gets Default: in report mode
	// nothing is replaced, and what would have been is reported.
	GeneratedActions map[GeneratedRule]Action
	// OnGenerated, if set, is called for every response a generated rule
	// replaces, or would replace in report mode, on the request's
	// goroutine. It must not keep the event's Request past the call.
	OnGenerated func(GeneratedEvent)
	// AbortDroppedBody makes Write, WriteString and ReadFrom fail with
	// ErrBodyDropped once a response has been generated in place of the
	// handler's, so that a handler copying an upstream's body stops at
	// once instead of draining it while the client waits (over HTTP/2 a
	// response ends only when the handler returns). Such a handler then
	// usually panics with http.ErrAbortHandler (reverse_proxy,
	// httputil.ReverseProxy): the generated response is complete, so
	// recover it when ResponseWriter.Generated reports true. Off, the
	// dropped body is accepted and discarded.
	AbortDroppedBody bool
}

// validate checks the configured header values.
func (o *Options) validate() error {
	for _, m := range o.Allow {
		if !responses.ValidToken(m) {
			return fmt.Errorf("allow: %q is not a method token", m)
		}
	}
	for _, p := range o.Upgrade {
		if !responses.ValidProtocol(p) {
			return fmt.Errorf("upgrade: %q is not a protocol", p)
		}
	}
	if !responses.ValidFieldValue(o.WWWAuthenticate) {
		return fmt.Errorf("www_authenticate: %q is not a valid field value", o.WWWAuthenticate)
	}
	if !responses.ValidFieldValue(o.ProxyAuthenticate) {
		return fmt.Errorf("proxy_authenticate: %q is not a valid field value", o.ProxyAuthenticate)
	}
	if err := CheckDefaultContentType(o.DefaultContentType); err != nil {
		return err
	}
	if o.RetryAfter < 0 {
		return fmt.Errorf("retry_after: %v is negative", o.RetryAfter)
	}
	for r, a := range o.Actions {
		if int(r) >= NumRules() {
			return fmt.Errorf("unknown rule %d", r)
		}
		if a > Off {
			return fmt.Errorf("rule %s: unknown action %d", r, a)
		}
	}
	if err := validateGenerated(o); err != nil {
		return err
	}
	if o.Default > Off {
		return fmt.Errorf("unknown default action %d", o.Default)
	}
	return nil
}

// statusSet is a set of status codes, indexed by code minus 100.
type statusSet [500]bool

// parseStatusSet parses codes ("404") and classes ("5xx") into a set.
func parseStatusSet(patterns []string) (*statusSet, error) {
	if len(patterns) == 0 {
		return nil, nil
	}
	set := new(statusSet)
	for _, p := range patterns {
		lo, hi, err := ParseStatusPattern(p)
		if err != nil {
			return nil, err
		}
		for c := lo; c <= hi; c++ {
			set[c-100] = true
		}
	}
	return set, nil
}

// ParseStatusPattern parses a status code ("404") or a class ("4xx") into
// the range of codes it stands for.
func ParseStatusPattern(p string) (lo, hi int, err error) {
	if len(p) == 3 && p[1] == 'x' && p[2] == 'x' && p[0] >= '1' && p[0] <= '5' {
		lo = int(p[0]-'0') * 100
		return lo, lo + 99, nil
	}
	code, err := strconv.Atoi(p)
	if err != nil || len(p) != 3 || !responses.ValidCode(code) {
		return 0, 0, fmt.Errorf("%q is neither a status code (100-599) nor a class (1xx-5xx)", p)
	}
	return code, code, nil
}

// CheckDefaultContentType checks a value for Options.DefaultContentType:
// empty, or a media type with optional parameters (RFC 9110 §8.3.1)
// that can be sent as a field value.
func CheckDefaultContentType(v string) error {
	if v == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(v)
	typ, sub, ok := strings.Cut(mt, "/")
	if err != nil || !ok || !responses.ValidToken(typ) || !responses.ValidToken(sub) || !responses.ValidFieldValue(v) {
		return fmt.Errorf("default_content_type: %q is not a media type (type/subtype, optionally with parameters)", v)
	}
	return nil
}
