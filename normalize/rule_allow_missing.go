package normalize

import (
	"net/http"

	"github.com/respnorm/caddy-normalize/responses"
)

// RuleAllowMissing: a 405 Method Not Allowed without Allow (RFC 9110
// §15.5.6 MUST; the statuses come from the catalogue). Allow describes one
// resource (§10.2.1), and the configured list is the site's (or, under a
// matcher, the route's), so the list added never names the method the
// origin just refused: GET goes with HEAD and HEAD with GET (§9.3.2). When
// nothing is left the violation is only reported. An empty Allow the
// origin sent is conformant (the resource allows no method).
var RuleAllowMissing = register(&rule{
	ID:       "allow-missing",
	Ref:      "RFC 9110 §15.5.6",
	Level:    responses.Must,
	Summary:  "no Allow on 405",
	Fix:      "adds the configured methods, less the refused one",
	Requires: responses.HeaderAllow,
	Detect:   func(r *response) bool { return !present(r.Header, responses.HeaderAllow) },
	Repair:   repairAllowRefused,
	Needs:    ValueAllow,
})

// repairAllowRefused adds the configured Allow less the refused method,
// or, with LearnAllow, what was learned of the resource.
func repairAllowRefused(r *response, v *values) bool {
	if learnedAllow(r, v, r.Method) {
		return present(r.Header, responses.HeaderAllow)
	}
	if !refuses(v.allowList, r.Method) {
		r.Header[responses.HeaderAllow] = []string{v.allow}
		return true
	}
	kept := make([]string, 0, len(v.allowList))
	for _, m := range v.allowList {
		if !refusedWith(r.Method, m) {
			kept = append(kept, m)
		}
	}
	if len(kept) == 0 {
		return false
	}
	r.Header[responses.HeaderAllow] = []string{responses.FormatAllow(kept...)}
	return true
}

// learnedAllow adds to r the Allow learned of its resource (LearnAllow),
// less refusing, and reports whether anything was known of the resource:
// if so, r gets an Allow unless nothing is left of the list.
func learnedAllow(r *response, v *values, refusing string) bool {
	if v.learn == nil || v.allow == "" {
		return false
	}
	methods, ok := v.learn.allowFor(r.Request, v.allowList, refusing)
	if !ok {
		return false
	}
	if len(methods) > 0 {
		r.Header[responses.HeaderAllow] = []string{responses.FormatAllow(methods...)}
	}
	return true
}

// refuses reports whether list names a method refused with method.
func refuses(list []string, method string) bool {
	for _, m := range list {
		if refusedWith(method, m) {
			return true
		}
	}
	return false
}

// refusedWith reports whether m is refused when method is: m itself, and
// GET and HEAD together, since a server that supports GET supports HEAD
// (§9.1, §9.3.2).
func refusedWith(method, m string) bool {
	switch {
	case m == method:
		return true
	case method == http.MethodGet:
		return m == http.MethodHead
	case method == http.MethodHead:
		return m == http.MethodGet
	}
	return false
}
