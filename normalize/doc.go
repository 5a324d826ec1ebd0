// Package normalize rewrites HTTP responses toward RFC 9110 as they stream.
//
// A Normalizer wraps an http.ResponseWriter. It decides at WriteHeader time,
// from the request's method and protocol, the status and the header fields,
// which rules the response breaks, repairs it or reports it according to
// each rule's Action, and then passes the body through without buffering
// it, or drops it where the status or the request method forbids content.
//
// Each rule is one unit of the registry (registry.go): one file,
// rule_<id>.go, declaring its id, the section and level of the
// specification it enforces, what it applies to, how it detects a
// violation and how, if a proxy can, it repairs one. Rules about a field a
// status requires take their statuses from the responses catalogue. The
// engine indexes the registry by status, method, protocol and trigger
// field, so a response reaches only the rules that could apply to it. See
// registry.go for how to add a rule.
//
// The package is plain net/http: Middleware makes any http.Handler
// conformant, Check tells what a response breaks, CheckResponse what an
// *http.Response a client received or a test recorded breaks, and the
// Caddy module in the parent package adapts it to Caddy. Package
// conformtest holds a Go service's own handlers to the same rules in its
// tests: a broken MUST fails the test.
package normalize
