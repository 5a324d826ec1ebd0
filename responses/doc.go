// Package responses is a catalogue of every HTTP status code, what RFC 9110
// (and the RFCs that define the remaining registered codes) demands of a
// response that carries it, and constructors that obey those demands.
//
// The catalogue is the single source of truth: Lookup returns a code's
// entry, Check returns the ways a response breaks the rules, and each
// constructor (MethodNotAllowed, Created, ServiceUnavailable, ...) takes
// exactly the values the specification requires of its status and writes
// a conformant response as an http.Handler.
//
// The package depends on the standard library alone and can be used by
// any Go program.
package responses
