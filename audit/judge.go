package audit

import (
	"net/http"

	"github.com/respnorm/caddy-normalize/responses"
)

// judge returns what a response breaks of the rules the normalize handler
// applies, every rule as if set to report: a response with status and
// header fields h, to a request with method, over HTTP major version
// proto, with content after its header section or not. Each Finding has
// its Rule, Level, Ref, Field and Detail set; the caller sets the rest.
//
// It is the one place the audit asks the rule registry: point it at
// another registry and the whole audit follows. proto is for the rules
// that depend on the protocol; the ones judged here do not.
func judge(method string, proto int, status int, h http.Header, hasContent bool) []Finding {
	_ = proto
	var out []Finding
	for _, v := range responses.AppendViolations(nil, method, status, h, hasContent) {
		out = append(out, Finding{
			Rule:    v.Rule.ID(),
			Level:   v.Rule.Level().String(),
			Ref:     v.Rule.Ref(),
			Field:   v.Field,
			Summary: v.Rule.Summary(),
			Detail:  describe(v.Field, status, h, hasContent),
		})
	}
	return out
}
