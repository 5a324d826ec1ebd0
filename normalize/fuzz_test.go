package normalize

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/respnorm/caddy-normalize/responses"
)

// wireRecorder stands for net/http's ResponseWriter: 1xx responses are
// sent with the header map as it is and leave it in place; the first
// other status is final and the header map is frozen then; a second one
// is ignored; Write before WriteHeader implies 200. It records what would
// go on the wire.
type wireRecorder struct {
	h         http.Header
	interim   []int
	status    int
	snap      http.Header // the header section of the final response
	body      []byte
	readFroms int
}

func (r *wireRecorder) Header() http.Header { return r.h }

func (r *wireRecorder) WriteHeader(code int) {
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code)) // as net/http
	}
	if r.status != 0 {
		return
	}
	if code < 200 && code != http.StatusSwitchingProtocols {
		r.interim = append(r.interim, code)
		return
	}
	r.status = code
	r.snap = r.h.Clone()
}

func (r *wireRecorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.WriteHeader(http.StatusOK)
	}
	r.body = append(r.body, p...)
	return len(p), nil
}

func (r *wireRecorder) ReadFrom(src io.Reader) (int64, error) {
	r.readFroms++
	if r.status == 0 {
		r.WriteHeader(http.StatusOK)
	}
	b, err := io.ReadAll(src)
	r.body = append(r.body, b...)
	return int64(len(b)), err
}

func (r *wireRecorder) Flush() {
	if r.status == 0 {
		r.WriteHeader(http.StatusOK)
	}
}

// fuzzInput decodes the fuzz input; past its end it reads zeros.
type fuzzInput struct {
	b []byte
	i int
}

func (in *fuzzInput) more() bool { return in.i < len(in.b) }

func (in *fuzzInput) byte() byte {
	if in.i >= len(in.b) {
		return 0
	}
	c := in.b[in.i]
	in.i++
	return c
}

func (in *fuzzInput) bytes() []byte {
	n := int(in.byte() % 24)
	end := min(in.i+n, len(in.b))
	p := in.b[in.i:end]
	in.i = end
	return p
}

// value returns a header field value: one of a few meaningful ones, or
// random bytes.
func (in *fuzzInput) value(meaningful ...string) string {
	c := in.byte()
	if int(c) < len(meaningful)*32 && len(meaningful) > 0 {
		return meaningful[int(c)%len(meaningful)]
	}
	return string(in.bytes())
}

var (
	fuzzMethods = []string{"GET", "HEAD", "OPTIONS", "POST"}
	fuzzInterim = []int{100, 102, 103}
	fuzzFinal   = []int{200, 201, 204, 205, 206, 302, 304, 401, 405, 407, 416, 426, 429, 503, 600, 999, 101}
)

// The operations the fuzz input is decoded into.
const (
	opSetContentLength = iota
	opDelContentLength
	opSetTransferEncoding
	opDelTransferEncoding
	opAllow
	opLocation
	opRetryAfter
	opDate
	opInterim
	opFinal
	opWrite
	opFlush
	opReadFrom
	opWriteString
	opCopy
	numOps
)

