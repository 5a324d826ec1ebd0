package audit

import (
	"net/http"
	"strconv"
	"strings"
)

// Rules only a client reading the wire can judge: Go's HTTP server never
// sends these mistakes, and Caddy's proxy answers them itself (it
// collapses identical Content-Length values and refuses differing ones
// with 502), so the normalize handler never sees them.
const (
	// RuleContentLengthInvalid: Content-Length is not one decimal length
	// (RFC 9110 §8.6): repeated, listed, or not digits.
	RuleContentLengthInvalid = "content-length-invalid"
	// RuleContentLengthWithTransferEncoding: Content-Length sent with
	// Transfer-Encoding (RFC 9112 §6.2).
	RuleContentLengthWithTransferEncoding = "content-length-with-transfer-encoding"
)

// framing returns the framing mistakes of a response with header h.
func framing(h http.Header) []Finding {
	var out []Finding
	cl := h["Content-Length"]
	if len(cl) > 0 && !singleLength(cl) {
		quoted := make([]string, len(cl))
		for i, v := range cl {
			quoted[i] = strconv.Quote(v)
		}
		out = append(out, Finding{
			Rule: RuleContentLengthInvalid, Level: LevelMust, Ref: "RFC 9110 §8.6", Field: "Content-Length",
			Summary: "Content-Length is not one decimal length",
			Detail:  "Content-Length " + strings.Join(quoted, ", "),
		})
	}
	if len(cl) > 0 && len(h["Transfer-Encoding"]) > 0 {
		out = append(out, Finding{
			Rule: RuleContentLengthWithTransferEncoding, Level: LevelMust, Ref: "RFC 9112 §6.2", Field: "Content-Length",
			Summary: "Content-Length with Transfer-Encoding",
			Detail:  "Content-Length " + strconv.Quote(strings.Join(cl, ", ")) + " with Transfer-Encoding " + strconv.Quote(strings.Join(h["Transfer-Encoding"], ", ")),
		})
	}
	return out
}

// singleLength reports whether values are one field line holding one
// length: 1*DIGIT.
func singleLength(values []string) bool {
	v := values[0]
	return len(values) == 1 && v != "" && strings.TrimLeft(v, "0123456789") == ""
}
