// Package responses is a catalogue of every HTTP status code, what RFC 9110
// (and the RFCs that define the remaining registered codes) demands of a
// response that carries it, and constructors that obey those demands.
//
// The catalogue is the single source of truth: Lookup returns a code's
// entry, ContentAllowed says whether a response may carry content, and
// Check returns the ways a response breaks the rules.
//
// Each constructor (MethodNotAllowed, Created, ServiceUnavailable, ...)
// takes exactly the values the specification requires of its status and
// returns a *Response, an http.Handler that writes a conformant response:
// no content, Content-Type or Content-Length where the status forbids
// them, Content-Length: 0 on 205, headers but no content for HEAD. Values
// are checked against their field's syntax; one that fails is not sent and
// is reported by Response.Err.
//
// Generated error bodies hold the status, its reason phrase and a detail,
// as problem details (RFC 9457), JSON, HTML or plain text. Negotiate picks
// the format from a request's Accept field without allocating; WriteError
// writes a complete error response; AppendErrorBody renders the body alone.
//
// The field helpers (ParseRetryAfter, ValidHTTPDate, ParseAllow,
// ValidLocation, RepairLocation, ...) are the one place the package
// defines field syntax.
//
// The package depends on the standard library alone and can be used by
// any Go program.
package responses
