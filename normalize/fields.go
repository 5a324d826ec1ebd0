package normalize

import (
	"net/http"
	"strings"
)

// present reports whether h has field, even with an empty value.
func present(h http.Header, field string) bool {
	_, ok := h[field]
	return ok
}

// hasValue reports whether h has field with a non-empty value.
func hasValue(h http.Header, field string) bool {
	for _, v := range h[field] {
		if v != "" {
			return true
		}
	}
	return false
}

// isMultipartByteranges reports whether h's Content-Type is
// multipart/byteranges.
func isMultipartByteranges(h http.Header) bool {
	ct := h["Content-Type"]
	if len(ct) == 0 {
		return false
	}
	const prefix = "multipart/byteranges"
	v := ct[0]
	if len(v) < len(prefix) || !strings.EqualFold(v[:len(prefix)], prefix) {
		return false
	}
	// The media type ends there: "multipart/byterangesX" is another one.
	v = v[len(prefix):]
	return v == "" || v[0] == ';' || v[0] == ' ' || v[0] == '\t'
}

// listContains reports whether any of the comma-separated lists vs has the
// element e, compared exactly (methods are case-sensitive, RFC 9110 §9.1).
func listContains(vs []string, e string) bool {
	for _, v := range vs {
		for v != "" {
			var elem string
			elem, v, _ = strings.Cut(v, ",")
			if strings.Trim(elem, " \t") == e {
				return true
			}
		}
	}
	return false
}

// addToken adds token to the comma-separated list field of h unless it is
// there already, compared without regard to case.
func addToken(h http.Header, field, token string) {
	for _, v := range h[field] {
		for v != "" {
			var elem string
			elem, v, _ = strings.Cut(v, ",")
			if strings.EqualFold(strings.Trim(elem, " \t"), token) {
				return
			}
		}
	}
	h[field] = append(h[field], token)
}
