package responses

import (
	"net/http"
	"strings"
	"time"
)

// One constructor per status code of the catalogue, 100, 101 and the
// unused 305, 306 and 418 aside (net/http sends 100 Continue itself, and
// 101 needs the connection taken over). Each takes exactly the values the
// specification asks the sender of its status to generate; a value that
// the sender MUST generate is required by the signature. A constructor
// that takes values returns an error for one that is not valid, and no
// Response: see MustBuild for values written in the program.

// EarlyHints returns a 103 Early Hints interim response (RFC 8297) with
// one Link field per link, e.g. `</style.css>; rel=preload; as=style`:
// "<" URI-reference ">" and parameters, among them exactly one rel
// (RFC 8288 §3, §3.3). Serve it before the final
// response; the Link fields stay in the ResponseWriter's header map and
// go out with the final response too.
func EarlyHints(link string, more ...string) (*Response, error) {
	resp := newResponse(http.StatusEarlyHints)
	for _, l := range append([]string{link}, more...) {
		if !validLink(l) {
			return nil, fieldError(HeaderLink, l, `not a link-value "<URI-reference>" with parameters`)
		}
		resp.header.Add(HeaderLink, l)
	}
	return resp, nil
}

// OK returns a 200 OK response.
func OK() *Response { return newResponse(http.StatusOK) }

// Created returns a 201 Created response whose Location names the new
// resource, a URI-reference (see RepairLocation). An empty location
// sends no Location: the target URI is then the new resource (§15.3.2).
// A 201 is not a redirect: its Location may take any scheme.
func Created(location string) (*Response, error) {
	resp := newResponse(http.StatusCreated)
	if location == "" {
		return resp, nil
	}
	if err := checkLocation(location); err != nil {
		return nil, err
	}
	resp.header.Set(HeaderLocation, location)
	return resp, nil
}

// Accepted returns a 202 Accepted response.
func Accepted() *Response { return newResponse(http.StatusAccepted) }

// NonAuthoritativeInformation returns a 203 Non-Authoritative
// Information response, which a transforming proxy sends in place of 200.
func NonAuthoritativeInformation() *Response {
	return newResponse(http.StatusNonAuthoritativeInfo)
}

// NoContent returns a 204 No Content response, which carries no content,
// Content-Length or Content-Type.
func NoContent() *Response { return newResponse(http.StatusNoContent) }

// ResetContent returns a 205 Reset Content response, served with
// Content-Length: 0 and no content.
func ResetContent() *Response { return newResponse(http.StatusResetContent) }

// PartialContent returns a 206 Partial Content response whose content is
// part, the bytes of a representation total bytes long (negative if
// unknown) that start at offset start, as contentType ("" for none; see
// WithBody). Content-Range is derived from them, so that it cannot
// disagree with the content: bytes start-(start+len(part)-1)/total. An
// empty part, a negative start, or a part that ends past a known total is
// refused. The content cannot be changed afterwards.
//
// A multipart/byteranges 206 (several ranges) is not built here: see
// http.ServeContent.
func PartialContent(start, total int64, contentType string, part []byte) (*Response, error) {
	n := int64(len(part))
	end := start + n - 1
	if n == 0 || start < 0 || end < start || (total >= 0 && end >= total) {
		return nil, fieldError(HeaderContentRange, contentRange(start, end, total),
			"not a satisfiable byte range: the part must be non-empty and lie inside the representation")
	}
	if err := checkContentType(contentType); err != nil {
		return nil, err
	}
	resp := newResponse(http.StatusPartialContent)
	resp.header.Set(HeaderContentRange, contentRange(start, end, total))
	resp.setBody(contentType, part)
	resp.fixedBody = true
	return resp, nil
}

// MultipleChoices returns a 300 Multiple Choices response. preferred, if
// not empty, is sent as Location: the server's preferred choice, which a
// browser may follow, so it is checked as Redirect checks a location.
func MultipleChoices(preferred string) (*Response, error) {
	if preferred == "" {
		return newResponse(http.StatusMultipleChoices), nil
	}
	return Redirect(http.StatusMultipleChoices, preferred)
}

// MovedPermanently returns a 301 Moved Permanently response to location
// (see Redirect for what it may be). Clients may change a POST into a
// GET; PermanentRedirect keeps the method.
func MovedPermanently(location string) (*Response, error) {
	return Redirect(http.StatusMovedPermanently, location)
}

// Found returns a 302 Found response to location (see Redirect for what
// it may be). Clients may change a POST into a GET; TemporaryRedirect
// keeps the method.
func Found(location string) (*Response, error) { return Redirect(http.StatusFound, location) }

// SeeOther returns a 303 See Other response to location (see Redirect
// for what it may be), which the client retrieves with GET.
func SeeOther(location string) (*Response, error) { return Redirect(http.StatusSeeOther, location) }

