package normalize

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/respnorm/caddy-normalize/responses"
)

// The defaults of an AllowLearner.
const (
	DefaultLearnSize = 4096
	DefaultLearnTTL  = 10 * time.Minute
)

// Bounds of what one resource's memory holds: methods are kept per
// resource up to maxLearnedMethods, each up to maxLearnedMethodLen bytes;
// a resource whose host and path together exceed maxLearnedKeyLen bytes is
// not learned about.
const (
	maxLearnedMethods   = 32
	maxLearnedMethodLen = 32
	maxLearnedKeyLen    = 2048
)

// An AllowLearner remembers, per resource (host and path), what the origin
// itself said about the methods the resource supports: the Allow field it
// sent on a successful answer to OPTIONS or on a 405, and the methods it
// refused with 405. The Allow that allow-missing (and
// options-allow-missing) adds then starts from the Allow the origin sent
// for that resource, when one is known, rather than from the configured
// list, and never names a method the origin refused there.
//
// It only listens: it never sends a request of its own. Allow lists the
// methods supported "at the time of each request" (RFC 9110 §10.2.1), so
// each fact expires TTL after the response that taught it; and the memory
// is bounded: at most Size resources, the least recently used forgotten
// first. An AllowLearner is safe for concurrent use; a response that
// teaches nothing (neither a 405 nor a 2xx to OPTIONS) costs one
// comparison and allocates nothing.
type AllowLearner struct {
	mu         sync.Mutex
	size       int
	ttl        time.Duration
	now        func() time.Time
	entries    map[resourceKey]*learned
	head, tail *learned // most recently used first
}

// resourceKey names a resource: the request's Host and its path, without
// the query.
type resourceKey struct{ host, path string }

// learned is what the origin said about one resource.
type learned struct {
	key        resourceKey
	prev, next *learned
	// allow is the last Allow the origin sent, learned at allowAt; zero
	// allowAt: none known. An empty, known allow is a resource that
	// allows no method.
	allow   []string
	allowAt time.Time
	refused []refusal
}

// refusal is a method the origin refused with 405, and when.
type refusal struct {
	method string
	at     time.Time
}

// NewAllowLearner returns an AllowLearner that remembers up to size
// resources, each fact for ttl. A size or ttl of zero or less takes the
// default (DefaultLearnSize, DefaultLearnTTL).
func NewAllowLearner(size int, ttl time.Duration) *AllowLearner {
	if size <= 0 {
		size = DefaultLearnSize
	}
	if ttl <= 0 {
		ttl = DefaultLearnTTL
	}
	return &AllowLearner{size: size, ttl: ttl, now: time.Now, entries: make(map[resourceKey]*learned)}
}

// Len returns the number of resources remembered.
func (l *AllowLearner) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.entries)
}

// Learned returns what is remembered of the resource at host and path:
// the Allow the origin last sent (known reports whether one is) and the
// methods it refused, facts past their lifetime left out.
func (l *AllowLearner) Learned(host, path string) (allow []string, known bool, refused []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.get(resourceKey{host, path})
	if e == nil {
		return nil, false, nil
	}
	for _, r := range e.refused {
		refused = append(refused, r.method)
	}
	return append([]string(nil), e.allow...), !e.allowAt.IsZero(), refused
}

// teaches reports whether the response to req with status code says
// something about the methods of its resource.
func teaches(req *http.Request, code int) bool {
	if code == http.StatusMethodNotAllowed {
		return true
	}
	return code >= 200 && code < 300 && req.Method == http.MethodOptions && !corsPreflight(req)
}

// observe learns from a final response as the origin sent it, before any
// repair: a 405 teaches that its method is refused, and its Allow if it
// has one; a 2xx to OPTIONS teaches its Allow.
func (l *AllowLearner) observe(req *http.Request, code int, h http.Header) {
	if req == nil || !teaches(req, code) || req.URL == nil {
		return
	}
	fields, hasAllow := h[responses.HeaderAllow]
	refused := ""
	if code == http.StatusMethodNotAllowed {
		refused = req.Method
		if len(refused) > maxLearnedMethodLen {
			refused = ""
		}
	}
	var allow []string
	if hasAllow {
		var ok bool
		if allow, ok = parseAllow(fields); !ok {
			hasAllow = false // malformed: nothing learned from it
		}
	}
	if !hasAllow && refused == "" {
		return
	}
	if len(req.Host)+len(req.URL.Path) > maxLearnedKeyLen {
		return
	}
	l.learn(resourceKey{req.Host, req.URL.Path}, allow, hasAllow, refused)
}

