package normalize

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock the test moves.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newTestLearner(size int, ttl time.Duration) (*AllowLearner, *fakeClock) {
	l := NewAllowLearner(size, ttl)
	c := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	l.now = c.now
	return l, c
}

// serveLearning sends one response through a Normalizer with the learner,
// and returns the Allow the client got ("-" for none).
func serveLearning(n *Normalizer, method, target string, status int, hdr ...string) string {
	rec := httptest.NewRecorder()
	nw := n.Wrap(rec, httptest.NewRequest(method, target, nil))
	for i := 0; i+1 < len(hdr); i += 2 {
		nw.Header()[hdr[i]] = append(nw.Header()[hdr[i]], hdr[i+1])
	}
	nw.WriteHeader(status)
	n.Release(nw)
	if v, ok := rec.Result().Header["Allow"]; ok {
		return fmt.Sprint(v)
	}
	return "-"
}

func learningNormalizer(t *testing.T, l *AllowLearner, allow ...string) *Normalizer {
	t.Helper()
	n, err := New(Options{Allow: allow, LearnAllow: l})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLearnedAllow: what the origin says of a resource is what is added to
// it, per resource.
func TestLearnedAllow(t *testing.T) {
	all := []string{"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"}
	for _, tc := range []struct {
		name    string
		teach   [][]any // method, target, status, header pairs...
		method  string
		target  string
		status  int
		hdr     []string // the last response's fields, as pairs
		want    string
		without bool // without a learner: the configured list
		cors    bool // the teaching requests are CORS preflights
	}{
		{name: "three-refused-fourth-lists-none",
			teach:  [][]any{{"DELETE", "/r", 405}, {"PUT", "/r", 405}, {"PATCH", "/r", 405}},
			method: "POST", target: "/r", status: 405, want: "[GET, HEAD]"},
		{name: "refusals-are-per-path",
			teach:  [][]any{{"DELETE", "/r", 405}, {"PUT", "/r", 405}},
			method: "PATCH", target: "/other", status: 405, want: "[GET, HEAD, POST, PUT, DELETE]"},
		{name: "refusals-are-per-host",
			teach:  [][]any{{"DELETE", "http://a.test/r", 405}},
			method: "PATCH", target: "http://b.test/r", status: 405, want: "[GET, HEAD, POST, PUT, DELETE]"},
		{name: "query-is-not-the-resource",
			teach:  [][]any{{"DELETE", "/r?a=1", 405}},
			method: "PATCH", target: "/r?b=2", status: 405, want: "[GET, HEAD, POST, PUT]"},
		{name: "get-refused-takes-head",
			teach:  [][]any{{"GET", "/r", 405}},
			method: "DELETE", target: "/r", status: 405, want: "[POST, PUT, PATCH]"},
		{name: "options-allow-is-used",
			teach:  [][]any{{"OPTIONS", "/r", 200, "Allow", "GET, HEAD, OPTIONS, BREW"}},
			method: "DELETE", target: "/r", status: 405, want: "[GET, HEAD, OPTIONS, BREW]"},
		{name: "options-allow-is-used-for-options",
			teach:  [][]any{{"OPTIONS", "/r", 204, "Allow", "GET,HEAD"}},
			method: "OPTIONS", target: "/r", status: 200, want: "[GET, HEAD]"},
		{name: "405-allow-less-refusals",
			teach:  [][]any{{"PUT", "/r", 405, "Allow", "GET, POST, PUT"}, {"POST", "/r", 405}},
			method: "DELETE", target: "/r", status: 405, want: "[GET]"},
		{name: "newer-allow-lifts-a-refusal",
			teach:  [][]any{{"PUT", "/r", 405}, {"OPTIONS", "/r", 200, "Allow", "GET, PUT"}},
			method: "DELETE", target: "/r", status: 405, want: "[GET, PUT]"},
		{name: "nothing-left-reported",
			teach:  [][]any{{"OPTIONS", "/r", 200, "Allow", "GET"}},
			method: "GET", target: "/r", status: 405, want: "-"},
		{name: "malformed-allow-not-learned",
			teach:  [][]any{{"OPTIONS", "/r", 200, "Allow", "GET, not a method"}},
			method: "DELETE", target: "/r", status: 405, want: "[GET, HEAD, POST, PUT, PATCH]"},
		{name: "cors-preflight-not-learned",
			teach:  [][]any{{"OPTIONS", "/r", 204, "Allow", "GET"}},
			method: "DELETE", target: "/r", status: 405, want: "[GET, HEAD, POST, PUT, PATCH]", cors: true},
		{name: "clean-200-not-learned",
			teach:  [][]any{{"GET", "/r", 200, "Allow", "GET"}},
			method: "DELETE", target: "/r", status: 405, want: "[GET, HEAD, POST, PUT, PATCH]"},
		{name: "origin-allow-kept",
			teach:  [][]any{{"DELETE", "/r", 405}},
			method: "PUT", target: "/r", status: 405, hdr: []string{"Allow", "DELETE, PUT"}, want: "[DELETE, PUT]"},
		{name: "without-learner",
			teach:  [][]any{{"DELETE", "/r", 405}, {"PUT", "/r", 405}},
			method: "PATCH", target: "/r", status: 405, want: "[GET, HEAD, POST, PUT, DELETE]", without: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var l *AllowLearner
			if !tc.without {
				l, _ = newTestLearner(16, time.Minute)
			}
			n := learningNormalizer(t, l, all...)
			for _, x := range tc.teach {
				var hdr []string
				for _, s := range x[3:] {
					hdr = append(hdr, s.(string))
				}
				rec := httptest.NewRecorder()
				req := httptest.NewRequest(x[0].(string), x[1].(string), nil)
				if tc.cors {
					req.Header.Set("Origin", "https://app.test")
					req.Header.Set("Access-Control-Request-Method", "GET")
				}
				nw := n.Wrap(rec, req)
				for i := 0; i+1 < len(hdr); i += 2 {
					nw.Header()[hdr[i]] = []string{hdr[i+1]}
				}
				nw.WriteHeader(x[2].(int))
				n.Release(nw)
			}
			if got := serveLearning(n, tc.method, tc.target, tc.status, tc.hdr...); got != tc.want {
				t.Errorf("Allow %s, want %s", got, tc.want)
			}
		})
	}
}