// FuzzResponseWriter drives a wrapped writer with a sequence of header
// edits, WriteHeader, Write, Flush and ReadFrom calls decoded from the
// input, in one of three configurations, and checks:
//   - nothing panics;
//   - with content rules enforced, no content on a 204, 205 or 304 or in a
//     response to HEAD, and the framing fields of those statuses fixed;
//   - no header field value the wrapper wrote holds CR, LF or NUL, and
//     each one it wrote is valid for its field;
//   - after the wrapper, the final header section breaks no rule the
//     wrapper enforces;
//   - a 200 whose header fields, as the handler set them, break no rule
//     passes unchanged: the same fields, the content byte for byte;
//   - in report mode nothing changes at all.
func FuzzResponseWriter(f *testing.F) {
	for _, seed := range [][]byte{
		{0, opFinal, 0, opWrite, 5, 'h', 'e', 'l', 'l', 'o'},
		{0, opSetContentLength, 0, opFinal, 3, opWrite, 3, 'a', 'b', 'c'},
		{0, opFinal, 3, opReadFrom, 4, 'f', 'o', 'r', 'm'},
		{1, opFinal, 8, opWrite, 1, 'x'},
		{2, opLocation, 200, 3, ' ', 0xff, '\n', opFinal, 5},
		{0, opRetryAfter, 200, 4, 's', 'o', 'o', 'n', opFinal, 13},
		{0, opDate, 200, 2, '\r', '\n', opFinal, 0, opFlush, opWrite, 2, 'o', 'k'},
		{0, opInterim, 2, opFinal, 0, opWriteString, 2, 'h', 'i'},
		{3, opFinal, 4, opFinal, 0, opCopy, 3, 'a', 'b', 'c'},
		{0, opFinal, 14, opWrite, 3, 'b', 'a', 'd'},
		{5, opFinal, 14, opWrite, 3, 'b', 'a', 'd'},
		{6, opWrite, 2, 'o', 'k', opFinal, 8},
		{0, opSetTransferEncoding, 0, opFinal, 6},
		{0, opAllow, 0, opFinal, 8, opWrite, 2, 'n', 'o'},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		in := &fuzzInput{b: data}
		cfg := in.byte()
		mode := cfg % 3
		method := fuzzMethods[int(cfg/3)%len(fuzzMethods)]
		var opts Options
		switch mode {
		case 0: // enforce, with every value a fix can need
			opts = full
		case 1: // enforce, nothing configured
		case 2: // report
			opts = full
			opts.Default = Report
		}
		var events []Event
		opts.OnViolation = func(e Event) { events = append(events, e) }
		n, err := New(opts)
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(method, "/", nil)
		rec := &wireRecorder{h: make(http.Header)}
		nw := n.Wrap(rec, req)
		defer n.Release(nw)

		// model is the header map as the handler alone would have it.
		model := make(http.Header)
		set := func(k, v string) {
			nw.Header().Set(k, v)
			model.Set(k, v)
		}
		remove := func(k string) {
			nw.Header().Del(k)
			model.Del(k)
		}
		var (
			written       []byte      // all content the handler wrote
			firstCode     int         // the first final status the handler wrote, or the implied 200
			intended      int         // the status the handler committed, held or not
			intendedModel http.Header // the header map it committed
			atCommit      http.Header
			ops           []string
		)
		// call runs an operation that goes through the wrapper, and checks
		// what the wrapper wrote into the header map meanwhile.
		call := func(name string, code int, op func()) {
			ops = append(ops, name)
			before := nw.Header().Clone()
			modelBefore := model.Clone()
			committed := rec.status != 0
			op()
			// The handler commits its header with its first final
			// WriteHeader, or the first Write or Flush (an implied 200).
			if interim := code >= 100 && code < 200 && code != 101; !interim && intended == 0 {
				intended, intendedModel = code, modelBefore
				if intended == 0 {
					intended = http.StatusOK
				}
			}
			if !committed && rec.status != 0 {
				// Committed by this op, or by a later one when the
				// wrapper held the header back (content-type-missing):
				// what goes out is what the handler committed.
				firstCode, atCommit = intended, intendedModel
			}
			for k, vs := range nw.Header() {
				if reflect.DeepEqual(vs, before[k]) {
					continue
				}
				if intendedModel != nil && reflect.DeepEqual(vs, intendedModel[k]) {
					// A held header restored as the handler committed
					// it (content-type-missing): the handler's value,
					// not the wrapper's.
					continue
				}
				for _, v := range vs {
					if strings.ContainsAny(v, "\r\n\x00") {
						t.Fatalf("%v: the wrapper wrote %s: %q", ops, k, v)
					}
				}
				if mode != 0 {
					continue
				}
				var ok bool
				switch k {
				case "Location":
					ok = len(vs) == 1 && responses.ValidLocation(vs[0])
				case "Retry-After":
					ok = len(vs) == 1 && responses.ValidRetryAfter(vs[0])
				case "Date":
					ok = len(vs) == 1 && responses.ValidHTTPDate(vs[0])
				default:
					ok = true
				}
				if !ok {
					t.Fatalf("%v: the wrapper wrote an invalid %s: %q", ops, k, vs)
				}
			}
		}

		for in.more() && len(ops) < 64 {
			switch op := int(in.byte()) % numOps; op {
			case opSetContentLength:
				set("Content-Length", in.value("0", "5", "12", "-1"))
			case opDelContentLength:
				remove("Content-Length")
			case opSetTransferEncoding:
				set("Transfer-Encoding", in.value("chunked", "identity"))
			case opDelTransferEncoding:
				remove("Transfer-Encoding")
			case opAllow:
				if in.byte()%4 == 0 {
					remove("Allow")
				} else {
					set("Allow", in.value("GET, HEAD", ""))
				}
			case opLocation:
				set("Location", in.value("/next", "https://example.com/a%20b#f"))
			case opRetryAfter:
				set("Retry-After", in.value("120", "0", "Fri, 31 Dec 1999 23:59:59 GMT"))
			case opDate:
				set("Date", in.value(fixedDate, time.Now().UTC().Format(http.TimeFormat)))
			case opInterim:
				code := fuzzInterim[int(in.byte())%len(fuzzInterim)]
				call(fmt.Sprint(code), code, func() { nw.WriteHeader(code) })
			case opFinal:
				code := fuzzFinal[int(in.byte())%len(fuzzFinal)]
				call(fmt.Sprint(code), code, func() { nw.WriteHeader(code) })
			case opWrite:
				p := in.bytes()
				call("Write", 0, func() {
					if n, err := nw.Write(p); n != len(p) || err != nil {
						t.Fatalf("Write: %d, %v", n, err)
					}
				})
				written = append(written, p...)
			case opWriteString:
				p := in.bytes()
				call("WriteString", 0, func() {
					if n, err := nw.WriteString(string(p)); n != len(p) || err != nil {
						t.Fatalf("WriteString: %d, %v", n, err)
					}
				})
				written = append(written, p...)
			case opReadFrom:
				p := in.bytes()
				call("ReadFrom", 0, func() {
					if n, err := nw.ReadFrom(struct{ io.Reader }{bytes.NewReader(p)}); n != int64(len(p)) || err != nil {
						t.Fatalf("ReadFrom: %d, %v", n, err)
					}
				})
				written = append(written, p...)
			case opCopy:
				p := in.bytes()
				call("io.Copy", 0, func() {
					if n, err := io.Copy(nw, struct{ io.Reader }{bytes.NewReader(p)}); n != int64(len(p)) || err != nil {
						t.Fatalf("io.Copy: %d, %v", n, err)
					}
				})
				written = append(written, p...)
			case opFlush:
				call("Flush", 0, nw.Flush)
			}
		}
		if rec.status == 0 {
			return // nothing final was written
		}

		for _, e := range events {
			if e.Rule >= Rule(NumRules()) || e.Request != req {
				t.Fatalf("%v: bad event %+v", ops, e)
			}
			if mode == 2 && e.Action != Report {
				t.Fatalf("%v: in report mode, event %v %v", ops, e.Rule, e.Action)
			}
		}

		if mode == 2 {
			// Report mode changes nothing.
			if !reflect.DeepEqual(rec.snap, atCommit) {
				t.Fatalf("%v: report mode changed the header\nhandler: %v\nsent:    %v", ops, atCommit, rec.snap)
			}
			if rec.status != firstCode || !bytes.Equal(rec.body, written) {
				t.Fatalf("%v: report mode changed the response: %d %q, handler %d %q", ops, rec.status, rec.body, firstCode, written)
			}
			return
		}

		// Content rules are enforced in modes 0 and 1.
		generated := !responses.ValidCode(firstCode) // a 502 the wrapper wrote itself
		if rule, forbidden := contentRuleFor(method, rec.status); forbidden && !generated {
			if len(rec.body) != 0 {
				t.Fatalf("%v: %s %d carries content %q (%s)", ops, method, rec.status, rec.body, rule)
			}
		}
		switch rec.status {
		case 205:
			// No content: no Content-Length but 0 (an empty chunked
			// body, or none over HTTP/2, is no content either).
			if cl, ok := rec.snap["Content-Length"]; ok && (len(cl) != 1 || cl[0] != "0") {
				t.Fatalf("%v: a 205 went out with Content-Length %q", ops, cl)
			}
		case 204:
			if rec.snap["Content-Length"] != nil || rec.snap["Transfer-Encoding"] != nil {
				t.Fatalf("%v: a 204 went out with framing %v", ops, rec.snap)
			}
		case 304:
			if rec.snap["Transfer-Encoding"] != nil {
				t.Fatalf("%v: a 304 went out with Transfer-Encoding", ops)
			}
		}

		// What the wrapper enforces holds of what it sent.
		for _, v := range Check(httptest.NewRequest(method, "/", nil), rec.status, rec.snap, false) {
			// A 405 to GET or HEAD keeps no method of full's GET, HEAD:
			// the Allow added never names the refused one, so it is
			// only reported.
			if n.Action(v.Rule) == Enforce && !generated && !(v.Rule == RuleAllowMissing && refuses(full.Allow, method)) {
				t.Fatalf("%v: %s %d went out breaking %s, which is enforced\nsent: %v", ops, method, rec.status, v, rec.snap)
			}
		}

		// A conformant 200 passes unchanged. The wrapper judges it when
		// its header is written, before it knows whether content
		// follows: conformant is conformant with content.
		if firstCode == http.StatusOK && method != "HEAD" && len(Check(httptest.NewRequest(method, "/", nil), 200, atCommit, true)) == 0 {
			if rec.status != 200 || !reflect.DeepEqual(rec.snap, atCommit) {
				t.Fatalf("%v: a conformant 200 was changed\nhandler: %v\nsent:    %d %v", ops, atCommit, rec.status, rec.snap)
			}
			if !bytes.Equal(rec.body, written) {
				t.Fatalf("%v: a conformant 200's content changed: %q, want %q", ops, rec.body, written)
			}
		}
	})
}
