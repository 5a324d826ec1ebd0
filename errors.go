package caddynormalize

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"os"
	"path"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp/reverseproxy"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/respnorm/caddy-normalize/normalize"
	"github.com/respnorm/caddy-normalize/responses"
)

// upstreamStatus maps an error returned by the rest of the route to the
// status normalize answers it with, and false for errors that are not an
// upstream's failure as reverse_proxy reports it (a file server's 404,
// the error directive's 503, a client that went away), which are returned
// unchanged, for the site's handle_errors.
func upstreamStatus(err error) (int, bool) {
	var he caddyhttp.HandlerError
	if !errors.As(err, &he) || !fromReverseProxy(he) {
		return 0, false
	}
	switch he.StatusCode {
	case http.StatusBadGateway:
		// reverse_proxy reports a connect timeout as 502; like nginx, a
		// gateway that timed out waiting answers 504.
		if isDialTimeout(err) {
			return http.StatusGatewayTimeout, true
		}
		return http.StatusBadGateway, true
	case http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return he.StatusCode, true
	}
	return 0, false
}

// reverseProxyPkg is the import path of reverse_proxy's package, as the
// Go runtime names its functions.
var reverseProxyPkg = reflect.TypeOf(reverseproxy.Handler{}).PkgPath()

// fromReverseProxy reports whether he was returned by reverse_proxy. Its
// failures carry no type of their own (the transport's errors are
// net.OpError, context errors, "malformed HTTP response"...; "no
// upstreams available" is unexported), but every caddyhttp.HandlerError
// carries the Trace caddyhttp.Error records: the function that made it,
// "reverseproxy.statusError (reverseproxy.go:1776)" or
// "reverseproxy.(*Handler).proxyLoopIteration (...)" for reverse_proxy,
// "caddyhttp.StaticError.ServeHTTP (...)" for the error directive. Error
// keeps the first Trace when it wraps a HandlerError again, so the mark
// is reverse_proxy's however the error travels.
func fromReverseProxy(he caddyhttp.HandlerError) bool {
	fn, _, _ := strings.Cut(he.Trace, " ")
	return strings.HasPrefix(fn, path.Base(reverseProxyPkg)+".")
}

// isDialTimeout reports whether err is a connect that timed out. The
// dialer's error is wrapped in reverseproxy.DialError, which does not
// unwrap, so its text is all there is to go by (as reverse_proxy itself
// does for cancellation).
func isDialTimeout(err error) bool {
	var de reverseproxy.DialError
	if !errors.As(err, &de) {
		return false
	}
	msg := de.Error()
	return strings.Contains(msg, "i/o timeout") || strings.Contains(msg, "deadline exceeded")
}

// handleUpstreamError answers err, an upstream's failure, with a clean
// generated response, and logs the cause. It reports false when err is
// not one it answers.
func (h *Handler) handleUpstreamError(nw *normalize.ResponseWriter, r *http.Request, err error) bool {
	code, ok := upstreamStatus(err)
	if !ok {
		return false
	}
	var errID string
	var he caddyhttp.HandlerError
	if errors.As(err, &he) {
		errID = he.ID
	}
	h.errLogger.Error(upstreamFailedMsg,
		zap.Int("status", code),
		zap.String("request_id", requestID(r)),
		zap.String("error_id", errID),
		zap.String("method", r.Method),
		zap.String("host", r.Host),
		zap.String("uri", r.RequestURI),
		zap.Error(err),
	)
	nw.Error(code)
	return true
}

// upstreamFailedMsg is the message an upstream's failure is logged with.
const upstreamFailedMsg = "upstream failed; answered with a generated response"

// requestID returns Caddy's ID of the request ({http.request.uuid}).
func requestID(r *http.Request) string {
	repl, ok := r.Context().Value(caddy.ReplacerCtxKey).(*caddy.Replacer)
	if !ok {
		return ""
	}
	return repl.ReplaceAll("{http.request.uuid}", "")
}

// errorPage is the data an error_page template gets.
type errorPage struct {
	Status     int    // e.g. 502
	Reason     string // e.g. "Bad Gateway"
	RequestID  string // Caddy's ID of the request
	RetryAfter string // the response's Retry-After, if any
	Message    string // an operator's message (maintenance), if any
}

