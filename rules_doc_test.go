package caddynormalize

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/respnorm/caddy-normalize/normalize"
)

// TestHandlerDocListsRules: the JSON docs of Handler.Rules list exactly the
// registry's rule IDs, in its order.
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
	want := normalize.RuleIDs()
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
		for _, id := range normalize.RuleIDs() {
			if !strings.Contains(msg, id) {
				t.Errorf("%s: %q does not name the valid ID %s", where, msg, id)
			}
		}
	}
	var h Handler
	check("Caddyfile", h.UnmarshalCaddyfile(caddyfile.NewTestDispenser("normalize {\n\trule allow-mising enforce\n}")))
	check("JSON", (&Handler{Rules: map[string]string{"allow-mising": "enforce"}}).Validate())
}
