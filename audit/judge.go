package audit

import (
	"net/http"

	"github.com/respnorm/caddy-normalize/normalize"
)

// judge returns what a response breaks of the rules the normalize handler
// applies, every rule as if set to report: a response with status and
// header fields h, to a request with method, over HTTP major version
// proto, with content after its header section or not. Each Finding has
// its Rule, Level, Ref, Field and Detail set; the caller sets the rest.
//
// It is the one place the audit asks the rule registry: the handler's own
// (normalize.Check), so that the audit and the handler never disagree.
func judge(method string, proto int, status int, h http.Header, hasContent bool) []Finding {
	req := &http.Request{Method: method, ProtoMajor: proto, ProtoMinor: 1, Header: http.Header{}}
	if proto != 1 {
		req.ProtoMinor = 0
	}
	req.Proto = "HTTP/" + string(rune('0'+req.ProtoMajor)) + "." + string(rune('0'+req.ProtoMinor))
	var out []Finding
	for _, v := range normalize.Check(req, status, h, hasContent) {
		out = append(out, Finding{
			Rule:    v.Rule.ID(),
			Level:   v.Rule.Level().String(),
			Ref:     v.Rule.Ref(),
			Field:   v.Rule.Field(),
			Summary: v.Rule.Summary(),
			Detail:  describe(v.Rule.Field(), status, h, hasContent),
		})
	}
	return out
}
