package responses

import (
	"net/http"
	"strconv"
)

// Class is the class of a status code: its first digit (RFC 9110 §15).
type Class int

// The five classes of status codes (RFC 9110 §15).
const (
	Informational Class = 1 // 1xx: interim response
	Successful    Class = 2 // 2xx: the request was received, understood and accepted
	Redirection   Class = 3 // 3xx: further action is needed
	ClientError   Class = 4 // 4xx: the request is in error
	ServerError   Class = 5 // 5xx: the server failed to fulfil a valid request
)

// ClassOf returns the class of code, or 0 when code is outside 100–599.
func ClassOf(code int) Class {
	if !ValidCode(code) {
		return 0
	}
	return Class(code / 100)
}

// ValidCode reports whether code is a syntactically valid status code:
// three digits, the first 1 to 5 (RFC 9110 §15).
func ValidCode(code int) bool { return code >= 100 && code <= 599 }

// String returns the class as "1xx" to "5xx".
func (c Class) String() string {
	if c < Informational || c > ServerError {
		return "invalid"
	}
	return strconv.Itoa(int(c)) + "xx"
}

// Level is a requirement level of RFC 2119 as RFC 9110 uses it.
type Level int

// Requirement levels, strongest first.
const (
	Must Level = iota + 1
	Should
	May
)

// String returns "MUST", "SHOULD" or "MAY".
func (l Level) String() string {
	switch l {
	case Must:
		return "MUST"
	case Should:
		return "SHOULD"
	case May:
		return "MAY"
	}
	return "UNKNOWN"
}

// Field is a header field that the sender of a status generates, with the
// level at which the specification asks for it.
type Field struct {
	// Name is the canonical header field name, e.g. "Allow".
	Name string
	// Level says whether the sender MUST, SHOULD or MAY send it.
	Level Level
	// Note qualifies the requirement, e.g. "unless multipart/byteranges".
	Note string
}

// Status is one entry of the catalogue: a status code and what the
// specification demands of a response that carries it.
type Status struct {
	// Code is the three-digit status code.
	Code int
	// Reason is the registered reason phrase, e.g. "Method Not Allowed".
	Reason string
	// Class is the status's class (its first digit).
	Class Class
	// RFC names the document that defines the code, e.g. "RFC 9110".
	RFC string
	// Section is the section of RFC that defines the code, e.g. "15.5.6".
	Section string
	// NoContent is true when a response with this status cannot carry
	// content (1xx, 204, 205, 304). No response to HEAD carries content
	// either; see ContentAllowed.
	NoContent bool
	// Unused is true for codes that are deprecated or reserved and must
	// not be generated (305, 306, 418).
	Unused bool
	// Cacheable is true when the status is heuristically cacheable by
	// default (RFC 9110 §15.1).
	Cacheable bool
	// Fields lists the header fields a sender generates with this status,
	// each with its requirement level. Lookup and All return a copy of
	// it: changing it changes nothing for other callers.
	Fields []Field
}

// Ref returns the status's reference as "RFC 9110 §15.5.6".
func (s Status) Ref() string { return s.RFC + " §" + s.Section }

// Requires reports the level at which field (in any case) is asked for
// with this status, or 0 when the catalogue does not name it.
func (s Status) Requires(field string) Level {
	field = http.CanonicalHeaderKey(field)
	for _, f := range s.Fields {
		if f.Name == field {
			return f.Level
		}
	}
	return 0
}

// mustField returns the first field, Date aside, that the sender of the
// status MUST generate whatever the request: one a constructor has to
// take. The fields a 206 or 304 repeats from a 200 are not: whether they
// are due depends on the 200.
func (s *Status) mustField() (Field, bool) {
	for _, f := range s.Fields {
		if f.Level == Must && f.Name != HeaderDate && f.Note != ifIn200 {
			return f, true
		}
	}
	return Field{}, false
}

