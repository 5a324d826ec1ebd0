package normalize

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// benchWriter is the least a ResponseWriter can be: a header map that is
// cleared, not reallocated, between responses, and a byte count.
type benchWriter struct {
	h      http.Header
	status int
	n      int64
}

func newBenchWriter() *benchWriter { return &benchWriter{h: make(http.Header, 8)} }

func (w *benchWriter) Header() http.Header { return w.h }

func (w *benchWriter) WriteHeader(code int) {
	if w.status == 0 && (code >= 200 || code == http.StatusSwitchingProtocols) {
		w.status = code
	}
}

func (w *benchWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.n += int64(len(p))
	return len(p), nil
}

func (w *benchWriter) reset() {
	clear(w.h)
	w.status = 0
	w.n = 0
}

// Header values, allocated once.
var (
	benchType     = []string{"text/plain; charset=utf-8"}
	benchLength4K = []string{"4096"}
	benchDate     = []string{fixedDate}
	benchLocation = []string{"/new place/ünïcode page"}
	benchBody4K   = make([]byte, 4096)
	benchChunk32K = make([]byte, 32<<10)
)

func benchNormalizer(tb testing.TB) *Normalizer {
	n, err := New(full)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// cleanResponse serves one conformant 200 with a 4 KiB body through n.
func cleanResponse(n *Normalizer, w *benchWriter, req *http.Request) {
	w.reset()
	w.h["Content-Type"] = benchType
	w.h["Content-Length"] = benchLength4K
	w.h["Date"] = benchDate
	nw := n.Wrap(w, req)
	nw.WriteHeader(http.StatusOK)
	nw.Write(benchBody4K)
	n.Release(nw)
}

// TestCleanPathAllocs: a conformant response costs no allocation through
// Wrap, WriteHeader, Write and Release.
func TestCleanPathAllocs(t *testing.T) {
	n := benchNormalizer(t)
	w := newBenchWriter()
	req := httptest.NewRequest("GET", "/", nil)
	cleanResponse(n, w, req) // fill the pool
	allocs := testing.AllocsPerRun(1000, func() { cleanResponse(n, w, req) })
	if w.status != 200 || w.n != 4096 {
		t.Fatalf("the response was %d with %d bytes, want 200 with 4096", w.status, w.n)
	}
	if allocs != 0 {
		t.Errorf("%v allocations per conformant response, want 0", allocs)
	}
}

func BenchmarkCleanPath(b *testing.B) {
	n := benchNormalizer(b)
	w := newBenchWriter()
	req := httptest.NewRequest("GET", "/", nil)
	b.SetBytes(int64(len(benchBody4K)))
	b.ReportAllocs()
	for b.Loop() {
		cleanResponse(n, w, req)
	}
}

// benchFix benchmarks a response the wrapper has to fix.
func benchFix(b *testing.B, method string, status int, set func(http.Header), body []byte) {
	n := benchNormalizer(b)
	w := newBenchWriter()
	req := httptest.NewRequest(method, "/", nil)
	b.ReportAllocs()
	for b.Loop() {
		w.reset()
		w.h["Content-Type"] = benchType
		w.h["Date"] = benchDate
		if set != nil {
			set(w.h)
		}
		nw := n.Wrap(w, req)
		nw.WriteHeader(status)
		nw.Write(body)
		n.Release(nw)
	}
}

func BenchmarkFixAllowMissing(b *testing.B) {
	benchFix(b, "DELETE", http.StatusMethodNotAllowed, nil, []byte("method not allowed"))
}

func BenchmarkFixResetContent(b *testing.B) {
	benchFix(b, "POST", http.StatusResetContent, nil, benchBody4K)
}

func BenchmarkFixRetryAfterMissing(b *testing.B) {
	benchFix(b, "GET", http.StatusServiceUnavailable, nil, []byte("busy"))
}

func BenchmarkFixLocationInvalid(b *testing.B) {
	benchFix(b, "GET", http.StatusFound, func(h http.Header) { h["Location"] = benchLocation }, nil)
}

func BenchmarkFixStatusInvalid(b *testing.B) {
	benchFix(b, "GET", 600, nil, []byte("not http"))
}

// BenchmarkStreamLarge streams 1 MiB in 32 KiB writes.
func BenchmarkStreamLarge(b *testing.B) {
	n := benchNormalizer(b)
	w := newBenchWriter()
	req := httptest.NewRequest("GET", "/", nil)
	b.SetBytes(1 << 20)
	b.ReportAllocs()
	for b.Loop() {
		w.reset()
		w.h["Content-Type"] = benchType
		nw := n.Wrap(w, req)
		nw.WriteHeader(http.StatusOK)
		for range (1 << 20) / len(benchChunk32K) {
			nw.Write(benchChunk32K)
		}
		n.Release(nw)
	}
	if w.n != 1<<20 {
		b.Fatalf("streamed %d bytes, want %d", w.n, 1<<20)
	}
}
