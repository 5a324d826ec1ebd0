package normalize

import (
	"strings"
	"testing"
	"time"
)

func TestParseAction(t *testing.T) {
	for _, a := range []Action{Enforce, Report, Off} {
		got, err := ParseAction(a.String())
		if err != nil || got != a {
			t.Errorf("ParseAction(%q) = %v, %v; want %v", a.String(), got, err, a)
		}
	}
	for _, s := range []string{"", "Enforce", "fix", "unknown"} {
		if _, err := ParseAction(s); err == nil || !strings.Contains(err.Error(), `"`+s+`"`) {
			t.Errorf("ParseAction(%q): %v, want an error naming it", s, err)
		}
	}
	if s := Action(7).String(); s != "unknown" {
		t.Errorf("Action(7).String() = %q", s)
	}
}

// TestNewRefusesWhatCannotBeSent: New fails on a configured value that
// could not go out as a header field, and names it.
func TestNewRefusesWhatCannotBeSent(t *testing.T) {
	cases := []struct {
		name string
		opts Options
		want string
	}{
		{"method with a space", Options{Allow: []string{"GET", "PO ST"}}, "PO ST"},
		{"empty method", Options{Allow: []string{""}}, `""`},
		{"protocol with a space", Options{Upgrade: []string{"web socket"}}, "web socket"},
		{"protocol with an empty version", Options{Upgrade: []string{"h2c/"}}, "h2c/"},
		{"CRLF in a challenge", Options{WWWAuthenticate: "Basic\r\nSet-Cookie: x"}, `Basic\r\nSet-Cookie: x`},
		{"NUL in a proxy challenge", Options{ProxyAuthenticate: "Basic\x00"}, `Basic\x00`},
		{"leading space in a challenge", Options{WWWAuthenticate: " Basic"}, `" Basic"`},
		{"negative delay", Options{RetryAfter: -time.Second}, "-1s"},
		{"unknown rule", Options{Actions: map[Rule]Action{Rule(NumRules()): Report}}, "unknown rule"},
		{"unknown action", Options{Actions: map[Rule]Action{RuleAllowMissing: 3}}, "allow-missing"},
		{"unknown default", Options{Default: 9}, "9"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, err := New(c.opts)
			if err == nil {
				t.Fatalf("New succeeded: %+v", n)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not contain %q", err, c.want)
			}
		})
	}
}

// TestActions: Actions overrides Default rule by rule; an enforced rule
// whose fix needs a value nobody configured is downgraded to Report.
func TestActions(t *testing.T) {
	needsValue := []Rule{
		RuleAllowMissing, RuleOptionsAllowMissing, RuleWWWAuthenticateMissing, RuleProxyAuthenticateMissing,
		RuleUpgradeMissing, RuleRetryAfterMissing,
	}
	neverFixable := []Rule{
		RuleLocationMissing, RuleContentRangeMissing, RuleContentRange416Missing,
		RuleRetryAfter413Missing, RuleLink451Missing, RuleAllowListsRefused,
	}
	neverFixable = append(neverFixable, rulesCReportOnly...)
	isIn := func(r Rule, rs []Rule) bool {
		for _, x := range rs {
			if x == r {
				return true
			}
		}
		return false
	}

	cases := []struct {
		name string
		opts Options
		want func(Rule) Action
	}{
		{"zero value", Options{}, func(r Rule) Action {
			if isIn(r, needsValue) || isIn(r, neverFixable) {
				return Report
			}
			return Enforce
		}},
		{"every value configured", full, func(r Rule) Action {
			if isIn(r, neverFixable) {
				return Report
			}
			return Enforce
		}},
		{"default report", Options{Default: Report}, func(Rule) Action { return Report }},
		{"default off", Options{Default: Off}, func(Rule) Action { return Off }},
		{"overrides", Options{Default: Off, Allow: []string{"GET"}, Actions: map[Rule]Action{
			RuleAllowMissing:      Enforce,
			RuleUpgradeMissing:    Enforce, // no protocols: downgraded
			RuleDateInvalid:       Report,
			RuleLocationMissing:   Enforce, // never fixable
			RuleRetryAfterInvalid: Enforce, // removal needs no value
		}}, func(r Rule) Action {
			switch r {
			case RuleAllowMissing, RuleRetryAfterInvalid:
				return Enforce
			case RuleUpgradeMissing, RuleDateInvalid, RuleLocationMissing:
				return Report
			}
			return Off
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, err := New(c.opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range Rules() {
				if got, want := n.Action(r), c.want(r); got != want {
					t.Errorf("%s: %v, want %v", r, got, want)
				}
			}
			if got := n.Action(Rule(NumRules())); got != Off {
				t.Errorf("Action(NumRules) = %v, want off", got)
			}
		})
	}
}
