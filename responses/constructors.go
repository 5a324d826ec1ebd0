package responses

import (
	"net/http"
	"strings"
	"time"
)

// One constructor per status code of the catalogue, 100, 101 and the
// unused 305, 306 and 418 aside (net/http sends 100 Continue itself, and
// 101 needs the connection taken over). Each takes exactly the values the
// specification asks the sender of its status to generate. A value that
// is not valid is recorded and not sent; see Response.

// EarlyHints returns a 103 Early Hints interim response (RFC 8297) with
// one Link field per link, e.g. `</style.css>; rel=preload; as=style`.
// Serve it before the final response; the Link fields stay in the
// ResponseWriter's header map and go out with the final response too.
func EarlyHints(links ...string) *Response {
	resp := New(http.StatusEarlyHints)
	for _, l := range links {
		if !validLink(l) {
			resp.failField(HeaderLink, l, `not a link-value "<URI-reference>" with parameters`)
			continue
		}
		resp.header.Add(HeaderLink, l)
	}
	return resp
}

// OK returns a 200 OK response.
func OK() *Response { return New(http.StatusOK) }

// Created returns a 201 Created response whose Location names the new
// resource. An empty location sends no Location: the target URI is then
// the new resource (§15.3.2).
func Created(location string) *Response {
	resp := New(http.StatusCreated)
	if location != "" {
		resp.setLocation(location)
	}
	return resp
}

// Accepted returns a 202 Accepted response.
func Accepted() *Response { return New(http.StatusAccepted) }

// NonAuthoritativeInformation returns a 203 Non-Authoritative
// Information response, which a transforming proxy sends in place of 200.
func NonAuthoritativeInformation() *Response {
	return New(http.StatusNonAuthoritativeInfo)
}

// NoContent returns a 204 No Content response, which carries no content,
// Content-Length or Content-Type.
func NoContent() *Response { return New(http.StatusNoContent) }

// ResetContent returns a 205 Reset Content response, served with
// Content-Length: 0 and no content.
func ResetContent() *Response { return New(http.StatusResetContent) }

// PartialContent returns a 206 Partial Content response for the byte
// range start to end (inclusive) of a representation total bytes long
// (negative if unknown): Content-Range: bytes start-end/total. Set the
// range's bytes with WithBody. A range with start > end, a negative
// start, or an end not below a known total is refused.
func PartialContent(start, end, total int64) *Response {
	resp := New(http.StatusPartialContent)
	cr := ContentRange(start, end, total)
	if start < 0 || end < start || (total >= 0 && end >= total) {
		resp.failField(HeaderContentRange, cr, "not a satisfiable byte range")
		return resp
	}
	resp.header.Set(HeaderContentRange, cr)
	return resp
}

// MultipleChoices returns a 300 Multiple Choices response. preferred, if
// not empty, is sent as Location: the server's preferred choice.
func MultipleChoices(preferred string) *Response {
	resp := New(http.StatusMultipleChoices)
	if preferred != "" {
		resp.setLocation(preferred)
	}
	return resp
}

// MovedPermanently returns a 301 Moved Permanently response to location.
// Clients may change a POST into a GET; PermanentRedirect keeps the method.
func MovedPermanently(location string) *Response {
	return redirect(http.StatusMovedPermanently, location)
}

// Found returns a 302 Found response to location. Clients may change a
// POST into a GET; TemporaryRedirect keeps the method.
func Found(location string) *Response { return redirect(http.StatusFound, location) }

// SeeOther returns a 303 See Other response to location, which the client
// retrieves with GET.
func SeeOther(location string) *Response { return redirect(http.StatusSeeOther, location) }

// NotModified returns a 304 Not Modified response, which carries no
// content. Add the ETag, Cache-Control, Expires, Vary and
// Content-Location a 200 would have carried with WithHeader.
func NotModified() *Response { return New(http.StatusNotModified) }

// TemporaryRedirect returns a 307 Temporary Redirect response to
// location; the client repeats the request with the same method and
// content.
func TemporaryRedirect(location string) *Response {
	return redirect(http.StatusTemporaryRedirect, location)
}

