package normalize

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the README's rules table from the registry")

const (
	tableBegin = "<!-- rules table: generated from the registry by `go test ./normalize -run TestREADMERulesTable -update` -->\n"
	tableEnd   = "<!-- end of rules table -->\n"
)

// rulesTable renders the registry as the README's Markdown table.
func rulesTable() string {
	var b strings.Builder
	b.WriteString("| rule id | level | reference | applies to | what breaks it | enforce does | needs |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	for _, r := range Rules() {
		applies := r.Statuses()
		if applies == "invalid" {
			applies = "status outside 100-599"
		}
		if m := r.Methods(); m != "any" {
			applies += ", to " + m
		}
		if p := r.Protocols(); p != AllProtocols {
			applies += ", over " + p.String()
		}
		fix := r.Fix()
		if fix == "" {
			fix = "report only: a proxy cannot know"
		}
		needs := "-"
		if v := r.Needs(); v != NoValue {
			needs = "`" + v.Name() + "`"
		}
		b.WriteString("| `" + r.ID() + "` | " + r.Level().String() + " | " + r.Ref() + " | " + applies +
			" | " + r.Summary() + " | " + fix + " | " + needs + " |\n")
	}
	return b.String()
}

// TestREADMERulesTable: the README's rules table is the registry's.
func TestREADMERulesTable(t *testing.T) {
	const path = "../README.md"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	i, j := strings.Index(readme, tableBegin), strings.Index(readme, tableEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md has no rules table between\n%s and\n%s", tableBegin, tableEnd)
	}
	got, want := readme[i+len(tableBegin):j], rulesTable()
	if got == want {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(readme[:i+len(tableBegin)]+want+readme[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's rules table and the registry disagree; run go test ./normalize -run TestREADMERulesTable -update. Want:\n%s", want)
}

// TestREADMEExampleRuleIsReal: the README's "Adding a rule" shows a rule
// file whole, as it is.
func TestREADMEExampleRuleIsReal(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const file = "rule_www_authenticate_missing.go"
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "normalize/"+file+"`, whole:\n\n```go\n"+string(src)+"```\n") {
		t.Errorf("README.md does not show %s as it is:\n%s", file, src)
	}
}
