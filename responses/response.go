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
// return it.
//
// A Response that exists is one that can be served as it is: every value
// is checked where it is given, and one that is not valid is refused
// there, never recorded to be sent without it. See the package
// documentation, "Errors", for the convention.
//
// Once built, a Response may serve any number of requests concurrently;
// it must not be modified while it does.
type Response struct {
	code        int
	header      http.Header
	body        []byte
	contentType string
	fixedBody   bool // the content is part of the status's fields (206)
	problem     bool // content is a generated error body
	detail      string
	format      Format
}

// ErrStatus is wrapped by the error New returns for a status code it
// cannot build a Response for, and Redirect for a code that is not a
// redirect.
var ErrStatus = errors.New("responses: status code")

// FieldError is the error returned for a header field value that is
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

func fieldError(field, value, reason string) error {
	return &FieldError{Field: field, Value: value, Reason: reason}
}

// MustBuild returns resp, and panics if err is not nil. It wraps a
// constructor or a With method whose values are written in the program,
// where an error is a bug, as template.Must does:
//
//	var login = responses.MustBuild(responses.Found("/login"))
func MustBuild(resp *Response, err error) *Response {
	if err != nil {
		panic(err)
	}
	return resp
}

// New returns a Response with status code, no header fields and no
// content, for a status that has no constructor of its own (an
// extension code such as 207) or whose constructor is not wanted.
//
// New refuses, with an error wrapping ErrStatus: a code outside 100–599;
// a code the specification reserves (305, 306, 418); and a code whose
// catalogue entry lists a field the sender MUST generate (101, 206, 401,
// 405, 407, 426), for which the constructor that takes that field's
// value (MethodNotAllowed, Unauthorized, ...) is the way to build one.
//
// A Response with a 1xx status writes an interim response, after which
// the caller writes the final one; its header fields stay in the
// ResponseWriter's header map and are sent with the final response too.
// Giving content to a status that cannot carry any panics (see WithBody):
// ask ContentAllowed first when the code comes from data.
func New(code int) (*Response, error) {
	switch s := lookup(code); {
	case !ValidCode(code):
		return nil, fmt.Errorf("%w %d is outside 100-599", ErrStatus, code)
	case s == nil:
	case s.Unused:
		return nil, fmt.Errorf("%w %d is reserved and must not be generated", ErrStatus, code)
	default:
		if f, ok := s.mustField(); ok {
			return nil, fmt.Errorf("%w %d needs %s (%s): use its constructor", ErrStatus, code, f.Name, s.Ref())
		}
	}
	return newResponse(code), nil
}

// newResponse returns a Response with status code, which the caller
// vouches for.
func newResponse(code int) *Response {
	return &Response{code: code, header: make(http.Header)}
}

// Code returns the status code the Response is served with.
func (resp *Response) Code() int { return resp.code }

// Header returns a copy of the Response's header fields. Changing it
// changes nothing: use WithHeader.
func (resp *Response) Header() http.Header { return resp.header.Clone() }

// managedFields are the fields WithHeader refuses, each with the way to
// set it: the content sets the framing fields, and the others have
// syntax that a constructor or a With method checks.
var managedFields = map[string]string{
	"Content-Type":        "set from the content (WithBody)",
	"Content-Length":      "set from the content when served",
	"Transfer-Encoding":   "set from the content when served",
	HeaderConnection:      "a connection option: RequestTimeout and UpgradeRequired set it",
	HeaderUpgrade:         "use UpgradeRequired",
	HeaderLocation:        "use Created or a redirect constructor",
	HeaderContentRange:    "use PartialContent or RangeNotSatisfiable",
	HeaderAllow:           "use WithAllow or MethodNotAllowed",
	HeaderRetryAfter:      "use WithRetryAfter or WithRetryAfterDate",
	HeaderContentLocation: "use WithContentLocation",
}

// WithHeader adds value to the field name, like http.Header.Add, and
// returns the Response. The name must be a token and the value a valid
// field value (no control characters, no surrounding white space); a
// Date must be an IMF-fixdate, and replaces any Date already set.
// Fields with a grammar the package knows are checked against it (Age,
// Expires, Last-Modified, ETag, Link, WWW-Authenticate,
// Proxy-Authenticate, Vary, Cache-Control, Accept-Ranges,
// Content-Encoding, Content-Language; see checkedFields), the singletons
// among them replacing any value already set; request fields and the
// fields proxies and caches add about themselves (Via, Proxy-Status,
// Cache-Status) are refused.
//
// The fields whose syntax the package checks elsewhere are refused, with
// the way to set them: Content-Type, Content-Length and Transfer-Encoding
// (set from the content), Location, Content-Range, Allow, Retry-After,
// Content-Location, Upgrade and Connection.
func (resp *Response) WithHeader(name, value string) (*Response, error) {
	if !ValidToken(name) {
		return nil, fieldError(name, value, "field name is not a token")
	}
	name = http.CanonicalHeaderKey(name)
	if how, ok := managedFields[name]; ok {
		return nil, fieldError(name, value, how)
	}
	if !ValidFieldValue(value) {
		return nil, fieldError(name, value, "not a valid field value")
	}
	if why, ok := refusedFields[name]; ok {
		return nil, fieldError(name, value, why)
	}
	if name == HeaderDate {
		if !IsIMFFixdate(value) {
			return nil, fieldError(name, value, "not an IMF-fixdate (RFC 9110 §5.6.7)")
		}
		resp.header.Set(name, value)
		return resp, nil
	}
	if c, ok := checkedFields[name]; ok {
		if !c.valid(value) {
			return nil, fieldError(name, value, c.what)
		}
		if c.singleton {
			resp.header.Set(name, value)
			return resp, nil
		}
	}
	resp.header.Add(name, value)
	return resp, nil
}

