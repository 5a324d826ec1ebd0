package normalize

import (
	"net/http"
	"strings"

	"github.com/respnorm/caddy-normalize/responses"
)

// singletonFields are the response fields whose grammar allows one value,
// not a list, so that a sender MUST NOT generate more than one field line
// of them (RFC 9110 §5.3): Age (RFC 9111 §5.1), Content-Location (§8.7),
// Content-Range (§14.4), Content-Type (§8.3), ETag (§8.8.3), Expires
// (RFC 9111 §5.3) and Last-Modified (§8.8.2). Date, Location and
// Retry-After are singletons too; their own rules (date-invalid,
// location-invalid, retry-after-invalid) judge a repeated line as invalid
// and repair it, so they are not listed here. Content-Length is framing:
// net/http's transport collapses identical copies and refuses differing
// ones before a proxy sees them.
var singletonFields = []string{"Age", "Content-Location", "Content-Range", "Content-Type", "Etag", "Expires", "Last-Modified"}

// repeatedSame reports whether vs has more than one line, all the same.
func repeatedSame(vs []string) bool {
	if len(vs) < 2 {
		return false
	}
	for _, v := range vs[1:] {
		if v != vs[0] {
			return false
		}
	}
	return true
}

// eachElement calls f with each non-empty element of the lists vs
// (split by responses.NextListElement), until f returns true; it reports
// whether one did. It does not allocate.
func eachElement(vs []string, f func(string) bool) bool {
	for _, v := range vs {
		for v != "" {
			var elem string
			elem, v = responses.NextListElement(v)
			if elem != "" && f(elem) {
				return true
			}
		}
	}
	return false
}

// listHasFold reports whether the lists vs have the element e, compared
// without regard to case (field names, tokens).
func listHasFold(vs []string, e string) bool {
	for _, v := range vs {
		for v != "" {
			var elem string
			elem, v = responses.NextListElement(v)
			if strings.EqualFold(elem, e) {
				return true
			}
		}
	}
	return false
}

// cacheDirective reports whether the Cache-Control lists vs have the
// directive name, with or without an argument.
func cacheDirective(vs []string, name string) bool {
	for _, v := range vs {
		for v != "" {
			var elem string
			elem, v = responses.NextListElement(v)
			elem, _, _ = strings.Cut(elem, "=")
			if strings.EqualFold(trimOWS(elem), name) {
				return true
			}
		}
	}
	return false
}

// mayBeStored reports whether a cache may store r (RFC 9111 §3): a
// response to GET or HEAD without no-store, with explicit freshness
// (max-age, s-maxage, public, private, Expires) or a status that is
// heuristically cacheable (RFC 9110 §15.1).
func mayBeStored(r *response) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	cc := r.Header["Cache-Control"]
	if cacheDirective(cc, "no-store") {
		return false
	}
	switch r.Status {
	case 200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501:
		return true
	}
	return present(r.Header, "Expires") || cacheDirective(cc, "max-age") || cacheDirective(cc, "s-maxage") ||
		cacheDirective(cc, "public") || cacheDirective(cc, "private")
}

// splitList calls f with each element of the comma-separated list v,
// trimmed of whitespace and possibly empty, commas inside quoted-strings
// (RFC 9110 §5.6.4) not separating. It stops when f returns true and
// reports whether it did. It does not allocate.
func splitList(v string, f func(elem string) bool) bool {
	start, quoted := 0, false
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case c == ',' && !quoted:
			if f(strings.Trim(v[start:i], " \t")) {
				return true
			}
			start = i + 1
		}
	}
	return f(strings.Trim(v[start:], " \t"))
}

func isEmpty(s string) bool { return s == "" }

// hasEmptyElement reports whether the list v has an empty element. An
// empty v is an empty list, not an empty element.
func hasEmptyElement(v string) bool {
	return strings.Trim(v, " \t") != "" && splitList(v, isEmpty)
}