// TestLearnedAllowNeedsAllow: learning refines the configured list; it
// invents nothing without one.
func TestLearnedAllowNeedsAllow(t *testing.T) {
	l, _ := newTestLearner(16, time.Minute)
	n := learningNormalizer(t, l)
	serveLearning(n, "OPTIONS", "/r", 200, "Allow", "GET")
	if got := serveLearning(n, "DELETE", "/r", 405); got != "-" {
		t.Errorf("Allow %s without a configured allow, want none", got)
	}
	if n.Action(RuleAllowMissing) != Report {
		t.Errorf("allow-missing is %v without allow, want report", n.Action(RuleAllowMissing))
	}
}

// TestLearnerLRU: at most size resources, the least recently used
// forgotten first; a lookup counts as a use.
func TestLearnerLRU(t *testing.T) {
	l, _ := newTestLearner(3, time.Minute)
	refuse := func(path string) {
		l.observe(httptest.NewRequest("DELETE", path, nil), 405, http.Header{})
	}
	for _, p := range []string{"/a", "/b", "/c"} {
		refuse(p)
	}
	if l.Len() != 3 {
		t.Fatalf("Len %d, want 3", l.Len())
	}
	if _, _, r := l.Learned("example.com", "/a"); !slices.Equal(r, []string{"DELETE"}) {
		t.Fatalf("/a: refused %v, want DELETE", r)
	}
	refuse("/d") // evicts /b, the least recently used now
	if l.Len() != 3 {
		t.Errorf("Len %d after a fourth resource, want 3", l.Len())
	}
	for p, want := range map[string]bool{"/a": true, "/b": false, "/c": true, "/d": true} {
		_, _, r := l.Learned("example.com", p)
		if (r != nil) != want {
			t.Errorf("%s remembered: %v, want %v", p, r != nil, want)
		}
	}
	for i := range 1000 {
		refuse(fmt.Sprintf("/many/%d", i))
	}
	if l.Len() != 3 {
		t.Errorf("Len %d after 1000 resources, want 3", l.Len())
	}
	// The methods of one resource are bounded too.
	for i := range 100 {
		l.observe(httptest.NewRequest(fmt.Sprintf("M%d", i), "/m", nil), 405, http.Header{})
	}
	if _, _, r := l.Learned("example.com", "/m"); len(r) != maxLearnedMethods {
		t.Errorf("%d methods kept for one resource, want %d", len(r), maxLearnedMethods)
	}
	// A resource too long to be worth a key is not learned about.
	long := "/" + string(make([]byte, maxLearnedKeyLen))
	req := httptest.NewRequest("DELETE", "/", nil)
	req.URL.Path = long
	l.observe(req, 405, http.Header{})
	if _, _, r := l.Learned("example.com", long); r != nil {
		t.Errorf("a %d-byte path was learned", len(long))
	}
}

