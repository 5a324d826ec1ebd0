// Package normalize rewrites HTTP responses toward RFC 9110 as they stream.
//
// A Normalizer wraps an http.ResponseWriter. It decides at WriteHeader time,
// from the status and header fields, what the response breaks (asking the
// responses catalogue, which knows what each status requires), fixes it or
// reports it according to each rule's Action, and then passes the body
// through without buffering it, or drops it where the status or the request
// method forbids content.
//
// The package is plain net/http: Middleware makes any http.Handler
// conformant, and the Caddy module in the parent package adapts it to Caddy.
package normalize