// PermanentRedirect returns a 308 Permanent Redirect response to
// location; the client repeats the request with the same method and
// content.
func PermanentRedirect(location string) *Response {
	return redirect(http.StatusPermanentRedirect, location)
}

// BadRequest returns a 400 Bad Request response.
func BadRequest() *Response { return New(http.StatusBadRequest) }

// Unauthorized returns a 401 Unauthorized response with one
// WWW-Authenticate field per challenge, e.g. `Bearer realm="api"`. At
// least one valid challenge is required.
func Unauthorized(challenges ...string) *Response {
	return withChallenges(New(http.StatusUnauthorized), HeaderWWWAuthenticate, challenges)
}

// PaymentRequired returns a 402 Payment Required response.
func PaymentRequired() *Response { return New(http.StatusPaymentRequired) }

// Forbidden returns a 403 Forbidden response.
func Forbidden() *Response { return New(http.StatusForbidden) }

// NotFound returns a 404 Not Found response.
func NotFound() *Response { return New(http.StatusNotFound) }

// MethodNotAllowed returns a 405 Method Not Allowed response whose Allow
// field lists the allowed methods; none means the target allows none.
func MethodNotAllowed(allowed ...string) *Response {
	return New(http.StatusMethodNotAllowed).WithAllow(allowed...)
}

// NotAcceptable returns a 406 Not Acceptable response.
func NotAcceptable() *Response { return New(http.StatusNotAcceptable) }

// ProxyAuthenticationRequired returns a 407 Proxy Authentication Required
// response with one Proxy-Authenticate field per challenge. At least one
// valid challenge is required.
func ProxyAuthenticationRequired(challenges ...string) *Response {
	return withChallenges(New(http.StatusProxyAuthRequired), HeaderProxyAuthenticate, challenges)
}

// RequestTimeout returns a 408 Request Timeout response with
// Connection: close, so that the connection is closed after it (§15.5.9).
func RequestTimeout() *Response {
	resp := New(http.StatusRequestTimeout)
	resp.header.Set(HeaderConnection, "close")
	return resp
}

// Conflict returns a 409 Conflict response.
func Conflict() *Response { return New(http.StatusConflict) }

// Gone returns a 410 Gone response.
func Gone() *Response { return New(http.StatusGone) }

// LengthRequired returns a 411 Length Required response.
func LengthRequired() *Response { return New(http.StatusLengthRequired) }

// PreconditionFailed returns a 412 Precondition Failed response.
func PreconditionFailed() *Response { return New(http.StatusPreconditionFailed) }

// ContentTooLarge returns a 413 Content Too Large response. If the
// condition is temporary, say when to retry with WithRetryAfter.
func ContentTooLarge() *Response { return New(http.StatusRequestEntityTooLarge) }

// URITooLong returns a 414 URI Too Long response.
func URITooLong() *Response { return New(http.StatusRequestURITooLong) }

// UnsupportedMediaType returns a 415 Unsupported Media Type response. The
// Accept or Accept-Encoding fields that say what is supported can be
// added with WithHeader.
func UnsupportedMediaType() *Response { return New(http.StatusUnsupportedMediaType) }

// RangeNotSatisfiable returns a 416 Range Not Satisfiable response with
// Content-Range: bytes */completeLength. A negative length is refused.
func RangeNotSatisfiable(completeLength int64) *Response {
	resp := New(http.StatusRequestedRangeNotSatisfiable)
	cr := UnsatisfiedContentRange(completeLength)
	if completeLength < 0 {
		resp.failField(HeaderContentRange, cr, "negative complete length")
		return resp
	}
	resp.header.Set(HeaderContentRange, cr)
	return resp
}

// ExpectationFailed returns a 417 Expectation Failed response.
func ExpectationFailed() *Response { return New(http.StatusExpectationFailed) }

// MisdirectedRequest returns a 421 Misdirected Request response.
func MisdirectedRequest() *Response { return New(http.StatusMisdirectedRequest) }

