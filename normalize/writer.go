package normalize

import (
	"bufio"
	"io"
	"math/bits"
	"net"
	"net/http"

	"github.com/respnorm/caddy-normalize/responses"
)

// bodyMode says what happens to the bytes written after the header.
type bodyMode uint8

const (
	bodyPass      bodyMode = iota // passed on as written
	bodyWatch                     // passed on, reported once (a report-only content rule)
	bodyDiscard                   // dropped; reported once if it was a violation
	bodyDone                      // a body was generated in place: the handler's is dropped silently
	bodyHold                      // the header is held until content shows whether it needs a Content-Type
	bodyTypeWatch                 // passed on; content-type-missing is reported if content follows
)

// statusClientClosed is the status reverse proxies (Caddy's among them)
// record for a client that went away. Nothing reaches the client, so there
// is nothing to normalise.
const statusClientClosed = 499

// ResponseWriter normalises the response written through it. It keeps the
// optional interfaces of the writer it wraps working: Flush, Hijack,
// io.ReaderFrom, and http.ResponseController through Unwrap.
type ResponseWriter struct {
	n   *Normalizer
	rw  http.ResponseWriter
	req *http.Request

	status      int // the status the handler wrote; 0 until then
	body        bodyMode
	bodyRule    Rule        // the rule that forbids content, with bodyWatch and bodyDiscard
	bodyCounted bool        // the content violation has been reported
	scratch     http.Header // what Header returns once a response was generated in place
	abort       func()      // called once a response was generated in place (SetAbort)

	resp response // what the rules judge, filled at WriteHeader

	// held is the header map as it was when a final header was held back
	// (bodyHold): changes made after WriteHeader take no effect, as with
	// net/http. Its capacity is kept across requests.
	held []heldField
}

// heldField is one field of a held header.
type heldField struct {
	name   string
	values []string
}

// Header returns the header map of the wrapped writer, so that what the
// handler sets is what the normaliser checks. Once a response has been
// generated in place of the handler's, it returns a scratch map that is
// never sent: nothing the handler sets then (trailers) reaches the client.
func (w *ResponseWriter) Header() http.Header {
	if w.body == bodyDone {
		return w.generatedHeader()
	}
	return w.rw.Header()
}

// Unwrap returns the wrapped writer, for http.ResponseController.
func (w *ResponseWriter) Unwrap() http.ResponseWriter { return w.rw }

// Status returns the status the handler wrote, before any fix; 0 when it
// has written none.
func (w *ResponseWriter) Status() int { return w.status }

// WroteHeader reports whether a final status has been written.
func (w *ResponseWriter) WroteHeader() bool { return w.status != 0 }

// WriteHeader checks the status and header fields, fixes or reports what
// they break, and writes them. Informational (1xx) responses pass through,
// judged only by the rules about interim responses (interim-http10), and
// are not taken for the final status.
func (w *ResponseWriter) WriteHeader(code int) {
	if w.status != 0 {
		if w.body != bodyHold { // held, the first status is still to go
			w.rw.WriteHeader(code) // superfluous: let the server say so
		}
		return
	}
	if code >= 100 && code < 200 && code != http.StatusSwitchingProtocols {
		// An interim response goes out with the header map as it is,
		// less Content-Length and Transfer-Encoding, which net/http
		// never sends on a 1xx; the map is not cleared (RFC 8297), and
		// what the handler has set in it so far belongs to the final
		// response, so no rule about fields judges it.
		if w.interim(code) {
			w.writeInterim(code)
		}
		return
	}
	w.status = code
	if code == statusClientClosed {
		w.rw.WriteHeader(code)
		return
	}
	if l := w.n.values.learn; l != nil {
		l.observe(w.req, code, w.rw.Header()) // as the origin sent it
	}
	rule, forbidden, ok := w.apply(w.prepare(code).andNot(interimRules))
	if !ok {
		return // a response was generated in place
	}
	if w.n.replaces(code) {
		a := w.n.generatedAction(RuleReplaceErrors)
		if a != Off {
			w.n.emitGenerated(RuleReplaceErrors, a, code, w.req)
		}
		if a == Enforce {
			w.replaceBody(code)
			return
		}
	}
	if forbidden && !w.tunnel(code) {
		w.bodyRule = rule
		switch w.n.actions[rule] {
		case Enforce:
			w.body = bodyDiscard
		case Report:
			w.body = bodyWatch
		}
	}
	if w.n.enabled.has(RuleContentTypeMissing) && contentTypePending(&w.resp) {
		// A response that could carry content, has no Content-Type and
		// does not state its length breaks content-type-missing only if
		// content follows. Enforced, its header is held back until the
		// first content byte, a Flush or a Hijack, or the end of the
		// handler (Release), whichever is first; reported, it goes out
		// and the first content byte is reported.
		if w.n.actions[RuleContentTypeMissing] == Enforce {
			w.body = bodyHold
			for k, v := range w.resp.Header {
				w.held = append(w.held, heldField{k, v[:len(v):len(v)]})
			}
			return
		}
		w.body = bodyTypeWatch
	}
	w.noInventedLength(code)
	w.rw.WriteHeader(code)
}