// Canonical names of the header fields whose presence or syntax a
// status's requirements turn on: what a program that checks responses
// looks for. Status.Requires takes any field name, in any case.
const (
	HeaderAllow             = "Allow"
	HeaderWWWAuthenticate   = "Www-Authenticate"
	HeaderProxyAuthenticate = "Proxy-Authenticate"
	HeaderUpgrade           = "Upgrade"
	HeaderContentRange      = "Content-Range"
	HeaderLocation          = "Location"
	HeaderRetryAfter        = "Retry-After"
	HeaderDate              = "Date"
	HeaderContentLocation   = "Content-Location"
	HeaderLink              = "Link"
	HeaderConnection        = "Connection"
	HeaderETag              = "Etag"
	HeaderLastModified      = "Last-Modified"
	HeaderCacheControl      = "Cache-Control"
	HeaderExpires           = "Expires"
	HeaderVary              = "Vary"
	HeaderAccept            = "Accept"
	HeaderAcceptEncoding    = "Accept-Encoding"
)

// ifIn200 qualifies the fields a 206 or 304 MUST carry when a 200 to the
// same request would have carried them (§15.3.7, §15.4.5).
const ifIn200 = "if a 200 to the same request would have carried it"

// validatorsOf200 are the fields a 206 or a 304 repeats from the 200 it
// stands for, Date aside (which init adds).
var validatorsOf200 = []Field{
	{Name: HeaderCacheControl, Level: Must, Note: ifIn200},
	{Name: HeaderContentLocation, Level: Must, Note: ifIn200},
	{Name: HeaderETag, Level: Must, Note: ifIn200},
	{Name: HeaderExpires, Level: Must, Note: ifIn200},
	{Name: HeaderVary, Level: Must, Note: ifIn200},
}

const rfc9110 = "RFC 9110"

