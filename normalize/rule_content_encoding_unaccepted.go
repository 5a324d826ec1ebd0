package normalize

import (
	"net/http"
	"strings"

	"github.com/respnorm/caddy-normalize/responses"
)

// RuleContentEncodingUnaccepted: a response whose Content-Encoding names a
// content coding the request's Accept-Encoding did not accept (RFC 9110
// §12.5.3: if a non-empty Accept-Encoding excludes the codings, the
// server SHOULD send a response without content coding; a coding is
// acceptable when it is listed, or "*" is, with a qvalue other than 0).
// An empty Accept-Encoding accepts no coding; a request without one has
// no preference (§12.5.3) and is not judged, nor is a 304, whose Content-Encoding describes the stored
// representation. Decoding is not a proxy's to do on every response; the
// rule reports.
var RuleContentEncodingUnaccepted = register(&rule{
	ID:       "content-encoding-unaccepted",
	Ref:      "RFC 9110 §12.5.3",
	Level:    responses.Should,
	Summary:  "Content-Encoding names a coding the request's Accept-Encoding did not accept",
	Triggers: []string{"Content-Encoding"},
	When: func(r *response) bool {
		return r.Request != nil && r.Status != http.StatusNotModified && present(r.Request.Header, "Accept-Encoding")
	},
	Detect: func(r *response) bool {
		accept := r.Request.Header["Accept-Encoding"]
		for _, v := range r.Header["Content-Encoding"] {
			for rest := v; rest != ""; {
				var c string
				c, rest = responses.NextListElement(rest)
				// What is not a coding is content-encoding-invalid's.
				if isToken(c) && !strings.EqualFold(c, "identity") && !codingAccepted(accept, c) {
					return true
				}
			}
		}
		return false
	},
})

// codingAccepted reports whether the Accept-Encoding lines accept coding
// c: c listed with a non-zero qvalue, or, c not listed, "*" listed with a
// non-zero qvalue (RFC 9110 §12.5.3). "x-gzip" is "gzip" (§8.4.1.3).
func codingAccepted(accept []string, c string) bool {
	c = trimX(c)
	star := false
	for _, v := range accept {
		for rest := v; rest != ""; {
			var e string
			e, rest = responses.NextListElement(rest)
			name, params, _ := strings.Cut(e, ";")
			name = trimOWS(name)
			ok := !zeroQ(params)
			switch {
			case name == "*":
				star = ok
			case strings.EqualFold(trimX(name), c):
				return ok
			}
		}
	}
	return star
}

// zeroQ reports whether the weight of the parameters params is q=0
// (written 0, 0., 0.0, 0.00 or 0.000; RFC 9110 §12.4.2).
func zeroQ(params string) bool {
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		name, value, _ := strings.Cut(trimOWS(p), "=")
		if strings.EqualFold(trimOWS(name), "q") {
			value = trimOWS(value)
			return value != "" && value[0] == '0' && strings.Trim(value[1:], ".0") == ""
		}
	}
	return false
}

// trimX returns "x-gzip" and "x-compress" (in any case) without their
// "x-", the names they are equivalent to (RFC 9110 §8.4.1.1, §8.4.1.3).
func trimX(c string) string {
	if len(c) > 2 && (c[0] == 'x' || c[0] == 'X') && c[1] == '-' &&
		(strings.EqualFold(c[2:], "gzip") || strings.EqualFold(c[2:], "compress")) {
		return c[2:]
	}
	return c
}