// parseAllow parses Allow field lines into their methods, without
// duplicates; ok is false when an element is not a method token or there
// are too many.
func parseAllow(fields []string) (methods []string, ok bool) {
	methods = []string{}
	for _, v := range fields {
		for v != "" {
			var m string
			m, v, _ = strings.Cut(v, ",")
			m = strings.Trim(m, " \t")
			if m == "" {
				continue // empty list elements are allowed (RFC 9110 §5.6.1)
			}
			if !responses.ValidToken(m) || len(m) > maxLearnedMethodLen {
				return nil, false
			}
			if !contains(methods, m) {
				if len(methods) == maxLearnedMethods {
					return nil, false
				}
				methods = append(methods, strings.Clone(m))
			}
		}
	}
	return methods, true
}

func contains(list []string, s string) bool {
	for _, m := range list {
		if m == s {
			return true
		}
	}
	return false
}

// learn records what a response said about the resource k.
func (l *AllowLearner) learn(k resourceKey, allow []string, hasAllow bool, refused string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	e := l.entries[k]
	if e == nil {
		e = &learned{key: resourceKey{strings.Clone(k.host), strings.Clone(k.path)}}
		l.entries[e.key] = e
		l.pushFront(e)
		for len(l.entries) > l.size {
			l.remove(l.tail)
		}
	} else {
		l.moveToFront(e)
	}
	if hasAllow {
		e.allow, e.allowAt = allow, now
		// The newer word wins: a method the origin now allows is no
		// longer refused, unless this very response refuses it.
		kept := e.refused[:0]
		for _, r := range e.refused {
			if r.method == refused || !contains(allow, r.method) {
				kept = append(kept, r)
			}
		}
		clear(e.refused[len(kept):])
		e.refused = kept
	}
	if refused == "" {
		return
	}
	for i := range e.refused {
		if e.refused[i].method == refused {
			e.refused[i].at = now
			return
		}
	}
	if len(e.refused) < maxLearnedMethods {
		e.refused = append(e.refused, refusal{method: strings.Clone(refused), at: now})
	}
}

// get returns the entry of k with its expired facts dropped, or nil when
// nothing of it is left; the caller holds l.mu.
func (l *AllowLearner) get(k resourceKey) *learned {
	e := l.entries[k]
	if e == nil {
		return nil
	}
	now := l.now()
	if !e.allowAt.IsZero() && now.Sub(e.allowAt) >= l.ttl {
		e.allow, e.allowAt = nil, time.Time{}
	}
	kept := e.refused[:0]
	for _, r := range e.refused {
		if now.Sub(r.at) < l.ttl {
			kept = append(kept, r)
		}
	}
	clear(e.refused[len(kept):])
	e.refused = kept
	if e.allowAt.IsZero() && len(e.refused) == 0 {
		l.remove(e)
		return nil
	}
	l.moveToFront(e)
	return e
}

// allowFor returns the Allow to add to a response to req, which refuses
// the method refusing ("" for none: a 2xx to OPTIONS), from what was
// learned about its resource: the origin's own Allow if one is known, else
// configured, less every method refused (GET going with HEAD). ok is
// false when nothing is known of the resource.
func (l *AllowLearner) allowFor(req *http.Request, configured []string, refusing string) (methods []string, ok bool) {
	if req == nil || req.URL == nil {
		return nil, false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	e := l.get(resourceKey{req.Host, req.URL.Path})
	if e == nil {
		return nil, false
	}
	base := configured
	if !e.allowAt.IsZero() {
		base = e.allow
	}
	methods = make([]string, 0, len(base))
outer:
	for _, m := range base {
		if refusing != "" && refusedWith(refusing, m) {
			continue
		}
		for _, r := range e.refused {
			if refusedWith(r.method, m) {
				continue outer
			}
		}
		methods = append(methods, m)
	}
	return methods, true
}

// The recency list; the caller holds l.mu.

func (l *AllowLearner) pushFront(e *learned) {
	e.prev, e.next = nil, l.head
	if l.head != nil {
		l.head.prev = e
	}
	l.head = e
	if l.tail == nil {
		l.tail = e
	}
}

func (l *AllowLearner) unlink(e *learned) {
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		l.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		l.tail = e.prev
	}
	e.prev, e.next = nil, nil
}

func (l *AllowLearner) moveToFront(e *learned) {
	if l.head == e {
		return
	}
	l.unlink(e)
	l.pushFront(e)
}

func (l *AllowLearner) remove(e *learned) {
	l.unlink(e)
	delete(l.entries, e.key)
}
