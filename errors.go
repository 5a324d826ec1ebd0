package caddynormalize

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp/reverseproxy"
	"go.uber.org/zap"

	"github.com/respnorm/caddy-normalize/normalize"
	"github.com/respnorm/caddy-normalize/responses"
)

// upstreamStatus maps an error returned by the rest of the route to the
// status normalize answers it with, and false for errors that are not an
// upstream's failure (a file server's 404, a client that went away), which
// are returned unchanged.
func upstreamStatus(err error) (int, bool) {
	var he caddyhttp.HandlerError
	if !errors.As(err, &he) {
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
	h.errLogger.Error("upstream failed; answered with a generated response",
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
			lo, hi, err := normalize.ParseStatusPattern(pattern)
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

// writeError writes a generated error response: the operator's page for
// code when there is one and the client takes HTML, else the negotiated
// body of the responses package.
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, code int, message string) {
	t := h.pages[code]
	format := h.format
	if format == responses.FormatAuto {
		format = responses.Negotiate(r.Header.Get("Accept"))
	}
	if t == nil || format != responses.FormatHTML {
		responses.WriteError(w, r, code, message, h.format)
		return
	}
	data := errorPage{
		Status:     code,
		Reason:     responses.Reason(code),
		RequestID:  requestID(r),
		RetryAfter: w.Header().Get("Retry-After"),
		Message:    message,
	}
	if err := h.writePage(w, r, code, t, data); err != nil {
		h.errLogger.Error("error_page template failed; using the generated page", zap.Int("status", code), zap.Error(err))
		responses.WriteError(w, r, code, message, h.format)
	}
}

// writePage renders the HTML template t with data and writes it as the
// response with status code. Nothing is written when the template fails.
func (h *Handler) writePage(w http.ResponseWriter, r *http.Request, code int, t *template.Template, data any) error {
	var buf bytes.Buffer // our own small page, not a body passing through
	if err := t.Execute(&buf, data); err != nil {
		return err
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	hdr.Set("Content-Length", strconv.Itoa(buf.Len()))
	hdr.Set("X-Content-Type-Options", "nosniff")
	if h.format == responses.FormatAuto {
		responses.AddVary(hdr, "Accept")
	}
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
	return nil
}