// NotModified returns a 304 Not Modified response, which carries no
// content. Add the ETag, Cache-Control, Expires, Vary and
// Content-Location a 200 would have carried with WithHeader and
// WithContentLocation.
func NotModified() *Response { return newResponse(http.StatusNotModified) }

// TemporaryRedirect returns a 307 Temporary Redirect response to location
// (see Redirect for what it may be); the client repeats the request with
// the same method and content.
func TemporaryRedirect(location string) (*Response, error) {
	return Redirect(http.StatusTemporaryRedirect, location)
}

// PermanentRedirect returns a 308 Permanent Redirect response to location
// (see Redirect for what it may be); the client repeats the request with
// the same method and content.
func PermanentRedirect(location string) (*Response, error) {
	return Redirect(http.StatusPermanentRedirect, location)
}

// BadRequest returns a 400 Bad Request response.
func BadRequest() *Response { return newResponse(http.StatusBadRequest) }

// Unauthorized returns a 401 Unauthorized response with one
// WWW-Authenticate field per challenge, e.g. `Bearer realm="api"`: an
// auth-scheme token, then, if it has any, a space and either a token68 or
// a comma-separated list of auth-params (name=token or name="quoted"),
// each name once (§11.2, §11.6.1). At least one challenge is required
// (§15.5.2).
func Unauthorized(challenge string, more ...string) (*Response, error) {
	return withChallenges(http.StatusUnauthorized, HeaderWWWAuthenticate, challenge, more)
}

func withChallenges(code int, field, challenge string, more []string) (*Response, error) {
	challenges, err := challengeValues(field, challenge, more)
	if err != nil {
		return nil, err
	}
	resp := newResponse(code)
	resp.header[field] = challenges
	return resp, nil
}

// PaymentRequired returns a 402 Payment Required response.
func PaymentRequired() *Response { return newResponse(http.StatusPaymentRequired) }

// Forbidden returns a 403 Forbidden response.
func Forbidden() *Response { return newResponse(http.StatusForbidden) }

// NotFound returns a 404 Not Found response.
func NotFound() *Response { return newResponse(http.StatusNotFound) }

// MethodNotAllowed returns a 405 Method Not Allowed response whose Allow
// field lists the methods the target allows, each a token; at least one
// is required (§15.5.6).
func MethodNotAllowed(method string, more ...string) (*Response, error) {
	v, err := allowValue(method, more)
	if err != nil {
		return nil, err
	}
	resp := newResponse(http.StatusMethodNotAllowed)
	resp.header.Set(HeaderAllow, v)
	return resp, nil
}

// NotAcceptable returns a 406 Not Acceptable response.
func NotAcceptable() *Response { return newResponse(http.StatusNotAcceptable) }

// ProxyAuthenticationRequired returns a 407 Proxy Authentication Required
// response with one Proxy-Authenticate field per challenge (see
// Unauthorized). At least one challenge is required (§15.5.8).
func ProxyAuthenticationRequired(challenge string, more ...string) (*Response, error) {
	return withChallenges(http.StatusProxyAuthRequired, HeaderProxyAuthenticate, challenge, more)
}

// RequestTimeout returns a 408 Request Timeout response with
// Connection: close, so that the connection is closed after it (§15.5.9).
func RequestTimeout() *Response {
	resp := newResponse(http.StatusRequestTimeout)
	resp.header.Set(HeaderConnection, "close")
	return resp
}

// Conflict returns a 409 Conflict response.
func Conflict() *Response { return newResponse(http.StatusConflict) }

// Gone returns a 410 Gone response.
func Gone() *Response { return newResponse(http.StatusGone) }

// LengthRequired returns a 411 Length Required response.
func LengthRequired() *Response { return newResponse(http.StatusLengthRequired) }

// PreconditionFailed returns a 412 Precondition Failed response.
func PreconditionFailed() *Response { return newResponse(http.StatusPreconditionFailed) }

// ContentTooLarge returns a 413 Content Too Large response. If the
// condition is temporary, say when to retry with WithRetryAfter.
func ContentTooLarge() *Response { return newResponse(http.StatusRequestEntityTooLarge) }

// URITooLong returns a 414 URI Too Long response.
func URITooLong() *Response { return newResponse(http.StatusRequestURITooLong) }

// UnsupportedMediaType returns a 415 Unsupported Media Type response. The
// Accept or Accept-Encoding fields that say what is supported can be
// added with WithHeader.
func UnsupportedMediaType() *Response { return newResponse(http.StatusUnsupportedMediaType) }

// RangeNotSatisfiable returns a 416 Range Not Satisfiable response with
// Content-Range: bytes */completeLength. A negative length is refused.
func RangeNotSatisfiable(completeLength int64) (*Response, error) {
	cr := unsatisfiedContentRange(completeLength)
	if completeLength < 0 {
		return nil, fieldError(HeaderContentRange, cr, "negative complete length")
	}
	resp := newResponse(http.StatusRequestedRangeNotSatisfiable)
	resp.header.Set(HeaderContentRange, cr)
	return resp, nil
}

