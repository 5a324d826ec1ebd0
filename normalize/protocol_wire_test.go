package normalize

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// headRecorder records, for every WriteHeader, the status and a copy of
// the header map as it was then: what a server that sends the map as it
// is (quic-go's HTTP/3 server) would put on the wire.
type headRecorder struct {
	h     http.Header
	heads []recordedHead
}

type recordedHead struct {
	status int
	header http.Header
}

func newHeadRecorder() *headRecorder { return &headRecorder{h: http.Header{}} }

func (w *headRecorder) Header() http.Header { return w.h }

func (w *headRecorder) WriteHeader(code int) {
	w.heads = append(w.heads, recordedHead{code, w.h.Clone()})
}

func (w *headRecorder) Write(p []byte) (int, error) {
	if len(w.heads) == 0 {
		w.WriteHeader(http.StatusOK)
	}
	return len(p), nil
}

// protoRequest returns a GET request of HTTP/major.minor.
func protoRequest(major, minor int) *http.Request {
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.ProtoMajor, req.ProtoMinor = major, minor
	req.Proto = fmt.Sprintf("HTTP/%d.%d", major, minor)
	return req
}

// serveWith serves h to req through a Normalizer of opts, into w, and
// returns the Events.
func serveWith(t *testing.T, opts Options, w http.ResponseWriter, req *http.Request, h http.HandlerFunc) []ev {
	t.Helper()
	var log eventLog
	opts.OnViolation = log.add
	n, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	n.Middleware(h).ServeHTTP(w, req)
	evs, _ := log.take()
	return evs
}

// TestUpgradeMissingClosingRequest: to a request that asks to close the
// connection, the upgrade option (RFC 9110 §7.8) and close travel in one
// Connection line, "upgrade, close": Go's HTTP/1 server replaces the field
// with "close" unless its first line has that option. On the wire, from
// a real net/http server, both options arrive; without close asked, only
// upgrade.
func TestUpgradeMissingClosingRequest(t *testing.T) {
	t.Run("writer", func(t *testing.T) {
		for _, c := range []struct {
			name   string
			close  bool
			before []string // Connection set by the handler
			want   []string
		}{
			{"keep-alive", false, nil, []string{"upgrade"}},
			{"close", true, nil, []string{"upgrade, close"}},
			{"close, handler said close", true, []string{"close"}, []string{"close, upgrade"}},
			{"close, handler said upgrade", true, []string{"Upgrade"}, []string{"Upgrade, close"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				req := protoRequest(1, 1)
				req.Close = c.close
				rec := httptest.NewRecorder()
				evs := serveWith(t, full, rec, req, func(w http.ResponseWriter, _ *http.Request) {
					if c.before != nil {
						w.Header()["Connection"] = c.before
					}
					w.WriteHeader(http.StatusUpgradeRequired)
				})
				h := rec.Result().Header
				if got := h["Connection"]; !slices.Equal(got, c.want) || h.Get("Upgrade") != "websocket" {
					t.Errorf("Connection %q, Upgrade %q; want %q, websocket", got, h.Get("Upgrade"), c.want)
				}
				if want := []ev{{RuleUpgradeMissing, Enforce, 426}}; !equalEvents(evs, want) {
					t.Errorf("events %v, want %v", evs, want)
				}
			})
		}
	})
	t.Run("wire", func(t *testing.T) {
		f := newFixture(t, full, reply(http.StatusUpgradeRequired, ""))
		for _, c := range []struct {
			name, conn string
			want       []string
		}{
			{"close", "Connection: close\r\n", []string{"upgrade", "close"}},
			{"keep-alive", "", []string{"upgrade"}},
		} {
			t.Run(c.name, func(t *testing.T) {
				// Kept alive, a second request closes the connection; the
				// first response is the one judged.
				req := "GET /x HTTP/1.1\r\nHost: example.test\r\n" + c.conn + "\r\n"
				if c.conn == "" {
					req += "GET /x HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n\r\n"
				}
				b := rawExchange(t, f.h1.Listener.Addr().String(), []byte(req))
				raw := parseRaw(t, "GET", b)
				if raw.status != http.StatusUpgradeRequired || raw.header.Get("Upgrade") != "websocket" {
					t.Fatalf("status %d Upgrade %q, want 426 websocket\n%q", raw.status, raw.header.Get("Upgrade"), b)
				}
				for _, o := range c.want {
					if !hasTokenIn(raw.header["Connection"], o) {
						t.Errorf("Connection %q, want the %q option\n%q", raw.header["Connection"], o, b)
					}
				}
				if c.conn == "" && hasTokenIn(raw.header["Connection"], "close") {
					t.Errorf("Connection %q on a kept-alive connection", raw.header["Connection"])
				}
				f.events()
				if c.conn == "" {
					f.events()
				}
			})
		}
	})
}

// hasTokenIn reports whether any line of vs has the option o.
func hasTokenIn(vs []string, o string) bool {
	for _, v := range vs {
		for e := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(e), o) {
				return true
			}
		}
	}
	return false
}

