package responses

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// Response is a response that obeys the catalogue: a status code, header
// fields, and optional content, which is either a body with its media type
// or a generated error body negotiated when the response is served.
// Response is an http.Handler.
//
// Build one with a constructor (OK, Created, MethodNotAllowed, ...), which
// takes the values the specification requires of its status, or with New,
// and refine it with the With methods, which modify the Response and
// return it for chaining.
//
// Every value given to a constructor or a With method is checked against
// its field's syntax. A value that fails is not sent; the Response records
// the failure, and Err reports it. Serving ignores Err: a Response with
// an error still goes out, without the field that was refused, so check
// Err where the Response is built (or in tests).
//
// Once built, a Response may serve any number of requests concurrently;
// it must not be modified while it does.
type Response struct {
	code        int
	header      http.Header
	body        []byte
	contentType string
	problem     bool // content is a generated error body
	detail      string
	format      Format
	errs        []error
}

// ErrStatus is wrapped by the error a Response records for a status code
// it cannot send as it is.
var ErrStatus = errors.New("responses: status code")

// ErrContentForbidden is wrapped by the error a Response records when it is
// given content its status cannot carry (1xx, 204, 205, 304).
var ErrContentForbidden = errors.New("responses: status cannot carry content")

// FieldError is the error a Response records for a header field value it
// refused.
type FieldError struct {
	// Field is the canonical name of the field.
	Field string
	// Value is the value that was refused; "" when one was required and
	// none was given.
	Value string
	// Reason says what is wrong with it.
	Reason string
}

// Error returns e.g. `responses: Location "/a b": not a URI-reference`.
func (e *FieldError) Error() string {
	return "responses: " + e.Field + " " + strconv.Quote(e.Value) + ": " + e.Reason
}

// New returns a Response with status code, no header fields and no
// content. A code outside 100–599 is recorded as an error and served as
// 500 Internal Server Error. A code the specification reserves (305, 306,
// 418) is recorded as an error, as is 101, which only a handler that
// takes over the connection can send, but both are served as given.
//
// A Response with a 1xx status writes an interim response, after which
// the caller writes the final one; its header fields stay in the
// ResponseWriter's header map and are sent with the final response too.
func New(code int) *Response {
	resp := &Response{code: code, header: make(http.Header)}
	switch s := lookup(code); {
	case !ValidCode(code):
		resp.fail(fmt.Errorf("%w %d is outside 100-599", ErrStatus, code))
		resp.code = http.StatusInternalServerError
	case s != nil && s.Unused:
		resp.fail(fmt.Errorf("%w %d is reserved and must not be generated", ErrStatus, code))
	case code == http.StatusSwitchingProtocols:
		resp.fail(fmt.Errorf("%w 101 needs the connection taken over", ErrStatus))
	}
	return resp
}

// fail records err.
func (resp *Response) fail(err error) { resp.errs = append(resp.errs, err) }

// failField records a refused field value.
func (resp *Response) failField(field, value, reason string) {
	resp.fail(&FieldError{Field: field, Value: value, Reason: reason})
}

// Err returns the errors recorded while the Response was built, joined,
// or nil if there were none. Each wraps ErrStatus or ErrContentForbidden,
// or is a *FieldError.
func (resp *Response) Err() error { return errors.Join(resp.errs...) }

// Code returns the status code the Response is served with.
func (resp *Response) Code() int { return resp.code }

// Header returns the Response's header fields. Values set through it
// directly are not checked; prefer WithHeader.
func (resp *Response) Header() http.Header { return resp.header }

// WithHeader adds value to the field name, like http.Header.Add. The name
// must be a token and the value a valid field value (no control
// characters, no surrounding white space). Content-Type, Content-Length
// and Transfer-Encoding are refused: serving sets them from the content.
func (resp *Response) WithHeader(name, value string) *Response {
	if !ValidToken(name) {
		resp.failField(name, value, "field name is not a token")
		return resp
	}
	name = http.CanonicalHeaderKey(name)
	switch name {
	case "Content-Type", "Content-Length", "Transfer-Encoding":
		resp.failField(name, value, "set from the content when served")
		return resp
	}
	if !ValidFieldValue(value) {
		resp.failField(name, value, "not a valid field value")
		return resp
	}
	resp.header.Add(name, value)
	return resp
}

// WithContentLocation sets Content-Location, the URI of the
// representation the content is (RFC 9110 §8.7): an absolute-URI or a
// partial-URI, with no fragment.
func (resp *Response) WithContentLocation(uri string) *Response {
	if uri == "" || !ValidLocation(uri) || strings.IndexByte(uri, '#') >= 0 {
		resp.failField(HeaderContentLocation, uri, "not an absolute or partial URI")
		return resp
	}
	resp.header.Set(HeaderContentLocation, uri)
	return resp
}

