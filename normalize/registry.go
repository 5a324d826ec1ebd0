package normalize

//go:generate go test -run TestREADMERulesTable -update .

import (
	"fmt"
	"math/bits"
	"sort"
	"strconv"
	"strings"

	"github.com/respnorm/caddy-normalize/responses"
)

// The registry holds every rule, in the order of registration (the order
// of the rule files' names), which is the order in which the engine
// applies them and reports their violations.
//
// # Adding a rule
//
// A rule is one file, rule_<id>.go, declaring one registered variable:
//
//	// RuleAllowMissing: a 405 without Allow (RFC 9110 §15.5.6 MUST).
//	var RuleAllowMissing = register(&rule{
//		ID:       "allow-missing",
//		Ref:      "RFC 9110 §15.5.6",
//		Level:    responses.Must,
//		Summary:  "no Allow on 405",
//		Fix:      "adds the configured allow list, less the refused method",
//		Requires: responses.HeaderAllow, // statuses from the catalogue: 405
//		Detect:   func(r *response) bool { return !present(r.Header, responses.HeaderAllow) },
//		Repair:   repairAllow,
//		Needs:    ValueAllow,
//	})
//
// plus its tests: a case per action in rules_test.go's table (the end-to-
// end tables of caddytest take them over every protocol), the conformant
// forms it must let pass in conformant_test.go, and a row in the README's
// rules table, which TestREADMERulesTable prints when it is missing
// (go test ./normalize -run TestREADMERulesTable -update rewrites it).
// Nothing else changes: the Caddyfile's and JSON's rule IDs, the error
// naming the valid IDs, the metrics labels, the admin report and the
// engine's dispatch come from the registry. Only a rule whose repair needs
// a new configured value also adds that Value, its Options field and its
// Caddyfile subdirective.
//
// What a rule must respect:
//   - Level is the specification's own word; a MAY is an advisory.
//   - Detect never allocates: the clean path is free. Give Triggers for a
//     rule about the syntax of a field, so that responses without the
//     field never reach Detect.
//   - Repair only with what a proxy can know; otherwise leave it nil and
//     the rule reports. Repair returns false where this response cannot
//     be repaired (a protocol that forbids the fix).
//   - A field the origin sent is never invented; a field a proxy must not
//     modify (Allow, WWW-Authenticate) is only added when missing.
var registry []*rule

// maxRules bounds the registry, for the fixed-size rule sets of the
// engine's index. Raise it (and ruleSet) when it is reached.
const maxRules = 128

// ruleSet is a set of rules, as bits.
type ruleSet [maxRules / 64]uint64

func (s *ruleSet) add(r Rule)              { s[r/64] |= 1 << (r % 64) }
func (s ruleSet) has(r Rule) bool          { return s[r/64]&(1<<(r%64)) != 0 }
func (s ruleSet) and(o ruleSet) ruleSet    { return ruleSet{s[0] & o[0], s[1] & o[1]} }
func (s ruleSet) or(o ruleSet) ruleSet     { return ruleSet{s[0] | o[0], s[1] | o[1]} }
func (s ruleSet) andNot(o ruleSet) ruleSet { return ruleSet{s[0] &^ o[0], s[1] &^ o[1]} }
func (s ruleSet) empty() bool              { return s[0]|s[1] == 0 }

// next returns the lowest rule in s at or after from, and false when there
// is none.
func (s ruleSet) next(from int) (Rule, bool) {
	for i := from / 64; i < len(s); i++ {
		w := s[i]
		if i == from/64 {
			w &^= 1<<(from%64) - 1
		}
		if w != 0 {
			return Rule(i*64 + bits.TrailingZeros64(w)), true
		}
	}
	return 0, false
}

// register adds a rule to the registry and returns its handle. It is
// called from the rule files' variable declarations, before init.
func register(def *rule) Rule {
	if len(registry) >= maxRules {
		panic("normalize: more than maxRules rules: raise maxRules")
	}
	registry = append(registry, def)
	return Rule(len(registry) - 1)
}

// The engine's index, built by init from the registry.
var (
	// byStatus[code-100] are the rules that apply to a status code,
	// whatever the fields; byStatus[invalidSlot] to a code outside
	// 100-599.
	byStatus [501]ruleSet
	// interimRules are the rules that judge interim responses as they
	// are written; the engine applies only these to a 1xx (101 aside)
	// and only the others to a final status.
	interimRules ruleSet
	// byMethod[methodIndex(m)] are the rules that apply to method m.
	byMethod [otherMethodSlot + 1]ruleSet
	// byProto are the rules that apply to a protocol bit.
	byProto [4]ruleSet
	// triggered are the rules with Triggers; statusTriggers[slot] lists,
	// for the triggered rules of a status slot, each trigger field with
	// the rules it triggers.
	triggered      ruleSet
	statusTriggers [501][]trigger
	// contentRules are the rules that forbid content.
	contentRules ruleSet
	// ids maps a rule ID to its rule.
	ids map[string]Rule
)

