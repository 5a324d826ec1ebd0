// Package responses is a catalogue of every HTTP status code, what RFC 9110
// (and the RFCs that define the remaining registered codes) demands of a
// response that carries it, and constructors that obey those demands. It
// depends on the standard library alone and can be used by any Go program.
//
// # The catalogue
//
// Lookup returns what the catalogue knows of a code: its reason phrase,
// the section that defines it, whether it may carry content and be cached,
// and the header fields its sender MUST, SHOULD or MAY generate:
//
//	s, _ := responses.Lookup(http.StatusMethodNotAllowed)
//	s.Requires("Allow") // responses.Must
//
// All lists every entry; Reason, ContentAllowed and ValidCode answer the
// common questions directly. What Lookup and All return is a copy: a
// caller cannot change the catalogue for others.
//
// # Constructors
//
// One function per status builds a *Response, an http.Handler, and takes
// exactly the values the specification requires of that status: Allow for
// 405, a challenge for 401, a location for a redirect, the range for 206.
// A value the sender MUST send is required by the signature:
//
//	responses.MethodNotAllowed("GET", "HEAD")    // at least one method
//	responses.Unauthorized(`Bearer realm="api"`) // at least one challenge
//	responses.PartialContent(0, 1000, "text/plain", part)
//
// The With methods add what the status may carry: content (WithText,
// WithJSON, WithBody, ...), other header fields (WithHeader), a generated
// error body (WithProblem). Serving writes what the catalogue allows: no
// content, Content-Type or Content-Length where the status forbids them,
// Content-Length: 0 on 205, the header fields of a GET but no content for
// HEAD, no 1xx to an HTTP/1.0 client.
//
// # Errors
//
// A Response is never sent without a value it was given, and never
// carries one that breaks its field's syntax: each value is checked where
// it is given, and the convention is the same everywhere.
//
//   - A value that can come from data (a location, a method, a challenge,
//     a byte range, a header field, JSON content) is taken by a function
//     that returns an error with the Response: a *FieldError naming the
//     field, or one wrapping ErrStatus. With the error comes no Response,
//     and a With method that returns one leaves its Response unchanged.
//   - MustBuild turns that error into a panic, for values written in the
//     program, as template.Must does.
//   - What no data can make wrong, only the program, panics where it is
//     done, as http.ResponseWriter.WriteHeader does for an invalid code:
//     content for a status that cannot carry any, other content for a
//     206, a Format that is not one of the constants.
//
// For example:
//
//	var login = responses.MustBuild(responses.Found("/login")) // a literal
//
//	resp, err := responses.Found(next) // next comes from the request
//	if err != nil {
//		responses.BadRequest().WithProblem("bad next").ServeHTTP(w, r)
//		return
//	}
//	resp.ServeHTTP(w, r)
//
// Redirects (Redirect, Found, SeeOther, ...) go to a relative reference or
// an http or https URI; any other scheme (javascript:, data:, file:, an
// application's own) is refused unless Redirect is told to allow it.
//
// # Error bodies
//
// A generated error body holds the status, its reason phrase and a
// detail, as problem details (RFC 9457), JSON, HTML or plain text.
// WithProblem gives a Response one; WriteError writes a complete error
// response without building one; both negotiate the format on the
// request's Accept field (Negotiate) unless told one (Format).
// AppendErrorBody renders the body alone. WriteError writes the status it
// is given: the fields that status requires (Allow on 405, ...) are the
// caller's to set first, where a constructor would have asked for them.
//
// # Field syntax
//
// The field helpers are the one place the package defines field syntax,
// for the constructors and for programs that check responses: ValidToken,
// ValidFieldValue, ValidLocation and RepairLocation, ValidHTTPDate,
// ValidRetryAfter, ParseRetryAfter, RetryAfterSeconds and RetryAfterDate,
// ValidProtocol, FormatAllow, AddVary.
//
// # Checking a service's responses
//
// The rules that package normalize enforces in front of services take
// what each status requires from this catalogue. A Go service's tests can
// hold its own handlers to them, whether they use the constructors or
// not: package normalize/conformtest fails a test on a broken MUST and
// logs a broken SHOULD, and normalize.CheckResponse lists what a response
// breaks, each with its rule's id, level and section.
//
//	rec := httptest.NewRecorder()
//	req := httptest.NewRequest("DELETE", "/items/42", nil)
//	items.ServeHTTP(rec, req)
//	conformtest.CheckRecorder(t, rec, req)
package responses
