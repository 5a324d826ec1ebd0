package normalize

import "github.com/respnorm/caddy-normalize/responses"

// RuleETagInvalid: an ETag that is not an entity-tag (RFC 9110 §8.8.3: a
// quoted opaque-tag, optionally W/). The common case is an unquoted tag,
// abc123, which Caddy's encode makes worse (abc123-gzip"). Enforce quotes
// what can be quoted, with a marking (see etagMarker) that Wrap undoes in
// If-None-Match, If-Match and If-Range on the way in, so that the origin
// gets back its own string and its 304s and 412s keep working; a value
// that cannot be quoted (white space, a stray DQUOTE) is removed, which
// only costs conditional requests.
var RuleETagInvalid = register(&rule{
	ID:       "etag-invalid",
	Ref:      "RFC 9110 §8.8.3",
	Level:    responses.Must,
	Summary:  "ETag is not an entity-tag (unquoted: abc123)",
	Fix:      `quotes it as "abc123~unquoted", given back as abc123 in If-None-Match, If-Match and If-Range; removes what cannot be quoted`,
	Triggers: []string{responses.HeaderETag},
	Detect: func(r *response) bool {
		return anyLine(r.Header, responses.HeaderETag, func(v string) bool { return !responses.ValidETag(v) })
	},
	Repair: func(r *response, _ *values) bool {
		coding := ""
		if ce := r.Header["Content-Encoding"]; len(ce) == 1 {
			coding = ce[0]
		}
		var keep []string
		for _, v := range r.Header[responses.HeaderETag] {
			if responses.ValidETag(v) {
				keep = append(keep, v)
			} else if fixed, ok := repairETag(v, coding); ok {
				keep = append(keep, fixed)
			}
		}
		if keep == nil {
			delete(r.Header, responses.HeaderETag)
		} else {
			r.Header[responses.HeaderETag] = keep
		}
		return true
	},
})
