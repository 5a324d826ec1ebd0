package audit

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/respnorm/caddy-normalize/normalize"
)

// How the normalize handler repairs a rule.
const (
	repairDefault  = iota // enforced with no value to configure
	repairLearned         // with a value the audit learns (allow)
	repairOperator        // with a value only the operator knows
	repairNone            // a proxy cannot know the value: reported only
	repairStack           // Caddy's proxy handles it before normalize
)

// repair is how the normalize handler repairs a rule, and by which
// sub-directive.
type repair struct {
	how       int
	directive string
	hint      string
}

// hints are the placeholders the suggested block writes for the values
// only the operator knows, by sub-directive.
var hints = map[string]string{
	"www_authenticate":   "<challenge, e.g. Basic realm=\"app\">",
	"proxy_authenticate": "<challenge>",
	"upgrade":            "<protocol...>",
	"retry_after":        "<duration, e.g. 2m>",
}

// repairOf asks the handler's rule registry how rule is repaired: with no
// value, with the allow lists the audit learns, with a value only the
// operator knows, or not at all. The audit's own framing findings are
// Caddy's proxy's to answer.
func repairOf(rule string) repair {
	switch rule {
	case RuleContentLengthInvalid, RuleContentLengthWithTransferEncoding:
		return repair{how: repairStack}
	}
	r, err := normalize.ParseRule(rule)
	if err != nil || !r.Repairable() {
		return repair{how: repairNone}
	}
	switch v := r.Needs(); {
	case v == normalize.ValueAllow:
		return repair{repairLearned, v.Name(), "<method...>"}
	case v != normalize.NoValue:
		return repair{repairOperator, v.Name(), hints[v.Name()]}
	}
	return repair{how: repairDefault}
}

// Repairable reports whether the suggested block repairs rule: with no
// value, or with one the audit learned.
func Repairable(rule string) bool {
	how := repairOf(rule).how
	return how == repairDefault || how == repairLearned
}

// fix says in a few words how rule gets repaired.
func fix(rule string) string {
	r := repairOf(rule)
	switch r.how {
	case repairDefault:
		return "repaired by normalize (enforce, the default)"
	case repairLearned:
		return "repaired with the " + r.directive + " lists learned (suggested below)"
	case repairOperator:
		return "repaired once " + r.directive + " is set"
	case repairStack:
		return "answered by Caddy's proxy itself (collapsed or 502)"
	}
	return "reported only: a proxy cannot know the value"
}

// methodOrder sorts the usual methods first, in the order of RFC 9110 §9.1.
var methodOrder = map[string]int{
	http.MethodGet: 1, http.MethodHead: 2, http.MethodPost: 3, http.MethodPut: 4,
	http.MethodDelete: 5, http.MethodConnect: 6, http.MethodOptions: 7, http.MethodTrace: 8, http.MethodPatch: 9,
}

func sortMethods(ms []string) {
	sort.Slice(ms, func(i, j int) bool {
		oi, oj := methodOrder[ms[i]], methodOrder[ms[j]]
		if oi == 0 {
			oi = 100
		}
		if oj == 0 {
			oj = 100
		}
		if oi != oj {
			return oi < oj
		}
		return ms[i] < ms[j]
	})
}

// resource is what the audit learned of one path of one site.
type resource struct {
	path     string
	allowed  map[string]bool // listed in an Allow field, or answered
	refused  map[string]bool // answered with 405 or 501
	needsAll bool            // allow-missing was found there
}

// Allow returns the methods learned for the resource: those its Allow
// fields listed and those it answered with neither 405 nor 501, less the
// ones it refused.
func (r *resource) allow() []string {
	var out []string
	for m := range r.allowed {
		if !r.refused[m] {
			out = append(out, m)
		}
	}
	sortMethods(out)
	return out
}

// site is the resources of one scheme and host.
type site struct {
	origin    string
	resources []*resource
	byPath    map[string]*resource
}