// TestNoInventedLengthOverHTTP3: quic-go's HTTP/3 server adds
// "Content-Length: <bytes written>" to a response whose head it has not
// sent unless the map has the field, even as nil. Enforced, a 204 and a
// 304 without Content-Length get it as nil (RFC 9110 §8.6), counted as
// nothing; a 304's own Content-Length stays; HTTP/1.1 and HTTP/2 (whose
// servers add none) and the modes that change nothing are left alone.
func TestNoInventedLengthOverHTTP3(t *testing.T) {
	for _, c := range []struct {
		name     string
		opts     Options
		major    int
		status   int
		kv       []string
		wantNil  bool     // Content-Length present with a nil value
		wantCL   []string // else: Content-Length as this
		wantEvts []ev
	}{
		{"204 h3", full, 3, 204, nil, true, nil, nil},
		{"304 h3", full, 3, 304, []string{"ETag", `"v1"`}, true, nil, nil},
		{"304 h3 own length", full, 3, 304, []string{"ETag", `"v1"`, "Content-Length", "5"}, false, []string{"5"}, nil},
		{"204 h3 with length", full, 3, 204, []string{"Content-Length", "5"}, true, nil, []ev{{RuleContentForbidden, Enforce, 204}}},
		{"204 h3 report", with(full, RuleContentForbidden, Report), 3, 204, nil, false, nil, nil},
		{"204 h3 off", with(full, RuleContentForbidden, Off), 3, 204, nil, false, nil, nil},
		{"204 h2", full, 2, 204, nil, false, nil, nil},
		{"204 h1", full, 1, 204, nil, false, nil, nil},
		{"200 h3", full, 3, 200, []string{"Content-Length", "2", "Content-Type", "text/plain"}, false, []string{"2"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newHeadRecorder()
			minor := 0
			if c.major == 1 {
				minor = 1
			}
			evs := serveWith(t, c.opts, w, protoRequest(c.major, minor), reply(c.status, "", c.kv...))
			if len(w.heads) != 1 || w.heads[0].status != c.status {
				t.Fatalf("heads %+v, want one %d", w.heads, c.status)
			}
			cl, ok := w.heads[0].header["Content-Length"]
			switch {
			case c.wantNil && (!ok || cl != nil):
				t.Errorf("Content-Length %q (present %v), want present and nil", cl, ok)
			case !c.wantNil && !slices.Equal(cl, c.wantCL):
				t.Errorf("Content-Length %q (present %v), want %q", cl, ok, c.wantCL)
			case !c.wantNil && c.wantCL == nil && ok:
				t.Errorf("Content-Length present as %q, want absent", cl)
			}
			if !equalEvents(evs, c.wantEvts) {
				t.Errorf("events %v, want %v", evs, c.wantEvts)
			}
		})
	}
}

// TestInterimFramingOverHTTP3: quic-go's HTTP/3 server sends a 1xx's
// header map as it is, framing fields included, which Go's HTTP/1 and
// HTTP/2 servers leave out (RFC 9110 §8.6). Over HTTP/3 a 1xx with
// Content-Length or Transfer-Encoding is content-forbidden: enforced,
// the 1xx goes without them and the map keeps them for the final
// response; reported, it goes as it is. Over HTTP/1.1 nothing reaches
// the wire to count.
func TestInterimFramingOverHTTP3(t *testing.T) {
	early := func(w http.ResponseWriter, _ *http.Request) {
		h := w.Header()
		h.Set("Content-Length", "2") // the final response's
		h.Set("Content-Type", "text/plain")
		h.Set("Link", "</a.css>; rel=preload")
		h.Set("Transfer-Encoding", "chunked")
		w.WriteHeader(http.StatusEarlyHints)
		h.Del("Link")
		h.Del("Transfer-Encoding")
		h.Set("Date", fixedDate)
		w.WriteHeader(http.StatusOK)
		w.Write([]byte("ok"))
	}
	for _, c := range []struct {
		name      string
		opts      Options
		major     int
		stripped  bool
		wantEvent []ev
	}{
		{"h3 enforce", full, 3, true, []ev{{RuleContentForbidden, Enforce, 103}}},
		{"h3 report", with(full, RuleContentForbidden, Report), 3, false, []ev{{RuleContentForbidden, Report, 103}}},
		{"h3 off", with(full, RuleContentForbidden, Off), 3, false, nil},
		{"h1", full, 1, false, nil},
		{"h2", full, 2, false, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newHeadRecorder()
			minor := 0
			if c.major == 1 {
				minor = 1
			}
			evs := serveWith(t, c.opts, w, protoRequest(c.major, minor), early)
			if len(w.heads) != 2 || w.heads[0].status != 103 || w.heads[1].status != 200 {
				t.Fatalf("heads %+v, want 103 then 200", w.heads)
			}
			interim, final := w.heads[0].header, w.heads[1].header
			if interim.Get("Link") == "" {
				t.Errorf("the 103 lost its Link: %v", interim)
			}
			_, cl := interim["Content-Length"]
			_, te := interim["Transfer-Encoding"]
			if c.stripped && (cl || te) {
				t.Errorf("the 103 has %v, want no Content-Length nor Transfer-Encoding", interim)
			}
			if !c.stripped && (!cl || !te) {
				t.Errorf("the 103 has %v, want it as the handler left it", interim)
			}
			if final.Get("Content-Length") != "2" {
				t.Errorf("the 200 has Content-Length %q, want the handler's 2 kept", final.Values("Content-Length"))
			}
			if !equalEvents(evs, c.wantEvent) {
				t.Errorf("events %v, want %v", evs, c.wantEvent)
			}
		})
	}
}
