package audit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/respnorm/caddy-normalize/responses"
)

// DefaultMethods are the methods sent to every URL: safe ones only
// (RFC 9110 §9.2.1). Any other method is sent only when named.
var DefaultMethods = []string{http.MethodGet, http.MethodHead, http.MethodOptions}

// Options configure an audit. The zero value sends DefaultMethods with
// the Client's defaults.
type Options struct {
	// Methods are sent to every URL after DefaultMethods, in order.
	Methods []string
	// Header holds fields added to every request (a Host here replaces
	// the URL's). Connection, Content-Length and Transfer-Encoding are
	// the client's own and refused.
	Header http.Header
	// Client sends the requests; nil means a Client with its defaults.
	Client *Client
}

// Result is the outcome of one request.
type Result struct {
	URL    string
	Method string
	// Response is nil when Err is set.
	Response *Response
	Err      error
}

// Report is what an audit found.
type Report struct {
	// Results has one entry per URL and method, in the order sent.
	Results []Result
	// Findings lists every broken requirement, in the order of Results.
	Findings []Finding
}

// ErrNoneReachable is returned by Run when no URL answered.
var ErrNoneReachable = errors.New("no URL answered")

// ParseURL parses an absolute http or https URL to audit.
func ParseURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%q: scheme %q: want http or https", s, u.Scheme)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%q: no host", s)
	}
	if u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("%q: a URL to audit has neither user information nor a fragment", s)
	}
	return u, nil
}

// ParseHeader parses a "Name: value" request field.
func ParseHeader(s string) (name, value string, err error) {
	name, value, ok := strings.Cut(s, ":")
	value = strings.TrimSpace(value)
	if !ok || !responses.ValidToken(name) || !responses.ValidFieldValue(value) {
		return "", "", fmt.Errorf("header %q: want \"Name: value\"", s)
	}
	switch http.CanonicalHeaderKey(name) {
	case "Connection", "Content-Length", "Transfer-Encoding":
		return "", "", fmt.Errorf("header %q: %s is set by the audit itself", s, name)
	}
	return name, value, nil
}

// methods returns the methods to send: DefaultMethods, then the named
// ones not among them.
func (o *Options) methods() ([]string, error) {
	out := append([]string(nil), DefaultMethods...)
	for _, m := range o.Methods {
		if !responses.ValidToken(m) {
			return nil, fmt.Errorf("method %q is not a token", m)
		}
		if m == http.MethodConnect {
			return nil, fmt.Errorf("method CONNECT asks for a tunnel: it cannot be audited")
		}
		dup := false
		for _, have := range out {
			dup = dup || have == m
		}
		if !dup {
			out = append(out, m)
		}
	}
	return out, nil
}

// Run sends each method to each URL, one request at a time, and judges
// every response. It fails before sending anything when a URL or an
// option is invalid, and with ErrNoneReachable when no URL answered; a
// URL that did not answer is a Result with its Err.
func Run(ctx context.Context, rawURLs []string, opts Options) (*Report, error) {
	if len(rawURLs) == 0 {
		return nil, errors.New("no URL to audit")
	}
	urls := make([]*url.URL, len(rawURLs))
	for i, s := range rawURLs {
		u, err := ParseURL(s)
		if err != nil {
			return nil, err
		}
		urls[i] = u
	}
	methods, err := opts.methods()
	if err != nil {
		return nil, err
	}
	for name := range opts.Header {
		if _, _, err := ParseHeader(name + ": x"); err != nil {
			return nil, err
		}
	}
	client := opts.Client
	if client == nil {
		client = new(Client)
	}
	rep := new(Report)
	answered := false
	for i, u := range urls {
		for _, m := range methods {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			resp, err := client.Do(ctx, m, u, opts.Header)
			res := Result{URL: rawURLs[i], Method: m, Response: resp, Err: err}
			rep.Results = append(rep.Results, res)
			if err != nil {
				continue
			}
			answered = true
			rep.Findings = append(rep.Findings, findings(res)...)
		}
	}
	if !answered {
		return rep, ErrNoneReachable
	}
	return rep, nil
}

// findings judges one response and its interim responses.
func findings(res Result) []Finding {
	resp := res.Response
	var out []Finding
	add := func(status int, fs []Finding) {
		for _, f := range fs {
			f.URL, f.Method, f.Status = res.URL, res.Method, status
			out = append(out, f)
		}
	}
	for _, in := range resp.Interim {
		add(in.Status, judge(res.Method, 1, in.Status, header(in.Fields), false))
	}
	fs := judge(res.Method, 1, resp.Status, resp.Header, resp.HasContent())
	for i := range fs {
		if fs[i].Detail == contentFollowed {
			fs[i].Detail = fmt.Sprintf("%d bytes of content followed the header section", resp.Content+resp.Extra)
		}
	}
	add(resp.Status, fs)
	add(resp.Status, framing(resp.Header))
	return out
}

func header(fields []Field) http.Header {
	h := make(http.Header, len(fields))
	for _, f := range fields {
		k := http.CanonicalHeaderKey(f.Name)
		h[k] = append(h[k], f.Value)
	}
	return h
}

// BrokenMust reports whether a finding is at the MUST level.
func (r *Report) BrokenMust() bool {
	for _, f := range r.Findings {
		if f.Level == LevelMust {
			return true
		}
	}
	return false
}
