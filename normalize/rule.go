package normalize

import (
	"net/http"

	"github.com/respnorm/caddy-normalize/responses"
)

// Rule names one rule of the registry: a requirement of the HTTP
// specifications that a response can break. Its ID is stable:
// configuration, logs and metrics name rules by it. The numeric value is
// an index into the registry and is not part of the API.
type Rule uint8

// rule is the one place where a rule is declared: its identity, where the
// specification states it and at which level, what it applies to, how a
// violation is detected and, when a proxy can, repaired. Each rule lives
// in its own file, rule_<id>.go, as a variable registered with register;
// the engine's dispatch, the Caddyfile and JSON rule IDs, the error that
// names the valid IDs, the metrics labels, the admin report and the
// README's rules table are all derived from it. See registry.go.
type rule struct {
	// ID is the stable identifier, lower-case words joined by hyphens,
	// e.g. "allow-missing".
	ID string
	// Ref is the section that states the requirement, e.g.
	// "RFC 9110 §15.5.6".
	Ref string
	// Level is the requirement level exactly as the specification words
	// it: MUST (and MUST NOT), SHOULD (and SHOULD NOT) or MAY. A MAY is
	// not a violation: it is counted and logged as an advisory.
	Level responses.Level
	// Summary says in a few words what breaks the rule.
	Summary string
	// Fix says in a few words what enforce does, for the documentation;
	// empty when the rule can only report.
	Fix string

	// Requires, for a rule about a header field a status requires, names
	// that field. The statuses the rule applies to are then derived from
	// the catalogue (responses.Lookup(code).Fields): every status that
	// asks for the field at exactly the rule's Level, less Except. Such a
	// rule's default Detect is "no non-empty value of the field".
	Requires string
	// Field names the header field the rule is about, for the documents
	// and findings that quote it, where neither Requires nor a single
	// Trigger says so (a field that must be present but is not
	// catalogue-driven).
	Field string

	// Except lists statuses the catalogue asks Requires of that the rule
	// leaves alone, each with the reason (shown in the documentation).
	Except map[int]string

	// Statuses lists the statuses the rule applies to, as codes and
	// classes separated by spaces ("405", "2xx", "1xx 204 304"), or
	// "invalid" for status codes outside 100-599. Empty: every valid
	// status (or, with Requires, the statuses derived from the catalogue).
	Statuses string
	// Methods lists the request methods the rule applies to, separated by
	// spaces ("OPTIONS", "GET HEAD"). Empty: every method.
	Methods string
	// Protocols are the request protocols the rule applies to. Zero:
	// every protocol.
	Protocols Protocol
	// Triggers lists header fields of which one must be present for the
	// rule to be broken (a syntax rule about Date is triggered by Date).
	// The engine then consults the rule only for responses that carry one
	// of them, so that a clean response costs nothing per such rule.
	Triggers []string
	// Interim is set for the few rules that judge interim (1xx) responses
	// as they are written. When an interim response is written, the
	// header map already holds the final response's fields, so these
	// rules must not judge fields. Other rules see a 1xx only through
	// Check.
	Interim bool
	// Content marks the rules that forbid content: where such a rule
	// applies (its statuses, methods and When), the bytes written after
	// the header are dropped (enforce) or reported once (report).
	Content bool

	// When, if set, narrows where the rule applies beyond Statuses,
	// Methods and Protocols (a 201 to POST only, not a CORS preflight).
	When func(r *response) bool
	// Detect reports whether a response the rule applies to breaks it.
	// It must not allocate or modify anything. Nil, with Requires: the
	// field has no non-empty value.
	Detect func(r *response) bool
	// Repair fixes the response's header fields and reports whether it
	// did; a rule that cannot fix this response (the protocol forbids the
	// fix, nothing would be left of a list) returns false and the
	// violation is only reported. Nil: the rule can only report (a proxy
	// cannot know what is missing).
	Repair func(r *response, v *values) bool
	// Needs is the configured value Repair needs. When it is not
	// configured, enforce is downgraded to report: a normaliser never
	// invents methods, challenges or protocols.
	Needs Value
}

