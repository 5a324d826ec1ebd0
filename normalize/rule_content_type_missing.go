package normalize

import (
	"net/http"

	"github.com/respnorm/caddy-normalize/responses"
)

// RuleContentTypeMissing: content without Content-Type (RFC 9110 §8.3: a
// sender that generates content SHOULD send Content-Type, unless the type
// is unknown). Where it is missing, net/http's server sniffs the content
// and labels it (an upstream's bytes come out as text/html; charset=utf-8),
// which is the security hazard §8.3 warns of. Enforce sends the configured
// default type, or application/octet-stream ("arbitrary binary data", what
// §8.3 lets a recipient assume), with X-Content-Type-Options: nosniff so
// that browsers take the label as given; net/http then sniffs nothing.
//
// A response that cannot carry content is left alone: a 1xx, 204, 205 or
// 304, a response to HEAD, a 2xx to CONNECT (a tunnel), and one that says
// Content-Length: 0. A Content-Type with an empty value is present (its
// syntax is another rule's business). A Go handler's h["Content-Type"] =
// nil sends content without a type: judged like any other.
//
// When the length is not known as the header is written, enforce holds
// the header back until the first content byte, a Flush, a Hijack or the
// end of the handler (see ResponseWriter.WriteHeader), and report watches
// for the first byte: an empty response of unknown length passes, unless
// the handler flushes its header first. Caddy's reverse_proxy flushes the
// header of a body of unknown length from a timer that fires at once, so
// such a response is labelled even when its body turns out empty, unless
// the copy ends first.
var RuleContentTypeMissing = register(&rule{
	ID:       "content-type-missing",
	Ref:      "RFC 9110 §8.3",
	Level:    responses.Should,
	Summary:  "content without Content-Type",
	Fix:      "sets the configured default type or application/octet-stream, with X-Content-Type-Options: nosniff",
	Statuses: "2xx 3xx 4xx 5xx",
	Detect: func(r *response) bool {
		if !contentTypeUnlabelled(r) {
			return false
		}
		if r.ContentKnown {
			return r.HasContent
		}
		cl := r.Header["Content-Length"]
		return len(cl) != 0 && cl[0] != "0"
	},
	Repair: func(r *response, v *values) bool {
		ct := v.contentType
		if ct == "" {
			ct = defaultContentType
		}
		r.Header["Content-Type"] = []string{ct}
		if !present(r.Header, headerContentTypeOptions) {
			r.Header[headerContentTypeOptions] = []string{"nosniff"}
		}
		return true
	},
})

// defaultContentType is the type of content whose type is unknown
// (RFC 9110 §8.3).
const defaultContentType = "application/octet-stream"

const headerContentTypeOptions = "X-Content-Type-Options"

// contentTypeUnlabelled reports whether r could carry content and has no
// Content-Type: whether content, if it follows, breaks
// content-type-missing.
func contentTypeUnlabelled(r *response) bool {
	if len(r.Header["Content-Type"]) != 0 {
		return false
	}
	switch {
	case r.Status < 200 || r.Status > 599:
		return false
	case r.Status == http.StatusNoContent, r.Status == http.StatusResetContent, r.Status == http.StatusNotModified:
		return false
	case r.Method == http.MethodHead:
		return false
	case r.Method == http.MethodConnect && r.Status < 300:
		return false
	}
	if cl := r.Header["Content-Length"]; len(cl) == 1 && cl[0] == "0" {
		return false
	}
	return true
}

// contentTypePending reports whether whether r breaks content-type-missing
// depends on content the writer has not seen yet: r could carry content,
// has no Content-Type, and does not state its length.
func contentTypePending(r *response) bool {
	return !r.ContentKnown && len(r.Header["Content-Length"]) == 0 && contentTypeUnlabelled(r)
}