// noInventedLength keeps quic-go's HTTP/3 server from inventing a
// Content-Length for a 204 or a 304: it adds "Content-Length: <bytes
// written>" to every response whose head it has not sent when the handler
// returns, which RFC 9110 §8.6 forbids on a 204 and which, on a 304,
// states a length nobody knows (only the 200's length may stand there).
// Go's HTTP/1 and HTTP/2 servers add none. This is framing hygiene of
// content-forbidden where it is enforced, not a violation: the handler
// sent no such field, so nothing is counted. A 304's own Content-Length
// is left as it is.
func (w *ResponseWriter) noInventedLength(code int) {
	if (code != http.StatusNoContent && code != http.StatusNotModified) ||
		w.resp.Proto != HTTP3 || w.n.actions[RuleContentForbidden] != Enforce {
		return
	}
	if h := w.rw.Header(); !present(h, "Content-Length") {
		h["Content-Length"] = nil // a nil value stops the server from adding one
	}
}

// writeInterim writes an interim response. Go's HTTP/1 and HTTP/2
// servers leave Content-Length and Transfer-Encoding out of a 1xx;
// quic-go's HTTP/3 server sends the header map as it is, so there an
// upstream's framing field on a 1xx (RFC 9110 §8.6, RFC 9112 §6.1
// forbid it) would reach the client: content-forbidden reports it and,
// enforced, leaves both fields out of the 1xx only. The map is restored
// after, for what in it belongs to the final response.
func (w *ResponseWriter) writeInterim(code int) {
	h := w.rw.Header()
	cl, hasCL := h["Content-Length"]
	te, hasTE := h["Transfer-Encoding"]
	if ProtocolOf(w.req) != HTTP3 || len(cl) == 0 && len(te) == 0 || !w.n.enabled.has(RuleContentForbidden) {
		w.rw.WriteHeader(code)
		return
	}
	a := w.n.actions[RuleContentForbidden]
	w.n.emit(RuleContentForbidden, a, code, w.req)
	if a != Enforce {
		w.rw.WriteHeader(code)
		return
	}
	delete(h, "Content-Length")
	delete(h, "Transfer-Encoding")
	w.rw.WriteHeader(code)
	if hasCL {
		h["Content-Length"] = cl
	}
	if hasTE {
		h["Transfer-Encoding"] = te
	}
}

// unhold ends bodyHold or bodyTypeWatch: it judges content-type-missing
// when content follows (or may: a Flush sends the header before content),
// and writes the header held back.
func (w *ResponseWriter) unhold(content bool) {
	held := w.body == bodyHold
	w.body = bodyPass
	if held {
		w.restoreHeld()
	}
	if content {
		r := &w.resp
		r.HasContent, r.ContentKnown = true, true
		def := registry[RuleContentTypeMissing]
		if def.Detect(r) {
			a := w.n.actions[RuleContentTypeMissing]
			if a == Enforce && !def.Repair(r, &w.n.values) {
				a = Report
			}
			w.n.emit(RuleContentTypeMissing, a, r.Status, w.req)
		}
	}
	if held {
		w.rw.WriteHeader(w.status)
	}
}