// response is what a rule judges: the request's method and protocol, the
// status and the header fields about to be written.
type response struct {
	// Request is the request answered; nil in Check without one.
	Request *http.Request
	// Method is the request's method.
	Method string
	// Status is the status code the handler wrote.
	Status int
	// Header is the header map about to be written; Repair changes it.
	Header http.Header
	// Proto is the request's protocol.
	Proto Protocol
	// HasContent is set, in Check only, when content follows the header.
	HasContent bool
	// multiLine is set by the engine's dispatch when a field that
	// triggers one of the response's rules is on more than one line: the
	// response's one look at its fields, shared with the rules about
	// repeated fields.
	multiLine bool
	// ContentKnown is set in Check, where HasContent says whether
	// content follows; a writer does not know it when the header goes.
	ContentKnown bool
	// Drop, set by an Interim rule's Repair, keeps the interim response
	// from being written at all.
	Drop bool
	// Replace, set by Repair, answers 502 Bad Gateway (RFC 9110 §15.6.3)
	// in place of the response: nothing of it is passed on.
	Replace bool
}

// Protocol is a set of HTTP versions, as bits.
type Protocol uint8

// The HTTP versions a request can come in with.
const (
	HTTP10 Protocol = 1 << iota // HTTP/1.0 (and 0.9)
	HTTP11                      // HTTP/1.1
	HTTP2                       // HTTP/2, over TLS or h2c
	HTTP3                       // HTTP/3

	AllProtocols = HTTP10 | HTTP11 | HTTP2 | HTTP3
)

// ProtocolOf returns the protocol of r.
func ProtocolOf(r *http.Request) Protocol {
	switch {
	case r == nil:
		return HTTP11
	case r.ProtoMajor >= 3:
		return HTTP3
	case r.ProtoMajor == 2:
		return HTTP2
	case r.ProtoMajor == 1 && r.ProtoMinor >= 1:
		return HTTP11
	case r.ProtoMajor == 0 && r.ProtoMinor == 0 && r.Proto == "":
		return HTTP11 // a hand-made request that did not say
	}
	return HTTP10
}

// String returns the protocols as "HTTP/1.1" or "HTTP/2, HTTP/3"; "all"
// for every one.
func (p Protocol) String() string {
	if p == 0 || p == AllProtocols {
		return "all"
	}
	s := ""
	for i, name := range [...]string{"HTTP/1.0", "HTTP/1.1", "HTTP/2", "HTTP/3"} {
		if p&(1<<i) != 0 {
			if s != "" {
				s += ", "
			}
			s += name
		}
	}
	return s
}

// Value names a configured value a rule's repair needs.
type Value uint8

// The configured values. Each is a Caddyfile subdirective and a JSON field
// of the handler under its Name.
const (
	NoValue Value = iota
	ValueAllow
	ValueWWWAuthenticate
	ValueProxyAuthenticate
	ValueUpgrade
	ValueRetryAfter
	numValues
)

var valueNames = [numValues]string{"", "allow", "www_authenticate", "proxy_authenticate", "upgrade", "retry_after"}

// Name returns the value's configuration name, e.g. "allow"; "" for
// NoValue.
func (v Value) Name() string {
	if v >= numValues {
		return ""
	}
	return valueNames[v]
}

// values are the configured values, formatted once.
type values struct {
	// allowList is the configured methods; allow is them formatted.
	allowList []string
	allow     string
	// learn, if set, is what was learned of each resource's methods.
	learn *AllowLearner
	// The other values, formatted as field values; "" when not set.
	wwwAuthenticate, proxyAuthenticate, upgrade, retryAfter string
	// contentType is the type given to content without one; "" for
	// application/octet-stream.
	contentType string
}

// has reports whether v is configured.
func (vs *values) has(v Value) bool {
	switch v {
	case NoValue:
		return true
	case ValueAllow:
		return vs.allow != ""
	case ValueWWWAuthenticate:
		return vs.wwwAuthenticate != ""
	case ValueProxyAuthenticate:
		return vs.proxyAuthenticate != ""
	case ValueUpgrade:
		return vs.upgrade != ""
	case ValueRetryAfter:
		return vs.retryAfter != ""
	}
	return false
}
