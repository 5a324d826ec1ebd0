package normalize

import (
	"strings"
	"testing"
	"time"

	"github.com/respnorm/caddy-normalize/responses"
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
		{"unknown rule", Options{Actions: map[responses.Rule]Action{responses.NumRules: Report}}, "unknown rule"},
		{"unknown action", Options{Actions: map[responses.Rule]Action{responses.RuleAllowMissing: 3}}, "allow-missing"},
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
	needsValue := []responses.Rule{
		responses.RuleAllowMissing, responses.RuleWWWAuthenticateMissing, responses.RuleProxyAuthenticateMissing,
		responses.RuleUpgradeMissing, responses.RuleRetryAfterMissing,
	}
	neverFixable := []responses.Rule{responses.RuleLocationMissing, responses.RuleContentRangeMissing}
	isIn := func(r responses.Rule, rs []responses.Rule) bool {
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
		want func(responses.Rule) Action
	}{
		{"zero value", Options{}, func(r responses.Rule) Action {
			if isIn(r, needsValue) || isIn(r, neverFixable) {
				return Report
			}
			return Enforce
		}},
		{"every value configured", full, func(r responses.Rule) Action {
			if isIn(r, neverFixable) {
				return Report
			}
			return Enforce
		}},
		{"default report", Options{Default: Report}, func(responses.Rule) Action { return Report }},
		{"default off", Options{Default: Off}, func(responses.Rule) Action { return Off }},
		{"overrides", Options{Default: Off, Allow: []string{"GET"}, Actions: map[responses.Rule]Action{
			responses.RuleAllowMissing:      Enforce,
			responses.RuleUpgradeMissing:    Enforce, // no protocols: downgraded
			responses.RuleDateInvalid:       Report,
			responses.RuleLocationMissing:   Enforce, // never fixable
			responses.RuleRetryAfterInvalid: Enforce, // removal needs no value
		}}, func(r responses.Rule) Action {
			switch r {
			case responses.RuleAllowMissing, responses.RuleRetryAfterInvalid:
				return Enforce
			case responses.RuleUpgradeMissing, responses.RuleDateInvalid, responses.RuleLocationMissing:
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
			for _, r := range responses.Rules() {
				if got, want := n.Action(r), c.want(r); got != want {
					t.Errorf("%s: %v, want %v", r, got, want)
				}
			}
			if got := n.Action(responses.NumRules); got != Off {
				t.Errorf("Action(NumRules) = %v, want off", got)
			}
		})
	}
}
