package normalize

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Responses generated in place of the handler's: a 502 for an invalid
// status, a replaced error body, an upstream's failure answered by Error.
// Once one is written, nothing the handler does afterwards reaches the
// client: its header fields and trailers go to a scratch map that is
// never sent, and its body is refused with ErrBodyDropped.

// ErrBodyDropped is what Write, WriteString and ReadFrom return, with
// Options.AbortDroppedBody, once a response has been generated in place
// of the handler's: its body has nowhere to go. A handler that copies a body (reverse_proxy) stops
// copying at once, rather than draining an upstream's dropped body while
// the client waits; over HTTP/2 the client's stream only ends when the
// handler returns.
var ErrBodyDropped = errors.New("normalize: body dropped: a response was generated in its place")

// GeneratedRule identifies a knob that generates a response in place of
// the handler's on its own initiative (rather than to repair a broken
// rule of the specification). Like a rule, it can be enforced, only
// reported, or turned off; what it would have replaced in report mode is
// reported through Options.OnGenerated.
//
// These are kept in one place so that they can join the engine's rule
// registry as units of their own.
type GeneratedRule uint8

// The generated rules.
const (
	// RuleReplaceErrors: replace_errors lists the status of the
	// response, whose body is replaced by a generated one.
	RuleReplaceErrors GeneratedRule = iota

	// NumGeneratedRules is the number of generated rules.
	NumGeneratedRules
)

var generatedRuleIDs = [NumGeneratedRules]string{
	RuleReplaceErrors: "replace-errors",
}

// ID returns the rule's stable identifier, e.g. "replace-errors".
func (r GeneratedRule) ID() string {
	if r >= NumGeneratedRules {
		return "unknown"
	}
	return generatedRuleIDs[r]
}

// String returns the rule's ID.
func (r GeneratedRule) String() string { return r.ID() }

// ConfigIDs returns every rule ID a configuration takes: the registry's
// rules, in order, then the generated rules (replace-errors).
func ConfigIDs() []string { return append(RuleIDs(), generatedRuleIDs[:]...) }

// ParseGeneratedRule returns the generated rule whose ID is id.
func ParseGeneratedRule(id string) (GeneratedRule, bool) {
	for r, s := range generatedRuleIDs {
		if s == id {
			return GeneratedRule(r), true
		}
	}
	return 0, false
}

// GeneratedEvent describes a response a generated rule replaced, or in
// report mode would have replaced.
type GeneratedEvent struct {
	// Rule is the generated rule.
	Rule GeneratedRule
	// Action is Enforce when the response was replaced, Report when it
	// was passed on as it was.
	Action Action
	// Status is the status the handler wrote.
	Status int
	// Request is the request the response answers.
	Request *http.Request
}

// ParseErrorStatusPattern parses a client or server error code ("404")
// or class ("4xx", "5xx"), the statuses a generated error response may
// stand in for, into the range of codes it stands for. Anything else
// (2xx, 101, a code out of range) is refused, naming the pattern.
func ParseErrorStatusPattern(p string) (lo, hi int, err error) {
	lo, hi, err = ParseStatusPattern(p)
	if err != nil || lo < 400 {
		return 0, 0, fmt.Errorf("%q is not an error status: want a code from 400 to 599, or a class 4xx or 5xx", p)
	}
	return lo, hi, nil
}

// generatedHeader returns the map Header hands to the handler once a
// response has been generated in place: a scratch map, never sent, so
// that nothing the handler sets afterwards (trailers above all, which
// reverse_proxy copies after the body) reaches the client.
func (w *ResponseWriter) generatedHeader() http.Header {
	if w.scratch == nil {
		w.scratch = make(http.Header)
	}
	return w.scratch
}

// dropTrailers removes from h the trailers a response announces (the
// Trailer field) and those set through http.TrailerPrefix: a generated
// response carries none of the handler's.
func dropTrailers(h http.Header) {
	delete(h, "Trailer")
	for k := range h {
		if strings.HasPrefix(k, http.TrailerPrefix) {
			delete(h, k)
		}
	}
}

// replacedType returns the media type of the content about to be
// replaced, from h's Content-Type, for a generated body that keeps its
// family when the client takes anything.
func replacedType(h http.Header) string {
	if v := h["Content-Type"]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// generatedAction returns the action of generated rule r.
func (n *Normalizer) generatedAction(r GeneratedRule) Action {
	return n.genActions[r]
}

// emitGenerated reports a replacement to OnGenerated.
func (n *Normalizer) emitGenerated(r GeneratedRule, a Action, status int, req *http.Request) {
	if n.onGenerated != nil {
		n.onGenerated(GeneratedEvent{Rule: r, Action: a, Status: status, Request: req})
	}
}

// compileGenerated sets the actions of the generated rules from opts.
func (n *Normalizer) compileGenerated(opts *Options) {
	for r := range n.genActions {
		a, ok := opts.GeneratedActions[GeneratedRule(r)]
		if !ok {
			a = opts.Default
		}
		n.genActions[r] = a
	}
	n.onGenerated = opts.OnGenerated
	n.abortDropped = opts.AbortDroppedBody
}

// SetAbort sets a function the writer calls once it has generated a
// response in place of the handler's, typically the cancel function of
// the request's context, so that a handler blocked reading an upstream's
// body that is dropped (a stalled upstream) returns at once.
func (w *ResponseWriter) SetAbort(abort func()) { w.abort = abort }

func (w *ResponseWriter) abortHandler() {
	if w.abort != nil {
		w.abort()
	}
}

// Generated reports whether a response has been generated in place of
// the handler's: from then on the handler's header fields, trailers and
// body go nowhere.
func (w *ResponseWriter) Generated() bool { return w.body == bodyDone }

// validateGenerated checks the generated rules' options.
func validateGenerated(opts *Options) error {
	for r, a := range opts.GeneratedActions {
		if r >= NumGeneratedRules {
			return fmt.Errorf("unknown generated rule %d", r)
		}
		if a > Off {
			return fmt.Errorf("rule %s: unknown action %d", r, a)
		}
	}
	for _, p := range opts.ReplaceErrors {
		if _, _, err := ParseErrorStatusPattern(p); err != nil {
			return fmt.Errorf("replace_errors: %v", err)
		}
	}
	return nil
}