const invalidSlot = 500

func init() {
	if err := buildIndex(); err != nil {
		panic("normalize: " + err.Error())
	}
}

func buildIndex() error {
	ids = make(map[string]Rule, len(registry))
	byTrigger := make(map[string]ruleSet)
	var triggerFields []string
	for i, def := range registry {
		r := Rule(i)
		if err := def.validate(); err != nil {
			return fmt.Errorf("rule %q: %v", def.ID, err)
		}
		if _, dup := ids[def.ID]; dup {
			return fmt.Errorf("rule %q registered twice", def.ID)
		}
		ids[def.ID] = r

		codes, invalid, err := def.statuses()
		if err != nil {
			return fmt.Errorf("rule %q: %v", def.ID, err)
		}
		for _, c := range codes {
			byStatus[c-100].add(r)
		}
		if def.Interim {
			interimRules.add(r)
		}
		if invalid {
			byStatus[invalidSlot].add(r)
		}

		if def.Methods == "" {
			for i := range byMethod {
				byMethod[i].add(r)
			}
		} else {
			for _, m := range strings.Fields(def.Methods) {
				byMethod[methodIndex(m)].add(r)
			}
		}

		p := def.Protocols
		if p == 0 {
			p = AllProtocols
		}
		for b := range byProto {
			if p&(1<<b) != 0 {
				byProto[b].add(r)
			}
		}

		if len(def.Triggers) > 0 {
			triggered.add(r)
			for _, f := range def.Triggers {
				s, ok := byTrigger[f]
				if !ok {
					triggerFields = append(triggerFields, f)
				}
				s.add(r)
				byTrigger[f] = s
			}
		}
		if def.Content {
			contentRules.add(r)
		}
		if def.Requires != "" && def.Detect == nil {
			field := def.Requires
			def.Detect = func(r *response) bool { return !hasValue(r.Header, field) }
		}
	}
	// The trigger lists, shared between the slots with the same rules.
	shared := map[ruleSet][]trigger{}
	for slot := range byStatus {
		t := byStatus[slot].and(triggered)
		if t.empty() {
			continue
		}
		list, ok := shared[t]
		if !ok {
			for _, f := range triggerFields {
				if rs := byTrigger[f].and(t); !rs.empty() {
					list = append(list, trigger{field: f, rules: rs})
				}
			}
			shared[t] = list
		}
		statusTriggers[slot] = list
	}
	return nil
}

// trigger is a field and the rules its presence lets apply.
type trigger struct {
	field string
	rules ruleSet
}

// validate checks a rule's declaration.
func (def *rule) validate() error {
	switch {
	case def.ID == "" || strings.Trim(def.ID, "abcdefghijklmnopqrstuvwxyz0123456789-") != "":
		return fmt.Errorf("ID must be lower-case letters, digits and hyphens")
	case def.Ref == "":
		return fmt.Errorf("no Ref")
	case def.Level < responses.Must || def.Level > responses.May:
		return fmt.Errorf("no Level")
	case def.Summary == "":
		return fmt.Errorf("no Summary")
	case def.Detect == nil && def.Requires == "" && !def.Content && !def.Interim:
		return fmt.Errorf("no Detect")
	case (def.Repair == nil) != (def.Fix == ""):
		return fmt.Errorf("Fix describes Repair: give both or neither")
	case def.Needs >= numValues:
		return fmt.Errorf("unknown Needs %d", def.Needs)
	case def.Needs != NoValue && def.Repair == nil:
		return fmt.Errorf("Needs a value but has no Repair")
	}
	for _, m := range strings.Fields(def.Methods) {
		if methodIndex(m) == otherMethodSlot {
			return fmt.Errorf("method %q is not one the index knows (see methodIndex)", m)
		}
	}
	for _, f := range def.Triggers {
		if f != httpCanonical(f) {
			return fmt.Errorf("trigger %q is not in canonical form", f)
		}
	}
	return nil
}

// httpCanonical is textproto's canonical form, without the import.
func httpCanonical(s string) string {
	b := []byte(s)
	upper := true
	for i, c := range b {
		switch {
		case upper && 'a' <= c && c <= 'z':
			b[i] = c - 'a' + 'A'
		case !upper && 'A' <= c && c <= 'Z':
			b[i] = c - 'A' + 'a'
		}
		upper = c == '-'
	}
	return string(b)
}

