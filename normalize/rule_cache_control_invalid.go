package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleCacheControlInvalid: a Cache-Control that is not a list of
// cache-directives (RFC 9111 §5.2: token [ "=" ( token / quoted-string ) ]),
// or whose max-age or s-maxage is not delta-seconds (§1.2.2). A cache
// ignores what it cannot parse (§5.2.3), so "no-cache; no-store" can lose
// its no-store. Enforce rewrites only what is unambiguous: directives
// separated by semicolons, white space around "=", where every piece is a
// registered response directive with an argument of its kind ("no-cache;
// no-store" becomes "no-cache, no-store"; names in lower case, max-age in
// token form, field lists quoted). Anything else ("max-age=-1", an
// unknown directive after a semicolon, an unterminated quote) is only
// reported: no directive is ever dropped or weakened.
var RuleCacheControlInvalid = register(&rule{
	ID:       "cache-control-invalid",
	Ref:      "RFC 9111 §5.2",
	Level:    responses.Must,
	Summary:  "Cache-Control is not a list of cache-directives",
	Fix:      "rewrites unambiguous forms (\"no-cache; no-store\" as \"no-cache, no-store\"); reports the rest",
	Triggers: []string{responses.HeaderCacheControl},
	Detect:   func(r *response) bool { return anyLine(r.Header, responses.HeaderCacheControl, ccLineInvalid) },
	Repair: func(r *response, _ *values) bool {
		lines := r.Header[responses.HeaderCacheControl]
		out := make([]string, len(lines))
		for i, line := range lines {
			out[i] = line
			if ccLineInvalid(line) {
				fixed, ok := ccRewrite(line)
				if !ok {
					return false
				}
				out[i] = fixed
			}
		}
		copy(lines, out)
		return true
	},
})