// prepare fills w.resp for a response with status code and returns the
// enabled rules that can apply to it.
func (w *ResponseWriter) prepare(code int) ruleSet {
	w.resp = response{
		Request: w.req,
		Method:  w.req.Method,
		Status:  code,
		Header:  w.rw.Header(),
		Proto:   ProtocolOf(w.req),
	}
	return candidates(&w.resp).and(w.n.enabled)
}

// interim applies the interim rules to a 1xx response and reports whether
// it is to be written.
func (w *ResponseWriter) interim(code int) bool {
	if w.n.enabled.and(interimRules).empty() {
		return true
	}
	w.apply(w.prepare(code).and(interimRules))
	drop := w.resp.Drop
	w.resp = response{}
	return !drop
}

// tunnel reports whether the bytes after a response with status code are
// a tunnel rather than content: a 2xx to CONNECT (RFC 9110 §9.3.6), which
// in HTTP/2 carries WebSockets (RFC 8441) in DATA frames written through
// Write. Its framing fields are still removed; its stream is not.
func (w *ResponseWriter) tunnel(code int) bool {
	return w.req.Method == http.MethodConnect && code >= 200 && code < 300
}

// apply detects which rules of cand w.resp breaks, then, rule by rule in
// the registry's order, repairs what enforce may repair and reports every
// violation. It returns the rule that forbids content in the response, if
// any, and false when it has written a whole response of its own in place
// of the handler's.
func (w *ResponseWriter) apply(cand ruleSet) (content Rule, forbidden, ok bool) {
	n, r := w.n, &w.resp
	broken, content, forbidden := detect(r, cand)
	for wi, word := range broken {
		for word != 0 {
			rl := Rule(wi*64 + bits.TrailingZeros64(word))
			word &= word - 1
			def := registry[rl]
			a := n.actions[rl]
			if a == Enforce && !def.Repair(r, &n.values) {
				a = Report // this response cannot be repaired
			}
			if def.Content {
				w.bodyCounted = true
			}
			n.emit(rl, a, r.Status, w.req)
			if r.Replace {
				w.replaceInvalid()
				return content, forbidden, false
			}
		}
	}
	return content, forbidden, true
}

// replaceInvalid answers an invalid response with 502 Bad Gateway
// (RFC 9110 §15.6.3): nothing of the invalid response is passed on.
func (w *ResponseWriter) replaceInvalid() {
	h := w.rw.Header()
	for k := range h {
		delete(h, k)
	}
	w.body = bodyDone
	w.n.writeError(w.rw, w.req, http.StatusBadGateway, "")
	w.flushGenerated()
}

// flushGenerated sends a response generated in place of the handler's at
// once: the client need not wait while the handler's body, which is
// dropped, drains from a slow or stalled upstream.
func (w *ResponseWriter) flushGenerated() {
	_ = http.NewResponseController(w.rw).Flush()
	w.abortHandler()
}

// replaceBody answers with a generated error body in place of the
// handler's, keeping the status and every field but those that describe
// the dropped content.
func (w *ResponseWriter) replaceBody(code int) {
	h := w.rw.Header()
	replaced := replacedType(h)
	for _, k := range entityFields {
		delete(h, k)
	}
	dropTrailers(h)
	w.body = bodyDone
	w.n.writeError(w.rw, w.req, code, replaced)
	w.flushGenerated()
}

// entityFields describe content; they go with content that is replaced.
var entityFields = [...]string{"Content-Length", "Content-Encoding", "Content-Type", "Etag", "Content-Range", "Last-Modified", "Transfer-Encoding"}

// restoreHeld puts the header map back as it was when it was held.
func (w *ResponseWriter) restoreHeld() {
	h := w.resp.Header
	for k := range h {
		found := false
		for _, f := range w.held {
			if f.name == k {
				found = true
				break
			}
		}
		if !found {
			delete(h, k)
		}
	}
	for _, f := range w.held {
		h[f.name] = f.values
	}
	clear(w.held)
	w.held = w.held[:0]
}