// statuses returns the codes the rule applies to, in order, and whether it
// applies to invalid codes.
func (def *rule) statuses() (codes []int, invalid bool, err error) {
	if def.Requires != "" {
		if def.Statuses != "" {
			return nil, false, fmt.Errorf("give Requires or Statuses, not both")
		}
		for _, s := range responses.All() {
			if _, skip := def.Except[s.Code]; !skip && s.Requires(def.Requires) == def.Level {
				codes = append(codes, s.Code)
			}
		}
		if len(codes) == 0 {
			return nil, false, fmt.Errorf("the catalogue asks no status for %s at level %s", def.Requires, def.Level)
		}
		return codes, false, nil
	}
	if def.Statuses == "" {
		for c := 100; c <= 599; c++ {
			codes = append(codes, c)
		}
		return codes, false, nil
	}
	seen := map[int]bool{}
	for _, p := range strings.Fields(def.Statuses) {
		if p == "invalid" {
			invalid = true
			continue
		}
		lo, hi, err := ParseStatusPattern(p)
		if err != nil {
			return nil, false, err
		}
		for c := lo; c <= hi; c++ {
			seen[c] = true
		}
	}
	for c := range seen {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	return codes, invalid, nil
}

// Rules returns every rule, in the order the engine applies them.
func Rules() []Rule {
	out := make([]Rule, len(registry))
	for i := range out {
		out[i] = Rule(i)
	}
	return out
}

// NumRules returns the number of rules; valid rules are below it.
func NumRules() int { return len(registry) }

// RuleIDs returns the IDs of every rule, in the order of Rules.
func RuleIDs() []string {
	out := make([]string, len(registry))
	for i, def := range registry {
		out[i] = def.ID
	}
	return out
}

// ParseRule returns the rule whose ID is id, or an error that names the
// valid IDs.
func ParseRule(id string) (Rule, error) {
	if r, ok := ids[id]; ok {
		return r, nil
	}
	return 0, fmt.Errorf("unknown rule %q: want one of %s", id, strings.Join(ConfigIDs(), ", "))
}

func (r Rule) def() *rule {
	if int(r) >= len(registry) {
		return &unknownRule
	}
	return registry[r]
}

var unknownRule = rule{ID: "unknown"}

// ID returns the rule's stable identifier, e.g. "allow-missing".
func (r Rule) ID() string { return r.def().ID }

// String returns the rule's ID.
func (r Rule) String() string { return r.ID() }

// Field returns the header field the rule is about: the field it requires,
// or the one field whose presence triggers it; "" for a rule about the
// status or the content.
func (r Rule) Field() string {
	def := r.def()
	if def.Field != "" {
		return def.Field
	}
	if def.Requires != "" {
		return def.Requires
	}
	if len(def.Triggers) == 1 {
		return def.Triggers[0]
	}
	return ""
}

// Ref returns the section the rule enforces, e.g. "RFC 9110 §15.5.6".
func (r Rule) Ref() string { return r.def().Ref }

// Level returns the requirement level of the rule as the specification
// states it. A MAY rule reports an advisory, not a violation.
func (r Rule) Level() responses.Level { return r.def().Level }

// Summary describes in a few words what breaks the rule.
func (r Rule) Summary() string { return r.def().Summary }

// Fix describes in a few words what enforcing the rule does; "" when the
// rule can only report.
func (r Rule) Fix() string { return r.def().Fix }

// Needs returns the configured value the rule's repair needs, or NoValue.
func (r Rule) Needs() Value { return r.def().Needs }

// Repairable reports whether a proxy can repair what the rule detects.
func (r Rule) Repairable() bool { return r.def().Repair != nil }

// Protocols returns the protocols the rule applies to.
func (r Rule) Protocols() Protocol {
	if p := r.def().Protocols; p != 0 {
		return p
	}
	return AllProtocols
}

// Statuses describes the statuses the rule applies to, e.g. "405" or
// "2xx"; "any" for every status.
func (r Rule) Statuses() string {
	def := r.def()
	if def.Requires == "" {
		if def.Statuses == "" {
			return "any"
		}
		return def.Statuses
	}
	codes, _, _ := def.statuses()
	s := make([]string, len(codes))
	for i, c := range codes {
		s[i] = strconv.Itoa(c)
	}
	return strings.Join(s, " ")
}

// Methods describes the methods the rule applies to; "any" for every one.
func (r Rule) Methods() string {
	if m := r.def().Methods; m != "" {
		return m
	}
	return "any"
}