// loadErrorPages parses the error_page templates, keyed by their code or
// class pattern.
func loadErrorPages(pages map[string]string) (map[int]*template.Template, error) {
	if len(pages) == 0 {
		return nil, nil
	}
	out := make(map[int]*template.Template)
	// Codes override classes, whatever the map's order.
	for _, exact := range []bool{false, true} {
		for pattern, file := range pages {
			lo, hi, err := normalize.ParseErrorStatusPattern(pattern)
			if err != nil {
				return nil, fmt.Errorf("error_page: %v", err)
			}
			if (lo == hi) != exact {
				continue
			}
			src, err := os.ReadFile(file)
			if err != nil {
				return nil, fmt.Errorf("error_page %s: %v", pattern, err)
			}
			t, err := template.New(file).Parse(string(src))
			if err != nil {
				return nil, fmt.Errorf("error_page %s: %v", pattern, err)
			}
			for c := lo; c <= hi; c++ {
				out[c] = t
			}
		}
	}
	return out, nil
}

// writeError writes a generated error response: for a client that takes
// HTML, the operator's page for code when there is one, else the
// generated page (with the request id, and when to come back if the
// response has a Retry-After); for others, the negotiated body of the
// responses package. replaced is the Content-Type of a body being
// replaced: a client that accepts anything gets its media family.
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, code int, message, replaced string) {
	format := h.format.ResolveLike(r.Header.Get("Accept"), replaced)
	if format != responses.FormatHTML {
		responses.WriteErrorLike(w, r, code, message, h.format, replaced)
		return
	}
	retryAfter := w.Header().Get("Retry-After")
	if t := h.pages[code]; t != nil {
		data := errorPage{
			Status:     code,
			Reason:     responses.Reason(code),
			RequestID:  requestID(r),
			RetryAfter: retryAfter,
			Message:    message,
		}
		err := h.writePage(w, r, code, t, data)
		if err == nil {
			return
		}
		h.errLogger.Error("error_page template failed; using the generated page", zap.Int("status", code), zap.Error(err))
	}
	p := responses.Page{Status: code, Message: message, RequestID: requestID(r)}
	if _, delay, err := responses.ParseRetryAfter(retryAfter, time.Now()); err == nil {
		p.RetryIn = responses.HumanDelay(delay)
	}
	h.writeBytes(w, r, code, responses.AppendPage(nil, p))
}

// writePage renders the HTML template t with data and writes it as the
// response with status code. Nothing is written when the template fails.
func (h *Handler) writePage(w http.ResponseWriter, r *http.Request, code int, t *template.Template, data any) error {
	var buf bytes.Buffer // our own small page, not a body passing through
	if err := t.Execute(&buf, data); err != nil {
		return err
	}
	h.writeBytes(w, r, code, buf.Bytes())
	return nil
}

// writeBytes writes the HTML page body as the response with status code.
func (h *Handler) writeBytes(w http.ResponseWriter, r *http.Request, code int, body []byte) {
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	hdr.Set("X-Content-Type-Options", "nosniff")
	if h.format == responses.FormatAuto {
		responses.AddVary(hdr, "Accept")
	}
	hdr.Del("Transfer-Encoding")
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

var generatedMessages [normalize.NumGeneratedRules][2]string

func init() {
	for r := range generatedMessages {
		id := normalize.GeneratedRule(r).ID()
		generatedMessages[r][0] = "response body replaced by " + id
		generatedMessages[r][1] = "response body would be replaced by " + id + " (report only)"
	}
}

// onGenerated counts and logs a response a generated rule replaced, or
// would have replaced.
func (h *Handler) onGenerated(e normalize.GeneratedEvent) {
	i, action := 0, "enforced"
	if e.Action != normalize.Enforce {
		i, action = 1, "reported"
	}
	h.countsFor(e.Request).count(generatedIndex(e.Rule), e.Action, e.Status, e.Request)
	if ce := h.logger.Check(zapcore.WarnLevel, generatedMessages[e.Rule][i]); ce != nil {
		ce.Write(
			zap.String("rule", e.Rule.ID()),
			zap.String("action", action),
			zap.Int("status", e.Status),
			zap.String("method", e.Request.Method),
			zap.String("host", e.Request.Host),
			zap.String("path", e.Request.URL.Path),
		)
	}
}