// UnprocessableContent returns a 422 Unprocessable Content response.
func UnprocessableContent() *Response { return New(http.StatusUnprocessableEntity) }

// UpgradeRequired returns a 426 Upgrade Required response whose Upgrade
// field lists protocols, each "name" or "name/version" (e.g. "HTTP/3.0",
// "websocket"), with the Connection: upgrade that must accompany Upgrade
// (§7.8). At least one valid protocol is required.
func UpgradeRequired(protocols ...string) *Response {
	resp := New(http.StatusUpgradeRequired)
	valid := make([]string, 0, len(protocols))
	for _, p := range protocols {
		if !ValidProtocol(p) {
			resp.failField(HeaderUpgrade, p, `not a protocol "name" or "name/version"`)
			continue
		}
		valid = append(valid, p)
	}
	if len(valid) == 0 {
		resp.failField(HeaderUpgrade, "", "at least one protocol is required")
		return resp
	}
	resp.header.Set(HeaderUpgrade, strings.Join(valid, ", "))
	resp.header.Set(HeaderConnection, "upgrade")
	return resp
}

// PreconditionRequired returns a 428 Precondition Required response
// (RFC 6585).
func PreconditionRequired() *Response { return New(http.StatusPreconditionRequired) }

// TooManyRequests returns a 429 Too Many Requests response (RFC 6585)
// with Retry-After in seconds (rounded up). A retryAfter of zero or less
// sends no Retry-After.
func TooManyRequests(retryAfter time.Duration) *Response {
	return New(http.StatusTooManyRequests).WithRetryAfter(retryAfter)
}

// RequestHeaderFieldsTooLarge returns a 431 Request Header Fields Too
// Large response (RFC 6585).
func RequestHeaderFieldsTooLarge() *Response {
	return New(http.StatusRequestHeaderFieldsTooLarge)
}

// UnavailableForLegalReasons returns a 451 Unavailable For Legal Reasons
// response (RFC 7725). blockedBy, if not empty, is the URI of the entity
// that blocks the resource, sent as Link: <blockedBy>; rel="blocked-by".
func UnavailableForLegalReasons(blockedBy string) *Response {
	resp := New(http.StatusUnavailableForLegalReasons)
	if blockedBy == "" {
		return resp
	}
	if !ValidLocation(blockedBy) {
		resp.failField(HeaderLink, blockedBy, "not a URI-reference")
		return resp
	}
	resp.header.Add(HeaderLink, "<"+blockedBy+`>; rel="blocked-by"`)
	return resp
}

// InternalServerError returns a 500 Internal Server Error response.
func InternalServerError() *Response { return New(http.StatusInternalServerError) }

// NotImplemented returns a 501 Not Implemented response.
func NotImplemented() *Response { return New(http.StatusNotImplemented) }

// BadGateway returns a 502 Bad Gateway response.
func BadGateway() *Response { return New(http.StatusBadGateway) }

// ServiceUnavailable returns a 503 Service Unavailable response with
// Retry-After in seconds (rounded up). A retryAfter of zero or less sends
// no Retry-After.
func ServiceUnavailable(retryAfter time.Duration) *Response {
	return New(http.StatusServiceUnavailable).WithRetryAfter(retryAfter)
}

// ServiceUnavailableUntil returns a 503 Service Unavailable response with
// Retry-After as the HTTP-date t. A zero t sends no Retry-After.
func ServiceUnavailableUntil(t time.Time) *Response {
	return New(http.StatusServiceUnavailable).WithRetryAfterDate(t)
}

// GatewayTimeout returns a 504 Gateway Timeout response.
func GatewayTimeout() *Response { return New(http.StatusGatewayTimeout) }

// HTTPVersionNotSupported returns a 505 HTTP Version Not Supported
// response.
func HTTPVersionNotSupported() *Response { return New(http.StatusHTTPVersionNotSupported) }

// NetworkAuthenticationRequired returns a 511 Network Authentication
// Required response (RFC 6585), which only intercepting proxies send.
func NetworkAuthenticationRequired() *Response {
	return New(http.StatusNetworkAuthenticationRequired)
}
