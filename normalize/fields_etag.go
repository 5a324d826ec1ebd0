package normalize

import (
	"net/http"
	"strings"

	"github.com/respnorm/caddy-normalize/responses"
)

// etagMarker ends, inside the quotes, an entity-tag that etag-invalid made
// from an origin's unquoted tag: abc123 goes out as "abc123~unquoted", or,
// where Caddy's encode has added its coding (which turns abc123 into
// abc123-gzip"), as "abc123~unquoted-gzip". The marking is stateless and
// recognisable: on the way in, Wrap turns such tags in If-None-Match,
// If-Match and If-Range back into abc123, the origin's own string, so that
// an origin comparing strings still answers 304 (or 412). A tag the origin
// quoted itself is never marked nor unmarked, unless it happens to end
// with the marker.
const etagMarker = "~unquoted"

// conditionalFields carry entity-tags a client got from ETag.
var conditionalFields = [...]string{"If-None-Match", "If-Match", "If-Range"}

// repairETag returns a valid entity-tag for an ETag value v that is not
// one, and false when v cannot be quoted (white space, a stray DQUOTE).
// coding is the response's Content-Encoding: Caddy's encode appends
// "-"+coding+`"` to the origin's tag, unquoted or not.
func repairETag(v, coding string) (string, bool) {
	weak, rest := "", v
	if strings.HasPrefix(v, "W/") {
		weak, rest = "W/", v[2:]
	}
	if responses.ValidOpaqueTagChars(rest) {
		return weak + `"` + rest + etagMarker + `"`, true
	}
	if weak == "" && responses.ValidToken(coding) {
		if raw, ok := strings.CutSuffix(rest, "-"+coding+`"`); ok && responses.ValidOpaqueTagChars(raw) {
			return `"` + raw + etagMarker + "-" + coding + `"`, true
		}
	}
	return "", false
}

// unmarkETags turns the entity-tags etag-invalid made back into the
// origin's own, in the conditional fields of a request.
func unmarkETags(h http.Header) {
	for _, f := range conditionalFields {
		vs := h[f]
		for i, v := range vs {
			if strings.Contains(v, etagMarker) {
				vs[i] = unmarkList(v)
			}
		}
	}
}

// unmarkList unmarks the marked tags of a list of entity-tags (or of an
// If-Range's one tag). Elements are read quote-aware: an opaque-tag may
// hold commas.
func unmarkList(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); {
		if c := v[i]; c == ' ' || c == '\t' || c == ',' {
			i++
			continue
		}
		j := i
		if strings.HasPrefix(v[j:], "W/") {
			j += 2
		}
		if j < len(v) && v[j] == '"' {
			if k := strings.IndexByte(v[j+1:], '"'); k >= 0 {
				j += k + 2
			} else {
				j = len(v)
			}
		}
		for j < len(v) && v[j] != ',' {
			j++
		}
		elem := strings.TrimRight(v[i:j], " \t")
		i = j
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		if raw, ok := unmarkTag(elem); ok {
			elem = raw
		}
		b.WriteString(elem)
	}
	return b.String()
}

// unmarkTag returns the origin's tag for a tag etag-invalid made.
func unmarkTag(t string) (string, bool) {
	weak, rest := "", t
	if strings.HasPrefix(t, "W/") {
		weak, rest = "W/", t[2:]
	}
	if len(rest) < 2 || rest[0] != '"' || rest[len(rest)-1] != '"' {
		return "", false
	}
	c := rest[1 : len(rest)-1]
	raw, ok := strings.CutSuffix(c, etagMarker)
	if !ok && weak == "" {
		if i := strings.LastIndex(c, etagMarker+"-"); i >= 0 && responses.ValidToken(c[i+len(etagMarker)+1:]) {
			raw, ok = c[:i], true
		}
	}
	if !ok || raw == "" {
		return "", false
	}
	return weak + raw, true
}