// TestLearnerExpiry: each fact lives ttl after the response that taught
// it.
func TestLearnerExpiry(t *testing.T) {
	l, clock := newTestLearner(8, time.Minute)
	l.observe(httptest.NewRequest("DELETE", "/r", nil), 405, http.Header{})
	clock.add(40 * time.Second)
	l.observe(httptest.NewRequest("OPTIONS", "/r", nil), 200, http.Header{"Allow": {"GET, DELETE, PUT"}})
	l.observe(httptest.NewRequest("PUT", "/r", nil), 405, http.Header{})
	allow, known, refused := l.Learned("example.com", "/r")
	if !known || !slices.Equal(allow, []string{"GET", "DELETE", "PUT"}) || !slices.Equal(refused, []string{"PUT"}) {
		t.Fatalf("learned %v %v %v; want the Allow, PUT refused (DELETE lifted by the newer Allow)", allow, known, refused)
	}
	clock.add(59 * time.Second)
	if _, known, refused := l.Learned("example.com", "/r"); !known || len(refused) != 1 {
		t.Errorf("just within the lifetime: %v %v, want all kept", known, refused)
	}
	clock.add(time.Second)
	if _, known, refused := l.Learned("example.com", "/r"); known || refused != nil {
		t.Errorf("past the lifetime: %v %v, want nothing", known, refused)
	}
	if l.Len() != 0 {
		t.Errorf("Len %d once everything expired, want 0", l.Len())
	}

	// A refusal taught again lives on from then.
	l.observe(httptest.NewRequest("DELETE", "/s", nil), 405, http.Header{})
	clock.add(50 * time.Second)
	l.observe(httptest.NewRequest("DELETE", "/s", nil), 405, http.Header{})
	clock.add(50 * time.Second)
	if _, _, r := l.Learned("example.com", "/s"); !slices.Equal(r, []string{"DELETE"}) {
		t.Errorf("a refusal taught again: %v, want DELETE", r)
	}

	// Through the engine: once expired, the configured list is back.
	n := learningNormalizer(t, l, "GET", "POST", "DELETE")
	serveLearning(n, "POST", "/t", 405)
	if got := serveLearning(n, "PUT", "/t", 405); got != "[GET, DELETE]" {
		t.Errorf("Allow %s, want POST left out", got)
	}
	clock.add(time.Minute)
	if got := serveLearning(n, "PUT", "/t", 405); got != "[GET, POST, DELETE]" {
		t.Errorf("Allow %s after the lifetime, want the configured list", got)
	}
}

// TestLearnerConcurrent: many goroutines teaching and asking at once
// (run with -race).
func TestLearnerConcurrent(t *testing.T) {
	l := NewAllowLearner(64, time.Minute)
	n, err := New(Options{Allow: []string{"GET", "HEAD", "POST", "PUT", "DELETE"}, LearnAllow: l})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	methods := []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS"}
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				path := fmt.Sprintf("/p%d", (g*7+i)%100)
				m := methods[(g+i)%len(methods)]
				switch i % 3 {
				case 0:
					serveLearning(n, m, path, 405)
				case 1:
					serveLearning(n, "OPTIONS", path, 200, "Allow", "GET, HEAD, "+m)
				default:
					l.Learned("example.com", path)
				}
			}
		}()
	}
	wg.Wait()
	if got := l.Len(); got > 64 || got == 0 {
		t.Errorf("Len %d, want from 1 to 64", got)
	}
}

// TestLearnerCleanPathAllocs: a response that teaches nothing costs no
// allocation, with learning on.
func TestLearnerCleanPathAllocs(t *testing.T) {
	opts := full
	opts.LearnAllow = NewAllowLearner(16, time.Minute)
	n, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	w := newBenchWriter()
	req := httptest.NewRequest("GET", "/", nil)
	cleanResponse(n, w, req)
	if allocs := testing.AllocsPerRun(1000, func() { cleanResponse(n, w, req) }); allocs != 0 {
		t.Errorf("%v allocations per conformant response with learning, want 0", allocs)
	}
	if opts.LearnAllow.Len() != 0 {
		t.Errorf("a clean 200 taught something: Len %d", opts.LearnAllow.Len())
	}
}

// BenchmarkFixAllowMissingLearned: a 405 repaired from what was learned of
// its resource.
func BenchmarkFixAllowMissingLearned(b *testing.B) {
	opts := full
	opts.LearnAllow = NewAllowLearner(0, 0)
	n, err := New(opts)
	if err != nil {
		b.Fatal(err)
	}
	w := newBenchWriter()
	req := httptest.NewRequest("DELETE", "/r", nil)
	b.ReportAllocs()
	for b.Loop() {
		w.reset()
		nw := n.Wrap(w, req)
		nw.WriteHeader(http.StatusMethodNotAllowed)
		n.Release(nw)
	}
}