// ExpectationFailed returns a 417 Expectation Failed response.
func ExpectationFailed() *Response { return newResponse(http.StatusExpectationFailed) }

// MisdirectedRequest returns a 421 Misdirected Request response.
func MisdirectedRequest() *Response { return newResponse(http.StatusMisdirectedRequest) }

// UnprocessableContent returns a 422 Unprocessable Content response.
func UnprocessableContent() *Response { return newResponse(http.StatusUnprocessableEntity) }

// UpgradeRequired returns a 426 Upgrade Required response whose Upgrade
// field lists protocols, each "name" or "name/version" (e.g. "HTTP/3.0",
// "websocket"), with the Connection: upgrade that must accompany Upgrade
// (§7.8). At least one protocol is required (§15.5.22). HTTP/2 and
// HTTP/3 forbid both fields: there it is served without them (see
// ServeHTTP).
func UpgradeRequired(protocol string, more ...string) (*Response, error) {
	protocols := append([]string{protocol}, more...)
	for _, p := range protocols {
		if !ValidProtocol(p) {
			return nil, fieldError(HeaderUpgrade, p, `not a protocol "name" or "name/version"`)
		}
	}
	resp := newResponse(http.StatusUpgradeRequired)
	resp.header.Set(HeaderUpgrade, strings.Join(protocols, ", "))
	resp.header.Set(HeaderConnection, "upgrade")
	return resp, nil
}

// PreconditionRequired returns a 428 Precondition Required response
// (RFC 6585).
func PreconditionRequired() *Response { return newResponse(http.StatusPreconditionRequired) }

// TooManyRequests returns a 429 Too Many Requests response (RFC 6585)
// with Retry-After in seconds (rounded up). A retryAfter of zero or less
// sends no Retry-After.
func TooManyRequests(retryAfter time.Duration) *Response {
	return newResponse(http.StatusTooManyRequests).WithRetryAfter(retryAfter)
}

// RequestHeaderFieldsTooLarge returns a 431 Request Header Fields Too
// Large response (RFC 6585).
func RequestHeaderFieldsTooLarge() *Response {
	return newResponse(http.StatusRequestHeaderFieldsTooLarge)
}

// UnavailableForLegalReasons returns a 451 Unavailable For Legal Reasons
// response (RFC 7725). blockedBy, if not empty, is the URI of the entity
// that blocks the resource, a URI-reference, sent as
// Link: <blockedBy>; rel="blocked-by".
func UnavailableForLegalReasons(blockedBy string) (*Response, error) {
	resp := newResponse(http.StatusUnavailableForLegalReasons)
	if blockedBy == "" {
		return resp, nil
	}
	if !ValidLocation(blockedBy) {
		return nil, fieldError(HeaderLink, blockedBy, "not a URI-reference")
	}
	resp.header.Add(HeaderLink, "<"+blockedBy+`>; rel="blocked-by"`)
	return resp, nil
}

// InternalServerError returns a 500 Internal Server Error response.
func InternalServerError() *Response { return newResponse(http.StatusInternalServerError) }

// NotImplemented returns a 501 Not Implemented response.
func NotImplemented() *Response { return newResponse(http.StatusNotImplemented) }

// BadGateway returns a 502 Bad Gateway response.
func BadGateway() *Response { return newResponse(http.StatusBadGateway) }

// ServiceUnavailable returns a 503 Service Unavailable response with
// Retry-After in seconds (rounded up). A retryAfter of zero or less sends
// no Retry-After.
func ServiceUnavailable(retryAfter time.Duration) *Response {
	return newResponse(http.StatusServiceUnavailable).WithRetryAfter(retryAfter)
}

// ServiceUnavailableUntil returns a 503 Service Unavailable response with
// Retry-After as the HTTP-date t. A zero t sends no Retry-After; a year
// outside 0000–9999 is refused (see WithRetryAfterDate).
func ServiceUnavailableUntil(t time.Time) (*Response, error) {
	return newResponse(http.StatusServiceUnavailable).WithRetryAfterDate(t)
}

// GatewayTimeout returns a 504 Gateway Timeout response.
func GatewayTimeout() *Response { return newResponse(http.StatusGatewayTimeout) }

// HTTPVersionNotSupported returns a 505 HTTP Version Not Supported
// response.
func HTTPVersionNotSupported() *Response { return newResponse(http.StatusHTTPVersionNotSupported) }

// NetworkAuthenticationRequired returns a 511 Network Authentication
// Required response (RFC 6585), which only intercepting proxies send.
func NetworkAuthenticationRequired() *Response {
	return newResponse(http.StatusNetworkAuthenticationRequired)
}