// learn gathers, per site and path, the methods accepted and refused.
func (r *Report) learn() []*site {
	var sites []*site
	bySite := map[string]*site{}
	for _, res := range r.Results {
		u, err := url.Parse(res.URL)
		if err != nil {
			continue
		}
		origin := u.Scheme + "://" + u.Host
		s := bySite[origin]
		if s == nil {
			s = &site{origin: origin, byPath: map[string]*resource{}}
			bySite[origin] = s
			sites = append(sites, s)
		}
		path := u.Path
		if path == "" {
			path = "/"
		}
		rs := s.byPath[path]
		if rs == nil {
			rs = &resource{path: path, allowed: map[string]bool{}, refused: map[string]bool{}}
			s.byPath[path] = rs
			s.resources = append(s.resources, rs)
		}
		if res.Response == nil {
			continue
		}
		for _, v := range res.Response.Header["Allow"] {
			for _, m := range strings.Split(v, ",") {
				if m = strings.TrimSpace(m); m != "" {
					rs.allowed[m] = true
				}
			}
		}
		switch st := res.Response.Status; {
		case st == http.StatusMethodNotAllowed || st == http.StatusNotImplemented:
			rs.refused[res.Method] = true
		case st >= 200 && st <= 599:
			rs.allowed[res.Method] = true
		}
	}
	for _, f := range r.Findings {
		if f.Rule != "allow-missing" {
			continue
		}
		u, err := url.Parse(f.URL)
		if err != nil {
			continue
		}
		path := u.Path
		if path == "" {
			path = "/"
		}
		if s := bySite[u.Scheme+"://"+u.Host]; s != nil && s.byPath[path] != nil {
			s.byPath[path].needsAll = true
		}
	}
	return sites
}

// Suggested returns a normalize configuration for the Caddyfile that
// repairs what the findings show a proxy can repair: per path, the
// methods it accepted and refused become an allow list (under a path
// matcher when paths differ); values only the operator knows are left as
// comments to fill in. It is empty when nothing was found.
func (r *Report) Suggested() string {
	if len(r.Findings) == 0 {
		return ""
	}
	var comments []string
	seen := map[string]bool{}
	for _, f := range r.Findings {
		rp := repairOf(f.Rule)
		if rp.how != repairOperator || seen[f.Rule] {
			continue
		}
		seen[f.Rule] = true
		comments = append(comments, fmt.Sprintf("# %s %s  # %s: %d %s %s", rp.directive, rp.hint, f.Rule, f.Status, f.Method, f.URL))
	}

	var b strings.Builder
	b.WriteString("# In the site block, ahead of reverse_proxy:\n")
	sites := r.learn()
	n := 0
	for _, s := range sites {
		if len(sites) > 1 {
			fmt.Fprintf(&b, "# for %s\n", s.origin)
		}
		type group struct {
			allow []string
			paths []string
		}
		var groups []*group
		var grouped []string
		for _, rs := range s.resources {
			if !rs.needsAll {
				continue
			}
			allow := rs.allow()
			if len(allow) == 0 {
				fmt.Fprintf(&b, "# %s: no method was accepted, no Allow can be learned\n", rs.path)
				continue
			}
			var g *group
			for _, have := range groups {
				if strings.Join(have.allow, " ") == strings.Join(allow, " ") {
					g = have
				}
			}
			if g == nil {
				g = &group{allow: allow}
				groups = append(groups, g)
			}
			g.paths = append(g.paths, rs.path)
			grouped = append(grouped, rs.path)
		}
		if len(groups) == 1 && len(grouped) == len(s.resources) {
			// One list fits every path audited: no matcher.
			writeBlock(&b, "", append([]string{"allow " + strings.Join(groups[0].allow, " ")}, comments...))
			continue
		}
		for _, g := range groups {
			n++
			name := "@normalize_" + strconv.Itoa(n)
			fmt.Fprintf(&b, "%s path %s\n", name, quoteAll(g.paths))
			writeBlock(&b, name, append([]string{"allow " + strings.Join(g.allow, " ")}, comments...))
		}
		if len(groups) == 0 {
			writeBlock(&b, "", comments)
			continue
		}
		n++
		name := "@normalize_" + strconv.Itoa(n)
		fmt.Fprintf(&b, "%s not path %s\n", name, quoteAll(grouped))
		writeBlock(&b, name, comments)
	}
	return b.String()
}

// writeBlock writes a normalize directive with matcher and lines.
func writeBlock(b *strings.Builder, matcher string, lines []string) {
	b.WriteString("normalize")
	if matcher != "" {
		b.WriteString(" " + matcher)
	}
	if len(lines) == 0 {
		b.WriteString("\n")
		return
	}
	b.WriteString(" {\n")
	for _, l := range lines {
		b.WriteString("\t" + l + "\n")
	}
	b.WriteString("}\n")
}

// quoteAll joins paths as Caddyfile tokens.
func quoteAll(paths []string) string {
	out := make([]string, len(paths))
	for i, p := range paths {
		if strings.ContainsAny(p, " \t\"'{}#`\\") {
			p = strconv.Quote(p)
		}
		out[i] = p
	}
	return strings.Join(out, " ")
}