// WithBody sets the content and its media type. An empty contentType sends
// the content without a Content-Type (and keeps net/http from sniffing
// one); any other must parse as a media type.
func (resp *Response) WithBody(contentType string, b []byte) *Response {
	if contentType != "" {
		if _, _, err := mime.ParseMediaType(contentType); err != nil || !ValidFieldValue(contentType) {
			resp.failField("Content-Type", contentType, "not a media type")
			return resp
		}
	}
	if noContent(resp.code) {
		resp.fail(fmt.Errorf("%w: %d", ErrContentForbidden, resp.code))
		return resp
	}
	resp.body, resp.contentType = b, contentType
	resp.problem, resp.detail = false, ""
	return resp
}

// WithText sets s as the content, as text/plain; charset=utf-8.
func (resp *Response) WithText(s string) *Response {
	return resp.WithBody("text/plain; charset=utf-8", []byte(s))
}

// WithHTML sets s as the content, as text/html; charset=utf-8. s is sent
// as it is: escape what it quotes.
func (resp *Response) WithHTML(s string) *Response {
	return resp.WithBody("text/html; charset=utf-8", []byte(s))
}

// WithJSON sets the JSON encoding of v as the content, as
// application/json. An error from encoding/json is recorded and leaves the
// content as it was.
func (resp *Response) WithJSON(v any) *Response {
	b, err := json.Marshal(v)
	if err != nil {
		resp.fail(err)
		return resp
	}
	return resp.WithBody("application/json", b)
}

// WithProblem makes the content a generated error body holding the
// status, its reason phrase and detail, in the format set by WithFormat:
// by default the one negotiated on the request's Accept field when the
// Response is served (see WriteError).
func (resp *Response) WithProblem(detail string) *Response {
	if noContent(resp.code) {
		resp.fail(fmt.Errorf("%w: %d", ErrContentForbidden, resp.code))
		return resp
	}
	resp.body, resp.contentType = nil, ""
	resp.problem, resp.detail = true, detail
	return resp
}

// WithFormat sets the format of the generated error body of WithProblem.
// FormatAuto, the default, negotiates it.
func (resp *Response) WithFormat(f Format) *Response {
	if !f.valid() {
		resp.fail(ErrFormat)
		return resp
	}
	resp.format = f
	return resp
}

// ServeHTTP writes the Response to w: its header fields (replacing those
// of the same names already in w.Header()), its status and its content,
// as the catalogue allows.
//
// It sets Content-Length on the content it writes (0 when there is none)
// and Content-Type from the content, and removes Transfer-Encoding. A
// response to HEAD carries the header fields a GET would get, and no
// content. With 204 and 304 it sends no Content-Type, Content-Length or
// content; with 205, Content-Length: 0 and nothing else. A 1xx status is
// written as an interim response, and not at all to an HTTP/1.0 client
// (§15.2).
func (resp *Response) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for name, values := range resp.header {
		h[name] = append([]string(nil), values...)
	}
	code := resp.code
	method, _ := requestInfo(r)
	switch {
	case code < 200:
		writeInterim(w, r, code)
		return
	case resp.problem:
		WriteError(w, r, code, resp.detail, resp.format)
		return
	case !statusAllowsContent(method, code):
		writeBodiless(w, code)
		return
	}
	h.Del("Transfer-Encoding")
	switch {
	case resp.contentType != "":
		h.Set("Content-Type", resp.contentType)
	case resp.body != nil:
		h["Content-Type"] = nil // present, so that nothing sniffs one
	default:
		h.Del("Content-Type")
	}
	h.Set("Content-Length", strconv.Itoa(len(resp.body)))
	w.WriteHeader(code)
	if method != http.MethodHead && len(resp.body) > 0 {
		w.Write(resp.body)
	}
}

// statusAllowsContent reports whether a response with status code to a
// request with method may carry content, leaving HEAD aside: a response
// to HEAD carries the header fields of the GET response that could.
func statusAllowsContent(method string, code int) bool {
	if method == http.MethodHead {
		method = http.MethodGet
	}
	return ContentAllowed(method, code)
}

// writeInterim writes a 1xx interim response, unless the client speaks
// HTTP/1.0 (§15.2).
func writeInterim(w http.ResponseWriter, r *http.Request, code int) {
	if r != nil && !r.ProtoAtLeast(1, 1) {
		return
	}
	w.WriteHeader(code)
}

// writeBodiless writes the header section of a final response that cannot
// carry content: 204, 205, 304, or a 2xx to CONNECT.
func writeBodiless(w http.ResponseWriter, code int) {
	h := w.Header()
	h.Del("Transfer-Encoding")
	h.Del("Content-Type")
	if code == http.StatusResetContent {
		// Zero-length content must be indicated (§15.3.6).
		h.Set("Content-Length", "0")
	} else {
		h.Del("Content-Length")
	}
	w.WriteHeader(code)
}

// AddVary adds token to the Vary field of h, unless Vary lists it or "*"
// already.
func AddVary(h http.Header, token string) {
	for _, v := range h[HeaderVary] {
		for v != "" {
			var member string
			member, v = nextMember(v)
			member = trimOWS(member)
			if member == "*" || equalFoldASCII(member, token) {
				return
			}
		}
	}
	h.Add(HeaderVary, token)
}
