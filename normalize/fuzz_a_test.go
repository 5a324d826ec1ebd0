package normalize

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/respnorm/caddy-normalize/responses"
)

// FuzzRulesA: whatever an origin sends in ETag, Expires, Last-Modified,
// Date, Retry-After and Cache-Control, enforce leaves nothing the rules
// of group a could repair, a second pass changes nothing, and no
// restrictive cache directive is lost.
func FuzzRulesA(f *testing.F) {
	f.Add("abc123", "0", "yesterday", fixedDate, "120", "no-cache; no-store")
	f.Add(`abc-gzip"`, "Sunday, 06-Nov-94 08:49:37 GMT", "Mon, 07 Nov 1994 08:49:37 +0000", "Sun Nov  6 08:49:37 1994", "Sun, 06 Nov 1994 08:49:37 UTC", `max-age="60", private=x, must-understand`)
	f.Add(`W/"x"`, fixedDate, fixedDate, "", "", `no-cache="a, b"; max-age=-1`)
	f.Add("W/a b", "", "", "later", "soon", `Private;Max-Age = "0"`)
	n, err := New(full)
	if err != nil {
		f.Fatal(err)
	}
	set := func(h http.Header, k, v string) {
		if v != "" {
			h[k] = []string{v}
		}
	}
	enforced := []Rule{RuleETagInvalid, RuleExpiresInvalid, RuleHTTPDateObsolete, RuleLastModifiedInvalid,
		RuleLastModifiedFuture, RuleCacheControlListUnquoted, RuleCacheControlMustUnderstand}
	f.Fuzz(func(t *testing.T, etag, expires, lastModified, date, retryAfter, cc string) {
		for _, s := range []string{etag, expires, lastModified, date, retryAfter, cc} {
			if strings.ContainsAny(s, "\r\n\x00") {
				return
			}
		}
		rec := httptest.NewRecorder()
		h := rec.Header()
		set(h, "Etag", etag)
		set(h, "Content-Encoding", "gzip")
		set(h, "Expires", expires)
		set(h, "Last-Modified", lastModified)
		set(h, "Date", date)
		set(h, "Retry-After", retryAfter)
		set(h, "Cache-Control", cc)
		before := h.Clone()
		nw := n.Wrap(rec, httptest.NewRequest("GET", "/", nil))
		nw.WriteHeader(200)
		n.Release(nw)
		out := rec.Header()
		got := map[Rule]bool{}
		for _, v := range Check(nil, 200, out, false) {
			got[v.Rule] = true
		}
		for _, r := range enforced {
			if got[r] {
				t.Errorf("after enforce, %s still broken: %v (from %v)", r, out, before)
			}
		}
		// Restrictive directives are never lost.
		for _, d := range []string{"no-store", "no-cache", "private"} {
			if strings.Contains(strings.ToLower(strings.Join(before["Cache-Control"], ",")), d) &&
				!strings.Contains(strings.ToLower(strings.Join(out["Cache-Control"], ",")), d) {
				t.Errorf("%s lost: %q became %q", d, before["Cache-Control"], out["Cache-Control"])
			}
		}
		// A second pass changes nothing.
		rec2 := httptest.NewRecorder()
		for k, v := range out {
			rec2.Header()[k] = append([]string(nil), v...)
		}
		again := rec2.Header().Clone()
		nw = n.Wrap(rec2, httptest.NewRequest("GET", "/", nil))
		nw.WriteHeader(200)
		n.Release(nw)
		for _, k := range []string{"Etag", "Expires", "Last-Modified", "Retry-After", "Cache-Control"} {
			if strings.Join(rec2.Header()[k], "|") != strings.Join(again[k], "|") {
				t.Errorf("second pass changed %s: %q to %q", k, again[k], rec2.Header()[k])
			}
		}
	})
}

// FuzzETagMarking: a tag etag-invalid quotes comes back as the origin's
// own, with or without encode's suffix; a valid entity-tag is never
// unmarked unless it ends with the marking.
func FuzzETagMarking(f *testing.F) {
	f.Add("abc123", "gzip")
	f.Add("W/a,b", "br")
	f.Add(`"q"`, "zstd")
	f.Fuzz(func(t *testing.T, raw, coding string) {
		if fixed, ok := repairETag(raw, ""); ok {
			back, ok := unmarkTag(fixed)
			if !ok || back != raw {
				t.Errorf("%q went out as %q and came back as %q, %v", raw, fixed, back, ok)
			}
			if h := (http.Header{"If-None-Match": {fixed + ", " + fixed}}); true {
				unmarkETags(h)
				if got := h.Get("If-None-Match"); got != raw+", "+raw {
					t.Errorf("list of %q: %q", fixed, got)
				}
			}
		}
		if !responses.ValidToken(coding) || strings.HasPrefix(raw, "W/") {
			return
		}
		if fixed, ok := repairETag(raw+"-"+coding+`"`, coding); ok {
			if back, ok := unmarkTag(fixed); !ok || back != raw {
				t.Errorf("%q behind encode %s went out as %q and came back as %q", raw, coding, fixed, back)
			}
		}
	})
}
