package normalize

import (
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/respnorm/caddy-normalize/responses"
)

// A Normalizer holds compiled Options. It is safe for concurrent use; each
// response gets its own ResponseWriter from Wrap.
type Normalizer struct {
	actions []Action // by Rule
	enabled ruleSet  // the rules whose action is not Off

	values values // the configured field values, formatted once

	replace      *statusSet // nil: nothing is replaced
	errorFormat  responses.Format
	writeError   func(w http.ResponseWriter, r *http.Request, code int, replaced string)
	onViolation  func(Event)
	genActions   [NumGeneratedRules]Action
	onGenerated  func(GeneratedEvent)
	abortDropped bool

	pool sync.Pool
}

// New compiles opts into a Normalizer. It fails when a configured value
// could not be sent as a header field.
func New(opts Options) (*Normalizer, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	n := &Normalizer{
		actions:     make([]Action, NumRules()),
		errorFormat: opts.ErrorFormat,
		writeError:  opts.WriteError,
		onViolation: opts.OnViolation,
	}
	n.values.wwwAuthenticate = opts.WWWAuthenticate
	n.values.proxyAuthenticate = opts.ProxyAuthenticate
	n.values.contentType = opts.DefaultContentType
	n.replace, _ = parseStatusSet(opts.ReplaceErrors) // validated above
	if n.writeError == nil {
		n.writeError = func(w http.ResponseWriter, r *http.Request, code int, replaced string) {
			responses.WriteErrorLike(w, r, code, "", n.errorFormat, replaced)
		}
	}
	if len(opts.Allow) > 0 {
		n.values.allowList = append([]string(nil), opts.Allow...)
		n.values.allow = responses.FormatAllow(opts.Allow...)
	}
	n.values.learn = opts.LearnAllow
	if len(opts.Upgrade) > 0 {
		n.values.upgrade = responses.FormatAllow(opts.Upgrade...)
	}
	if opts.RetryAfter > 0 {
		n.values.retryAfter = responses.RetryAfterSeconds(opts.RetryAfter)
	}
	for i, def := range registry {
		a, ok := opts.Actions[Rule(i)]
		if !ok {
			a = opts.Default
		}
		// A rule that cannot repair, or whose repair needs a value
		// nobody configured, can only report: a normaliser never
		// invents methods, challenges or protocols.
		if a == Enforce && (def.Repair == nil || !n.values.has(def.Needs)) {
			a = Report
		}
		n.actions[i] = a
		if a != Off {
			n.enabled.add(Rule(i))
		}
	}
	n.compileGenerated(&opts)
	n.pool.New = func() any { return new(ResponseWriter) }
	return n, nil
}

// Action returns the action the Normalizer takes on rule r, after
// downgrading to Report the rules that cannot repair or whose repair
// needs a value that was not configured.
func (n *Normalizer) Action(r Rule) Action {
	if int(r) >= len(n.actions) {
		return Off
	}
	return n.actions[r]
}

// Wrap returns a ResponseWriter that normalises the response to r written
// through it. Call Release when the handler has returned. Unless
// etag-invalid is off, it first gives the entity-tags that rule quoted
// back to the handler as the origin sent them, in r's If-None-Match,
// If-Match and If-Range (see etagMarker).
func (n *Normalizer) Wrap(w http.ResponseWriter, r *http.Request) *ResponseWriter {
	if n.actions[RuleETagInvalid] != Off {
		unmarkETags(r.Header)
	}
	nw := n.pool.Get().(*ResponseWriter)
	nw.n, nw.rw, nw.req = n, w, r
	return nw
}

// Release writes a header still held back (a response without
// Content-Type whose content has not started) and returns nw to the
// Normalizer's pool. nw must not be used after.
func (n *Normalizer) Release(nw *ResponseWriter) {
	if nw.body == bodyHold {
		nw.unhold(false) // no content followed the header
	}
	held := nw.held[:0]
	*nw = ResponseWriter{held: held}
	n.pool.Put(nw)
}

// Middleware returns a handler that serves next through the Normalizer.
func (n *Normalizer) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		nw := n.Wrap(w, r)
		defer n.Release(nw)
		next.ServeHTTP(nw, r)
	})
}

// replaces reports whether the content of a response with status code is
// to be replaced by a generated error body.
func (n *Normalizer) replaces(code int) bool {
	return n.replace != nil && responses.ValidCode(code) && n.replace[code-100]
}

// emit reports a violation to OnViolation.
func (n *Normalizer) emit(r Rule, a Action, status int, req *http.Request) {
	if n.onViolation != nil {
		n.onViolation(Event{Rule: r, Action: a, Status: status, Request: req})
	}
}

// cachedDate holds the Date field value of the current second.
type cachedDate struct {
	unix  int64
	value string
}

var dateCache atomic.Pointer[cachedDate]

// httpDate returns the current time as an IMF-fixdate, formatting it at
// most once a second.
func httpDate() string {
	now := time.Now()
	if d := dateCache.Load(); d != nil && d.unix == now.Unix() {
		return d.value
	}
	d := &cachedDate{unix: now.Unix(), value: now.UTC().Format(http.TimeFormat)}
	dateCache.Store(d)
	return d.value
}
