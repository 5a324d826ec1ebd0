package normalize

import "net/http"

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

// repeatedDiffering reports whether vs has lines that differ.
func repeatedDiffering(vs []string) bool {
	return len(vs) > 1 && !repeatedSame(vs)
}

// anyField reports whether f holds of the values of one of fields in h.
func anyField(h http.Header, fields []string, f func([]string) bool) bool {
	for _, k := range fields {
		if f(h[k]) {
			return true
		}
	}
	return false
}