// Error answers the request with a generated error response for code in
// place of the handler's, which must not have written its header yet. A
// status for which the catalogue asks Retry-After (503, 429) gets the
// configured one unless it has one.
func (w *ResponseWriter) Error(code int) {
	if w.status != 0 {
		return
	}
	w.status = code
	w.body = bodyDone
	dropTrailers(w.rw.Header())
	if w.n.values.retryAfter != "" && responses.ValidCode(code) && byStatus[code-100].has(RuleRetryAfterMissing) {
		h := w.rw.Header()
		if !present(h, responses.HeaderRetryAfter) {
			h[responses.HeaderRetryAfter] = []string{w.n.values.retryAfter}
		}
	}
	w.n.writeError(w.rw, w.req, code, "")
}

// Write writes p as content, unless the response may not carry content.
func (w *ResponseWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	switch w.body {
	case bodyPass:
		return w.rw.Write(p)
	case bodyHold, bodyTypeWatch:
		if len(p) == 0 {
			return 0, nil
		}
		w.unhold(true)
		return w.rw.Write(p)
	case bodyWatch:
		w.countBody(len(p))
		return w.rw.Write(p)
	case bodyDiscard:
		w.countBody(len(p))
	case bodyDone:
		if w.n.abortDropped {
			return 0, ErrBodyDropped
		}
	}
	return len(p), nil
}

// countBody reports, once, content on a response that may carry none.
func (w *ResponseWriter) countBody(n int) {
	if n == 0 || w.bodyCounted {
		return
	}
	w.bodyCounted = true
	a := Enforce
	if w.body == bodyWatch {
		a = Report
	}
	w.n.emit(w.bodyRule, a, w.status, w.req)
}

// WriteString is Write for a string, without copying it where the wrapped
// writer can take a string.
func (w *ResponseWriter) WriteString(s string) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.body == bodyPass {
		return io.WriteString(w.rw, s)
	}
	return w.Write([]byte(s))
}

// ReadFrom copies src as content. Content that passes goes to the wrapped
// writer's ReadFrom where it has one (sendfile, splice); content that may
// not pass goes through Write's checks.
func (w *ResponseWriter) ReadFrom(src io.Reader) (int64, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.body != bodyPass {
		return io.Copy(writerOnly{w}, src)
	}
	if rf, ok := w.rw.(io.ReaderFrom); ok {
		return rf.ReadFrom(src)
	}
	return io.Copy(writerOnly{w.rw}, src)
}

// writerOnly hides every method but Write, so that io.Copy cannot call
// back into ReadFrom.
type writerOnly struct{ io.Writer }

// Flush sends what has been written so far to the client.
func (w *ResponseWriter) Flush() { _ = w.FlushError() }

// FlushError is Flush that returns the wrapped writer's error.
func (w *ResponseWriter) FlushError() error {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.body == bodyHold || w.body == bodyTypeWatch {
		w.unhold(true) // the header goes before content: label it
	}
	return http.NewResponseController(w.rw).Flush()
}

// Hijack lets the handler take over the connection (a WebSocket after
// 101 Switching Protocols, for one).
func (w *ResponseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if w.body == bodyHold {
		w.unhold(false)
	}
	return http.NewResponseController(w.rw).Hijack()
}

// Push implements http.Pusher where the wrapped writer does.
func (w *ResponseWriter) Push(target string, opts *http.PushOptions) error {
	if p, ok := w.rw.(http.Pusher); ok {
		return p.Push(target, opts)
	}
	return http.ErrNotSupported
}

// Interface guards.
var (
	_ http.ResponseWriter = (*ResponseWriter)(nil)
	_ http.Flusher        = (*ResponseWriter)(nil)
	_ http.Hijacker       = (*ResponseWriter)(nil)
	_ http.Pusher         = (*ResponseWriter)(nil)
	_ io.ReaderFrom       = (*ResponseWriter)(nil)
	_ io.StringWriter     = (*ResponseWriter)(nil)
)