// WithContentLocation sets Content-Location, the URI of the
// representation the content is (RFC 9110 §8.7): an absolute-URI or a
// partial-URI, with no fragment.
func (resp *Response) WithContentLocation(uri string) (*Response, error) {
	if uri == "" || !ValidLocation(uri) || strings.IndexByte(uri, '#') >= 0 {
		return nil, fieldError(HeaderContentLocation, uri, "not an absolute or partial URI")
	}
	resp.header.Set(HeaderContentLocation, uri)
	return resp, nil
}

// mustAcceptContent panics unless the Response's status can carry
// content that a With method sets: none of 1xx, 204, 205 and 304 can,
// and a 206 carries the part PartialContent was given.
func (resp *Response) mustAcceptContent(what string) {
	switch {
	case noContent(resp.code):
		panic(fmt.Sprintf("responses: %s on %d %s, which cannot carry content", what, resp.code, Reason(resp.code)))
	case resp.fixedBody:
		panic(fmt.Sprintf("responses: %s on %d %s, whose content is the part its Content-Range describes", what, resp.code, Reason(resp.code)))
	}
}

// WithBody sets the content and its media type. An empty contentType
// sends the content without a Content-Type (and keeps net/http from
// sniffing one); any other must parse as a media type, type "/" subtype
// with parameters (RFC 9110 §8.3.1), or WithBody returns an error and
// changes nothing.
//
// Content on a status that cannot carry any (1xx, 204, 205, 304; see
// ContentAllowed), or on a 206, whose content PartialContent set, is a
// mistake in the program: WithBody and the other content methods
// (WithText, WithHTML, WithJSON, WithProblem) panic.
func (resp *Response) WithBody(contentType string, b []byte) (*Response, error) {
	resp.mustAcceptContent("content")
	if err := checkContentType(contentType); err != nil {
		return nil, err
	}
	resp.setBody(contentType, b)
	return resp, nil
}

func checkContentType(contentType string) error {
	if contentType == "" {
		return nil
	}
	// mime.ParseMediaType also takes a type without a subtype ("html"),
	// the form of a Content-Disposition, and tokens with characters that
	// RFC 9110's tchar excludes ("{"): the grammar is checked as well.
	if _, _, err := mime.ParseMediaType(contentType); err != nil || !ValidFieldValue(contentType) || !ValidMediaType(contentType) {
		return fieldError("Content-Type", contentType, "not a media type (type/subtype)")
	}
	return nil
}

func (resp *Response) setBody(contentType string, b []byte) {
	resp.body, resp.contentType = b, contentType
	resp.problem, resp.detail = false, ""
}

// WithText sets s as the content, as text/plain; charset=utf-8. It
// panics on a status that cannot take content (see WithBody).
func (resp *Response) WithText(s string) *Response {
	resp.mustAcceptContent("text")
	resp.setBody("text/plain; charset=utf-8", []byte(s))
	return resp
}

// WithHTML sets s as the content, as text/html; charset=utf-8. s is sent
// as it is: escape what it quotes. It panics on a status that cannot take
// content (see WithBody).
func (resp *Response) WithHTML(s string) *Response {
	resp.mustAcceptContent("HTML")
	resp.setBody("text/html; charset=utf-8", []byte(s))
	return resp
}

// WithJSON sets the JSON encoding of v as the content, as
// application/json. An error from encoding/json is returned and changes
// nothing. It panics on a status that cannot take content (see WithBody).
func (resp *Response) WithJSON(v any) (*Response, error) {
	resp.mustAcceptContent("JSON")
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	resp.setBody("application/json", b)
	return resp, nil
}

// WithProblem makes the content a generated error body holding the
// status, its reason phrase and detail, in the format set by WithFormat:
// by default the one negotiated on the request's Accept field when the
// Response is served (see WriteError). It panics on a status that cannot
// take content (see WithBody).
func (resp *Response) WithProblem(detail string) *Response {
	resp.mustAcceptContent("an error body")
	resp.body, resp.contentType = nil, ""
	resp.problem, resp.detail = true, detail
	return resp
}

// WithFormat sets the format of the generated error body of WithProblem.
// FormatAuto, the default, negotiates it. A Format that is not one of the
// constants is a mistake in the program: WithFormat panics.
func (resp *Response) WithFormat(f Format) *Response {
	if !f.valid() {
		panic(ErrFormat)
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
// (§15.2). Over HTTP/2 and HTTP/3, which have no connection-specific
// fields, Upgrade and Connection are not sent (a 426 says what to upgrade
// to only over HTTP/1.1).
func (resp *Response) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for name, values := range resp.header {
		h[name] = append([]string(nil), values...)
	}
	if r != nil && r.ProtoMajor >= 2 {
		// HTTP/2 and HTTP/3 have no connection-specific fields: with
		// Upgrade, the response is malformed (RFC 9113 §8.2.2, RFC 9114
		// §4.2), and Go's HTTP/2 server strips only Connection.
		delete(h, HeaderUpgrade)
		delete(h, HeaderConnection)
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
