// Package audit finds what an HTTP service breaks of RFC 9110, as the
// normalize handler would see it, without putting anything in front of
// it: it sends GET, HEAD and OPTIONS (and any method it is told to) to
// each URL, reads each response off the socket with its own small
// HTTP/1.1 client, judges it with every rule as if set to report, and
// suggests the normalize block that would repair what a proxy can repair.
//
// It is the engine of the command
//
//	caddy normalize audit [--method M]... [--header "K: V"]... [--timeout 10s] [--format text|json] URL...
//
// and depends on no part of Caddy.
//
// # Why its own client
//
// Go's HTTP client hides the very mistakes a legacy service makes: it
// never reads a body that follows a response to HEAD, or a 204 or a 304;
// it collapses repeated Content-Length fields; it hands 1xx responses to
// a trace hook at best. The Client here records the status line, every
// header field line as sent (repeats included), each interim response,
// and whether content followed where the framing says none may. A
// request is bounded by a timeout and the content read by a byte limit.
//
// # Judging
//
// Every response is judged by one function, judge (judge.go), that asks
// the rule registry the normalize handler uses: the findings carry the
// handler's rule IDs, levels and sections. Framing mistakes that only a
// client reading the wire can see (a second, different Content-Length)
// are reported by the client itself (framing.go).
package audit
