package caddynormalize

import (
	"context"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/respnorm/caddy-normalize/normalize"
)

// Violations are counted per server: the caddyhttp.Server whose routes hold
// the handler, named as in Caddy's own HTTP metrics. A handler belongs to
// one server, so it resolves its server's counters once, at Provision;
// counting a violation then costs two atomic additions, with no label
// lookup. The counts, like the metric, run from the start of the process
// and survive reloads; the servers are those of the configurations loaded
// since, a set the configuration bounds.

// unknownServer is the server label of a handler run outside a Caddy
// server, the value Caddy's own HTTP metrics use.
const unknownServer = "UNKNOWN"

// examplesKept is how many recent examples the report keeps per server
// and rule; examplePathMax bounds the bytes of a path kept, and
// exampleMethodMax those of a method.
const (
	examplesKept     = 5
	examplePathMax   = 256
	exampleMethodMax = 24
)

// siteCounts holds one server's counts, by counted rule: the registry's
// rules, then the generated rules (countIndex).
type siteCounts struct {
	name  string
	rules []ruleCount
}

// ruleCount is one rule's counts on one server: enforced ([0]) and
// reported ([1]), each with its resolved counter, and the last examples.
type ruleCount struct {
	c [2]struct {
		n       atomic.Uint64
		counter prometheus.Counter
	}
	examples exampleRing
}

// exampleRing keeps the last examplesKept violations of one rule on one
// server, in fixed-size slots: recording one allocates nothing, and keeps
// nothing of the request alive.
type exampleRing struct {
	mu   sync.Mutex
	next int // the slot the next example goes to
	n    int // the slots filled
	e    [examplesKept]example
}

// example is one violation, as the report shows it.
type example struct {
	at       int64 // Unix nanoseconds
	status   int32
	enforced bool
	mlen     uint8
	plen     uint16
	method   [exampleMethodMax]byte
	path     [examplePathMax]byte
}

var sites struct {
	sync.RWMutex
	m map[string]*siteCounts
}

// numCounted is the number of counted rules: the registry's and the
// generated ones.
func numCounted() int { return normalize.NumRules() + int(normalize.NumGeneratedRules) }

// generatedIndex is the counted-rule index of a generated rule.
func generatedIndex(g normalize.GeneratedRule) int { return normalize.NumRules() + int(g) }

// countedRule describes counted rule i: its ID, reference and level.
func countedRule(i int) (id, ref, level string) {
	if i < normalize.NumRules() {
		r := normalize.Rule(i)
		return r.ID(), r.Ref(), r.Level().String()
	}
	// Not a requirement of the specification but the operator's policy:
	// its level says so.
	return normalize.GeneratedRule(i - normalize.NumRules()).ID(), "replace_errors", "policy"
}

// siteFor returns the counts of the server named name, creating them, and
// their series (at zero), the first time.
func siteFor(name string) *siteCounts {
	sites.RLock()
	s := sites.m[name]
	sites.RUnlock()
	if s != nil {
		return s
	}
	sites.Lock()
	defer sites.Unlock()
	if s = sites.m[name]; s != nil {
		return s
	}
	s = &siteCounts{name: name, rules: make([]ruleCount, numCounted())}
	for i := range s.rules {
		id, _, level := countedRule(i)
		s.rules[i].c[0].counter = violationsTotal.WithLabelValues(name, id, "enforced", level)
		s.rules[i].c[1].counter = violationsTotal.WithLabelValues(name, id, "reported", level)
	}
	if sites.m == nil {
		sites.m = make(map[string]*siteCounts)
	}
	sites.m[name] = s
	return s
}

// allSites returns the counts of every server seen, by name.
func allSites() []*siteCounts {
	sites.RLock()
	defer sites.RUnlock()
	out := make([]*siteCounts, 0, len(sites.m))
	for _, s := range sites.m {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// serverName returns the name of the server in ctx, which Caddy sets both
// while it provisions a server's handlers and on each request it serves;
// "" when there is none.
func serverName(ctx context.Context) string {
	if srv, ok := ctx.Value(caddyhttp.ServerCtxKey).(*caddyhttp.Server); ok && srv != nil {
		return srv.Name()
	}
	return ""
}

// siteOf returns the counts of the server of a request, for a handler
// provisioned outside a server.
func siteOf(r *http.Request) *siteCounts {
	name := ""
	if r != nil {
		name = serverName(r.Context())
	}
	if name == "" {
		name = unknownServer
	}
	return siteFor(name)
}

// count records one violation of counted rule i on the server, with the
// request as an example.
func (s *siteCounts) count(i int, a normalize.Action, status int, r *http.Request) {
	enforced := a == normalize.Enforce
	rc := &s.rules[i]
	c := &rc.c[1]
	if enforced {
		c = &rc.c[0]
	}
	c.n.Add(1)
	c.counter.Inc()
	rc.examples.add(enforced, status, r)
}

// add records an example.
func (e *exampleRing) add(enforced bool, status int, r *http.Request) {
	now := time.Now().UnixNano()
	e.mu.Lock()
	x := &e.e[e.next]
	x.at, x.status, x.enforced = now, int32(status), enforced
	x.mlen, x.plen = 0, 0
	if r != nil {
		x.mlen = uint8(copy(x.method[:], r.Method))
		if r.URL != nil {
			x.plen = uint16(copy(x.path[:], r.URL.Path))
		}
	}
	e.next = (e.next + 1) % examplesKept
	if e.n < examplesKept {
		e.n++
	}
	e.mu.Unlock()
}

// exampleReport is one example in the report: what was asked, what was
// answered, when, and what normalize did.
type exampleReport struct {
	Time   time.Time `json:"time"`
	Method string    `json:"method"`
	Path   string    `json:"path"`
	Status int       `json:"status"`
	Action string    `json:"action"`
}

// list returns the examples, the most recent first.
func (e *exampleRing) list() []exampleReport {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]exampleReport, 0, e.n)
	for k := 1; k <= e.n; k++ {
		x := &e.e[(e.next-k+examplesKept)%examplesKept]
		action := "reported"
		if x.enforced {
			action = "enforced"
		}
		out = append(out, exampleReport{
			Time:   time.Unix(0, x.at).UTC(),
			Method: string(x.method[:x.mlen]),
			Path:   string(x.path[:x.plen]),
			Status: int(x.status),
			Action: action,
		})
	}
	return out
}
