package caddynormalize

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
	"go.uber.org/zap/zapcore"

	"github.com/respnorm/caddy-normalize/normalize"
)

// TestHandlerDocListsRules: the JSON docs of Handler.Rules list exactly the
// registry's rule IDs, in its order, then the generated rules'.
func TestHandlerDocListsRules(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "module.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	var doc string
	ast.Inspect(f, func(n ast.Node) bool {
		if fld, ok := n.(*ast.Field); ok && len(fld.Names) == 1 && fld.Names[0].Name == "Rules" && fld.Doc != nil {
			doc = fld.Doc.Text()
		}
		return true
	})
	_, list, ok := strings.Cut(strings.Join(strings.Fields(doc), " "), "keeps this list in step) are ")
	if !ok {
		t.Fatalf("Handler.Rules's doc comment has no list of IDs:\n%s", doc)
	}
	got := regexp.MustCompile(`[a-z0-9]+(?:-[a-z0-9]+)+`).FindAllString(list, -1)
	want := normalize.ConfigIDs()
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Handler.Rules lists\n%v\nthe registry has\n%v", got, want)
	}
}

// TestUnknownRuleNamesValidIDs: a misspelt rule ID is refused, in the
// Caddyfile and in JSON, with the token and every valid ID.
func TestUnknownRuleNamesValidIDs(t *testing.T) {
	check := func(where string, err error) {
		t.Helper()
		if err == nil {
			t.Fatalf("%s: allow-mising accepted", where)
		}
		msg := err.Error()
		if !strings.Contains(msg, `"allow-mising"`) {
			t.Errorf("%s: %q does not name the token", where, msg)
		}
		for _, id := range normalize.ConfigIDs() {
			if !strings.Contains(msg, id) {
				t.Errorf("%s: %q does not name the valid ID %s", where, msg, id)
			}
		}
	}
	var h Handler
	check("Caddyfile", h.UnmarshalCaddyfile(caddyfile.NewTestDispenser("normalize {\n\trule allow-mising enforce\n}")))
	check("JSON", (&Handler{Rules: map[string]string{"allow-mising": "enforce"}}).Validate())
}

// TestAdvisoryLogged: a MAY is not a violation: a 503 without Retry-After
// is logged at info level as an advisory, with its level, and counted
// with level="MAY".
func TestAdvisoryLogged(t *testing.T) {
	h := &Handler{RetryAfter: caddy.Duration(30 * time.Second)}
	reg, logs := provisionedWithLogs(t, h)
	before, _ := counterValue(t, reg, unknownServer, "retry-after-missing", "enforced")
	next := caddyhttp.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		w.WriteHeader(http.StatusServiceUnavailable)
		return nil
	})
	rec := httptest.NewRecorder()
	if err := h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil), next); err != nil {
		t.Fatal(err)
	}
	if rec.Code != 503 || rec.Header().Get("Retry-After") != "30" {
		t.Errorf("got %d %v, want 503 with the configured Retry-After", rec.Code, rec.Header())
	}
	entries := logs.FilterMessage("response lacks advisory retry-after-missing").All()
	if len(entries) != 1 {
		t.Fatalf("%d advisory entries, want 1: %v", len(entries), logs.All())
	}
	if entries[0].Level != zapcore.InfoLevel || entries[0].ContextMap()["level"] != "MAY" {
		t.Errorf("logged at %v with level %v, want info and MAY", entries[0].Level, entries[0].ContextMap()["level"])
	}
	if v, _ := counterValue(t, reg, unknownServer, "retry-after-missing", "enforced"); v != before+1 {
		t.Errorf("metric %v, want %v", v, before+1)
	}
}
