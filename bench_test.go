package caddynormalize

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
)

// provisioned returns h provisioned in a throwaway Caddy context.
func provisioned(tb testing.TB, h *Handler) *Handler {
	tb.Helper()
	// A context of a config, as Caddy gives one: with storage and the
	// events app that maintenance uses.
	cfgCtx, err := caddy.ProvisionContext(&caddy.Config{})
	if err != nil {
		tb.Fatal(err)
	}
	ctx, cancel := caddy.NewContext(cfgCtx)
	tb.Cleanup(cancel)
	if err := h.Provision(ctx); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { h.Cleanup() })
	return h
}

// discardWriter is a ResponseWriter that keeps nothing but its header map,
// so that benchmarks measure the handler, not the recorder.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(int)             {}

func (w *discardWriter) reset() {
	for k := range w.h {
		delete(w.h, k)
	}
}

var cleanBody = make([]byte, 4096)

// cleanNext answers a conformant 200, as a fast upstream would through
// reverse_proxy.
// Its field values are made once, so that the handler's own allocations
// are what the benchmark counts.
var (
	cleanType   = []string{"text/plain"}
	cleanLength = []string{"4096"}
	cleanDate   = []string{"Mon, 02 Jan 2006 15:04:05 GMT"}
)

var cleanNext = caddyhttp.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h["Content-Type"] = cleanType
	h["Content-Length"] = cleanLength
	h["Date"] = cleanDate
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(cleanBody)
	return err
})

// everyRule configures every value a repair needs, so that every rule of
// the registry is enforced.
func everyRule() *Handler {
	return &Handler{
		Allow:             []string{"GET", "HEAD"},
		WWWAuthenticate:   `Basic realm="app"`,
		ProxyAuthenticate: `Basic realm="proxy"`,
		Upgrade:           []string{"websocket"},
		RetryAfter:        caddy.Duration(30 * time.Second),
	}
}

// BenchmarkHandlerClean is the whole Caddy handler, every rule enabled,
// on a response that needs no fixing: the path every request of a
// healthy service takes.
func BenchmarkHandlerClean(b *testing.B) {
	h := provisioned(b, everyRule())
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	b.SetBytes(int64(len(cleanBody)))
	for b.Loop() {
		w.reset()
		if err := h.ServeHTTP(w, r, cleanNext); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMaintenanceAnswer is a request answered by maintenance mode,
// switched by a file, for an API client.
func BenchmarkMaintenanceAnswer(b *testing.B) {
	flag := filepath.Join(b.TempDir(), "maintenance")
	if err := os.WriteFile(flag, nil, 0o644); err != nil {
		b.Fatal(err)
	}
	h := provisioned(b, &Handler{Maintenance: &Maintenance{File: flag, RetryAfter: caddy.Duration(time.Minute)}})
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Accept", "application/json")
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		w.reset()
		if err := h.ServeHTTP(w, r, cleanNext); err != nil {
			b.Fatal(err)
		}
	}
}

// TestMaintenanceFileNoStatPerRequest shows that the file switch costs no
// syscall per request: requests never stat the file, only the
// once-a-second refresh does.
func TestMaintenanceFileNoStatPerRequest(t *testing.T) {
	var stats atomic.Int64
	orig := statFile
	statFile = func(name string) (os.FileInfo, error) {
		stats.Add(1)
		return orig(name)
	}
	t.Cleanup(func() { statFile = orig })

	flag := filepath.Join(t.TempDir(), "maintenance")
	h := provisioned(t, &Handler{Maintenance: &Maintenance{File: flag, RetryAfter: caddy.Duration(time.Minute)}})
	before := stats.Load()
	const requests = 10000
	for i := 0; i < requests; i++ {
		rec := httptest.NewRecorder()
		if err := h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil), cleanNext); err != nil {
			t.Fatal(err)
		}
		if rec.Code != http.StatusOK {
			t.Fatalf("request %d: status %d with no maintenance file", i, rec.Code)
		}
	}
	// The ticker may have fired while the loop ran: a few stats at most,
	// never one per request.
	if n := stats.Load() - before; n > 5 {
		t.Fatalf("%d requests made %d stats of the maintenance file", requests, n)
	}

	// And the refresh does see the file.
	if err := os.WriteFile(flag, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	h.Maintenance.machine.Refresh()
	rec := httptest.NewRecorder()
	if err := h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil), cleanNext); err != nil {
		t.Fatal(err)
	}
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "60" {
		t.Fatalf("with the file: status %d, Retry-After %q; want 503, 60", rec.Code, rec.Header().Get("Retry-After"))
	}
	body, _ := io.ReadAll(rec.Body)
	if len(body) == 0 {
		t.Fatal("maintenance answer has no body")
	}
}

// TestHandlerCleanPathAllocs holds the Caddy handler to zero allocations
// on a response that needs no fixing.
func TestHandlerCleanPathAllocs(t *testing.T) {
	cfg := everyRule()
	cfg.Maintenance = &Maintenance{}
	h := provisioned(t, cfg)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	w := &discardWriter{h: http.Header{}}
	allocs := testing.AllocsPerRun(1000, func() {
		w.reset()
		if err := h.ServeHTTP(w, r, cleanNext); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("clean path: %v allocations per request, want 0", allocs)
	}
}

// BenchmarkBaselineClean is BenchmarkHandlerClean's next handler alone:
// the difference between the two is what normalize costs.
func BenchmarkBaselineClean(b *testing.B) {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	b.SetBytes(int64(len(cleanBody)))
	for b.Loop() {
		w.reset()
		if err := cleanNext(w, r); err != nil {
			b.Fatal(err)
		}
	}
}