// table is the catalogue: every registered status code this package knows.
// Date (MUST on 2xx–4xx, MAY on 1xx and 5xx, §6.6.1) is added by init
// rather than repeated here.
var table = []Status{
	{Code: 100, Reason: "Continue", RFC: rfc9110, Section: "15.2.1", NoContent: true},
	{Code: 101, Reason: "Switching Protocols", RFC: rfc9110, Section: "15.2.2", NoContent: true,
		Fields: []Field{
			{Name: HeaderUpgrade, Level: Must, Note: "the protocols switched to"},
			{Name: HeaderConnection, Level: Must, Note: `the "upgrade" option, with Upgrade (§7.8)`},
		}},
	{Code: 103, Reason: "Early Hints", RFC: "RFC 8297", Section: "2", NoContent: true,
		Fields: []Field{{Name: HeaderLink, Level: May, Note: "preload hints"}}},

	{Code: 200, Reason: "OK", RFC: rfc9110, Section: "15.3.1", Cacheable: true},
	{Code: 201, Reason: "Created", RFC: rfc9110, Section: "15.3.2",
		Fields: []Field{
			{Name: HeaderLocation, Level: Should, Note: "the new resource; absent means the target URI"},
			{Name: HeaderETag, Level: May, Note: "validator of the new representation"},
			{Name: HeaderLastModified, Level: May, Note: "validator of the new representation"},
		}},
	{Code: 202, Reason: "Accepted", RFC: rfc9110, Section: "15.3.3"},
	{Code: 203, Reason: "Non-Authoritative Information", RFC: rfc9110, Section: "15.3.4", Cacheable: true},
	{Code: 204, Reason: "No Content", RFC: rfc9110, Section: "15.3.5", NoContent: true, Cacheable: true},
	{Code: 205, Reason: "Reset Content", RFC: rfc9110, Section: "15.3.6", NoContent: true},
	{Code: 206, Reason: "Partial Content", RFC: rfc9110, Section: "15.3.7", Cacheable: true,
		Fields: append([]Field{{Name: HeaderContentRange, Level: Must, Note: "unless multipart/byteranges"}}, validatorsOf200...)},

	{Code: 300, Reason: "Multiple Choices", RFC: rfc9110, Section: "15.4.1", Cacheable: true,
		Fields: []Field{{Name: HeaderLocation, Level: Should, Note: "the preferred choice, if any"}}},
	{Code: 301, Reason: "Moved Permanently", RFC: rfc9110, Section: "15.4.2", Cacheable: true,
		Fields: []Field{{Name: HeaderLocation, Level: Should}}},
	{Code: 302, Reason: "Found", RFC: rfc9110, Section: "15.4.3",
		Fields: []Field{{Name: HeaderLocation, Level: Should}}},
	{Code: 303, Reason: "See Other", RFC: rfc9110, Section: "15.4.4",
		Fields: []Field{{Name: HeaderLocation, Level: Should}}},
	{Code: 304, Reason: "Not Modified", RFC: rfc9110, Section: "15.4.5", NoContent: true,
		Fields: append([]Field(nil), validatorsOf200...)},
	{Code: 305, Reason: "Use Proxy", RFC: rfc9110, Section: "15.4.6", Unused: true},
	{Code: 306, Reason: "(Unused)", RFC: rfc9110, Section: "15.4.7", Unused: true},
	{Code: 307, Reason: "Temporary Redirect", RFC: rfc9110, Section: "15.4.8",
		Fields: []Field{{Name: HeaderLocation, Level: Should}}},
	{Code: 308, Reason: "Permanent Redirect", RFC: rfc9110, Section: "15.4.9", Cacheable: true,
		Fields: []Field{{Name: HeaderLocation, Level: Should}}},

	{Code: 400, Reason: "Bad Request", RFC: rfc9110, Section: "15.5.1"},
	{Code: 401, Reason: "Unauthorized", RFC: rfc9110, Section: "15.5.2",
		Fields: []Field{{Name: HeaderWWWAuthenticate, Level: Must, Note: "at least one challenge"}}},
	{Code: 402, Reason: "Payment Required", RFC: rfc9110, Section: "15.5.3"},
	{Code: 403, Reason: "Forbidden", RFC: rfc9110, Section: "15.5.4"},
	{Code: 404, Reason: "Not Found", RFC: rfc9110, Section: "15.5.5", Cacheable: true},
	{Code: 405, Reason: "Method Not Allowed", RFC: rfc9110, Section: "15.5.6", Cacheable: true,
		Fields: []Field{{Name: HeaderAllow, Level: Must, Note: "the target's supported methods; may be empty"}}},
	{Code: 406, Reason: "Not Acceptable", RFC: rfc9110, Section: "15.5.7"},
	{Code: 407, Reason: "Proxy Authentication Required", RFC: rfc9110, Section: "15.5.8",
		Fields: []Field{{Name: HeaderProxyAuthenticate, Level: Must, Note: "at least one challenge"}}},
	{Code: 408, Reason: "Request Timeout", RFC: rfc9110, Section: "15.5.9",
		Fields: []Field{{Name: HeaderConnection, Level: Should, Note: "close"}}},
	{Code: 409, Reason: "Conflict", RFC: rfc9110, Section: "15.5.10"},
	{Code: 410, Reason: "Gone", RFC: rfc9110, Section: "15.5.11", Cacheable: true},
	{Code: 411, Reason: "Length Required", RFC: rfc9110, Section: "15.5.12"},
	{Code: 412, Reason: "Precondition Failed", RFC: rfc9110, Section: "15.5.13"},
	{Code: 413, Reason: "Content Too Large", RFC: rfc9110, Section: "15.5.14",
		Fields: []Field{{Name: HeaderRetryAfter, Level: Should, Note: "if the condition is temporary"}}},
	{Code: 414, Reason: "URI Too Long", RFC: rfc9110, Section: "15.5.15", Cacheable: true},
	{Code: 415, Reason: "Unsupported Media Type", RFC: rfc9110, Section: "15.5.16",
		Fields: []Field{
			{Name: HeaderAccept, Level: May, Note: "the media types accepted (ought to, §15.5.16)"},
			{Name: HeaderAcceptEncoding, Level: May, Note: "the content codings accepted (ought to, §12.5.3)"},
		}},
	{Code: 416, Reason: "Range Not Satisfiable", RFC: rfc9110, Section: "15.5.17",
		Fields: []Field{{Name: HeaderContentRange, Level: Should, Note: "bytes */complete-length"}}},
	{Code: 417, Reason: "Expectation Failed", RFC: rfc9110, Section: "15.5.18"},
	{Code: 418, Reason: "(Unused)", RFC: rfc9110, Section: "15.5.19", Unused: true},
	{Code: 421, Reason: "Misdirected Request", RFC: rfc9110, Section: "15.5.20"},
	{Code: 422, Reason: "Unprocessable Content", RFC: rfc9110, Section: "15.5.21"},
	{Code: 426, Reason: "Upgrade Required", RFC: rfc9110, Section: "15.5.22",
		Fields: []Field{
			{Name: HeaderUpgrade, Level: Must, Note: "the protocols required"},
			{Name: HeaderConnection, Level: Must, Note: `the "upgrade" option, with Upgrade (§7.8)`},
		}},
	{Code: 428, Reason: "Precondition Required", RFC: "RFC 6585", Section: "3"},
	{Code: 429, Reason: "Too Many Requests", RFC: "RFC 6585", Section: "4",
		Fields: []Field{{Name: HeaderRetryAfter, Level: May}}},
	{Code: 431, Reason: "Request Header Fields Too Large", RFC: "RFC 6585", Section: "5"},
	{Code: 451, Reason: "Unavailable For Legal Reasons", RFC: "RFC 7725", Section: "3", Cacheable: true,
		Fields: []Field{{Name: HeaderLink, Level: Should, Note: `rel="blocked-by"`}}},

	{Code: 500, Reason: "Internal Server Error", RFC: rfc9110, Section: "15.6.1"},
	{Code: 501, Reason: "Not Implemented", RFC: rfc9110, Section: "15.6.2", Cacheable: true},
	{Code: 502, Reason: "Bad Gateway", RFC: rfc9110, Section: "15.6.3"},
	{Code: 503, Reason: "Service Unavailable", RFC: rfc9110, Section: "15.6.4",
		Fields: []Field{{Name: HeaderRetryAfter, Level: May}}},
	{Code: 504, Reason: "Gateway Timeout", RFC: rfc9110, Section: "15.6.5"},
	{Code: 505, Reason: "HTTP Version Not Supported", RFC: rfc9110, Section: "15.6.6"},
	{Code: 511, Reason: "Network Authentication Required", RFC: "RFC 6585", Section: "6"},
}

