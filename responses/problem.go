package responses

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
)

// Problem is a problem details object (RFC 9457), the body of a generated
// error in FormatProblem and FormatJSON.
type Problem struct {
	// Type is a URI reference that identifies the problem type. Absent,
	// it means "about:blank": the problem is the status code itself.
	Type string `json:"type,omitempty"`
	// Title is a short summary of the problem type; for "about:blank",
	// the status's reason phrase.
	Title string `json:"title,omitempty"`
	// Status is the status code of the response.
	Status int `json:"status,omitempty"`
	// Detail explains this occurrence of the problem.
	Detail string `json:"detail,omitempty"`
	// Instance is a URI reference that identifies this occurrence.
	Instance string `json:"instance,omitempty"`
}

// NewProblem returns the problem details of a generated error: type
// "about:blank", the reason phrase of code as title, code as status,
// and detail.
func NewProblem(code int, detail string) Problem {
	code = errorCode(code)
	return Problem{Type: "about:blank", Title: Reason(code), Status: code, Detail: detail}
}

// errorCode returns code, or 500 for a code that is not valid HTTP.
func errorCode(code int) int {
	if !ValidCode(code) {
		return http.StatusInternalServerError
	}
	return code
}

// AppendErrorBody appends the generated error body of status code with
// detail, in format f, to dst and returns the extended slice. The body
// holds the status, its reason phrase and detail, nothing else. A code
// that is not valid HTTP is rendered as 500, as WriteError writes it;
// FormatAuto, which needs a request to resolve, and invalid formats are
// rendered as FormatText: resolve f first (Format.Resolve) and send
// f.ContentType() as the body's Content-Type.
//
//	FormatProblem, FormatJSON: {"type":"about:blank","title":"Bad Gateway","status":502,"detail":"..."}
//	FormatHTML:                the generated page (AppendPage) titled "502 Bad Gateway", every text escaped
//	FormatText:                "502 Bad Gateway\n" and the detail on a line of its own
func AppendErrorBody(dst []byte, code int, detail string, f Format) []byte {
	code = errorCode(code)
	switch f {
	case FormatProblem, FormatJSON:
		b, err := json.Marshal(NewProblem(code, detail))
		if err != nil { // cannot happen: Problem holds strings and an int
			panic(err)
		}
		return append(dst, b...)
	case FormatHTML:
		return AppendPage(dst, Page{Status: code, Message: detail})
	}
	dst = appendStatusLine(dst, code, false)
	dst = append(dst, '\n')
	if detail != "" {
		dst = append(dst, detail...)
		dst = append(dst, '\n')
	}
	return dst
}

// appendStatusLine appends "502 Bad Gateway", HTML-escaped if asked.
func appendStatusLine(dst []byte, code int, escape bool) []byte {
	dst = strconv.AppendInt(dst, int64(code), 10)
	dst = append(dst, ' ')
	if escape {
		return appendEscapedHTML(dst, Reason(code))
	}
	return append(dst, Reason(code)...)
}

// appendEscapedHTML appends s with the five characters that are special
// in HTML text and attributes escaped, as html.EscapeString does.
func appendEscapedHTML(dst []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		default:
			continue
		}
		dst = append(dst, s[last:i]...)
		dst = append(dst, esc...)
		last = i + 1
	}
	return append(dst, s[last:]...)
}

// bodyPool recycles the buffers WriteError renders bodies into.
var bodyPool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

// maxPooled is the largest buffer returned to bodyPool: a rare huge detail
// should not pin its memory.
const maxPooled = 16 << 10

// WriteError replies to r with a generated error: status code, and a body
// in format f that holds the status, its reason phrase and detail
// (see AppendErrorBody). FormatAuto negotiates the format on r's Accept
// field (Negotiate) and adds Accept to Vary.
//
// WriteError sets Content-Type, Content-Length and
// X-Content-Type-Options: nosniff, and removes Transfer-Encoding; other
// fields already in w.Header() are sent as they are. It obeys the
// catalogue: no body in a response to HEAD (whose header states the
// length a GET would get), no content or Content-Type with 204 or 304,
// Content-Length: 0 and nothing else with 205; for a 1xx it writes the
// interim response alone, and nothing at all to an HTTP/1.0 client
// (§15.2). A code that is not valid HTTP is written as 500. r may be nil,
// which counts as a GET without Accept.
func WriteError(w http.ResponseWriter, r *http.Request, code int, detail string, f Format) {
	WriteErrorLike(w, r, code, detail, f, "")
}

// WriteErrorLike is WriteError for a body generated in place of content
// of media type like (its Content-Type): with FormatAuto, a client that
// accepts anything gets like's media family (see Format.ResolveLike).
func WriteErrorLike(w http.ResponseWriter, r *http.Request, code int, detail string, f Format, like string) {
	code = errorCode(code)
	method, accept := requestInfo(r)
	if code < 200 {
		writeInterim(w, r, code)
		return
	}
	if !statusAllowsContent(method, code) {
		writeBodiless(w, code)
		return
	}
	h := w.Header()
	if f == FormatAuto {
		AddVary(h, "Accept")
	}
	f = f.ResolveLike(accept, like)
	bp := bodyPool.Get().(*[]byte)
	body := AppendErrorBody((*bp)[:0], code, detail, f)
	h.Del("Transfer-Encoding")
	h.Set("Content-Type", f.ContentType())
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	if method != http.MethodHead {
		w.Write(body)
	}
	if cap(body) <= maxPooled {
		*bp = body[:0]
		bodyPool.Put(bp)
	}
}

func requestInfo(r *http.Request) (method, accept string) {
	if r == nil {
		return http.MethodGet, ""
	}
	return r.Method, r.Header.Get("Accept")
}
