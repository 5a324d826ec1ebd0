package audit

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// RuleCount is how often one rule was broken.
type RuleCount struct {
	Rule  string `json:"rule"`
	Level string `json:"level"`
	Ref   string `json:"ref"`
	Count int    `json:"count"`
	// Summary says in a few words what breaks the rule.
	Summary string `json:"summary"`
	// Fix says how the normalize handler repairs it.
	Fix string `json:"fix"`
}

// Summary counts what an audit found.
type Summary struct {
	// Requests is the number of requests sent; Failed, of those that got
	// no response (refused, timed out, not HTTP).
	Requests int `json:"requests"`
	Failed   int `json:"failed"`
	// Must, Should and May count the findings of each level.
	Must   int `json:"must"`
	Should int `json:"should"`
	May    int `json:"may"`
	// Rules counts the findings per rule, in the order first found.
	Rules []RuleCount `json:"rules"`
}

// Summary counts the findings per level and rule.
func (r *Report) Summary() Summary {
	s := Summary{Requests: len(r.Results), Rules: []RuleCount{}}
	for _, res := range r.Results {
		if res.Err != nil {
			s.Failed++
		}
	}
	index := map[string]int{}
	for _, f := range r.Findings {
		switch f.Level {
		case LevelMust:
			s.Must++
		case LevelShould:
			s.Should++
		case LevelMay:
			s.May++
		}
		i, ok := index[f.Rule]
		if !ok {
			i = len(s.Rules)
			index[f.Rule] = i
			s.Rules = append(s.Rules, RuleCount{Rule: f.Rule, Level: f.Level, Ref: f.Ref, Summary: f.Summary, Fix: fix(f.Rule)})
		}
		s.Rules[i].Count++
	}
	return s
}

// jsonReport is the shape of WriteJSON's output.
type jsonReport struct {
	Findings  []Finding `json:"findings"`
	Summary   Summary   `json:"summary"`
	Suggested string    `json:"suggested"`
	Errors    []string  `json:"errors,omitempty"`
}

// WriteJSON writes the report as one JSON object:
// {"findings": [...], "summary": {...}, "suggested": "...", "errors": [...]}.
func (r *Report) WriteJSON(w io.Writer) error {
	out := jsonReport{Findings: r.Findings, Summary: r.Summary(), Suggested: r.Suggested()}
	if out.Findings == nil {
		out.Findings = []Finding{}
	}
	for _, res := range r.Results {
		if res.Err != nil {
			out.Errors = append(out.Errors, res.Method+" "+res.URL+": "+res.Err.Error())
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}

// WriteText writes the report for a terminal: per URL and method, the
// status and each finding; then the summary per rule; then the
// suggested normalize block.
func (r *Report) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	lastURL := ""
	i := 0
	for _, res := range r.Results {
		if res.URL != lastURL {
			if lastURL != "" {
				fmt.Fprintln(tw)
			}
			fmt.Fprintln(tw, res.URL)
			lastURL = res.URL
		}
		if res.Err != nil {
			fmt.Fprintf(tw, "  %s\t-\terror: %v\n", res.Method, res.Err)
			continue
		}
		var fs []Finding
		for ; i < len(r.Findings) && r.Findings[i].URL == res.URL && r.Findings[i].Method == res.Method; i++ {
			fs = append(fs, r.Findings[i])
		}
		status := strconv.Itoa(res.Response.Status)
		if len(fs) == 0 {
			fmt.Fprintf(tw, "  %s\t%s\tok\n", res.Method, status)
			continue
		}
		for _, f := range fs {
			fmt.Fprintf(tw, "  %s\t%d\t%s\t%s\t%s\t%s\n", res.Method, f.Status, f.Rule, f.Level, f.Ref, f.Detail)
		}
	}
	s := r.Summary()
	fmt.Fprintf(tw, "\nSummary: %d requests (%d failed), %d findings: %d MUST, %d SHOULD, %d MAY\n",
		s.Requests, s.Failed, s.Must+s.Should+s.May, s.Must, s.Should, s.May)
	for _, rc := range s.Rules {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\t%s; %s\n", rc.Rule, rc.Level, rc.Ref, rc.Count, rc.Summary, rc.Fix)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if sug := r.Suggested(); sug != "" {
		_, err := fmt.Fprintf(w, "\nSuggested Caddyfile:\n\n%s", indent(sug))
		return err
	}
	_, err := fmt.Fprintln(w, "\nNothing to repair.")
	return err
}

func indent(s string) string {
	lines := strings.SplitAfter(s, "\n")
	var b strings.Builder
	for _, l := range lines {
		if l != "" && l != "\n" {
			b.WriteString("    ")
		}
		b.WriteString(l)
	}
	return b.String()
}