// byCode indexes table by code minus 100, for lookups without a map.
var byCode [500]int16

func init() {
	for i := range table {
		s := &table[i]
		s.Class = Class(s.Code / 100)
		switch {
		case s.Unused:
		case s.Class >= Successful && s.Class <= ClientError:
			s.Fields = append(s.Fields, Field{Name: HeaderDate, Level: Must, Note: "origin server with a clock (§6.6.1)"})
		default:
			s.Fields = append(s.Fields, Field{Name: HeaderDate, Level: May, Note: "origin server with a clock (§6.6.1)"})
		}
		byCode[s.Code-100] = int16(i + 1)
	}
}

// Lookup returns a copy of the catalogue entry for code. For a code the
// catalogue does not list, ok is false.
func Lookup(code int) (s Status, ok bool) {
	if p := lookup(code); p != nil {
		return p.clone(), true
	}
	return Status{}, false
}

func lookup(code int) *Status {
	if !ValidCode(code) {
		return nil
	}
	if i := byCode[code-100]; i != 0 {
		return &table[i-1]
	}
	return nil
}

// clone returns a copy of s that shares no memory with the catalogue.
func (s *Status) clone() Status {
	c := *s
	c.Fields = append([]Field(nil), s.Fields...)
	return c
}

// All returns every entry of the catalogue, in order of code. The entries
// are copies: changing them changes nothing for other callers.
func All() []Status {
	out := make([]Status, len(table))
	for i := range table {
		out[i] = table[i].clone()
	}
	return out
}

// Reason returns the reason phrase of code. An unknown code inside
// 100–599 gets the phrase of its class's x00 code (RFC 9110 §15); a code
// outside that range gets "".
func Reason(code int) string {
	if s := lookup(code); s != nil {
		return s.Reason
	}
	if s := lookup(code / 100 * 100); s != nil {
		return s.Reason
	}
	return ""
}

// ContentAllowed reports whether a response with status code to a request
// with method may carry content. No response to HEAD does (§9.3.2), nor
// 1xx, 204, 205 or 304, nor a 2xx response to CONNECT (§9.3.6). An unknown
// code is treated as the x00 of its class.
func ContentAllowed(method string, code int) bool {
	if method == "HEAD" {
		return false
	}
	if code/100 == 2 && method == "CONNECT" {
		return false
	}
	return !noContent(code)
}

// noContent reports whether code itself forbids content.
func noContent(code int) bool {
	if code >= 100 && code < 200 {
		return true
	}
	if s := lookup(code); s != nil {
		return s.NoContent
	}
	return false
}
