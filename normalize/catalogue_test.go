package normalize

import (
	"fmt"
	"testing"

	"github.com/respnorm/caddy-normalize/responses"
)

// TestCatalogueFieldsDriveRules: the catalogue's Fields table is the one
// source of which status requires which field at which level. Every entry
// is either judged by a required-field rule (whose statuses are derived
// from it) or listed here with the reason no rule judges it; and every
// required-field rule's statuses are exactly the catalogue's, less its
// Except.
func TestCatalogueFieldsDriveRules(t *testing.T) {
	// status/field: why no rule judges it.
	unjudged := map[string]string{
		"101/Upgrade":          "names the protocol switched to: the origin's (Caddy writes it again on 101)",
		"101/Connection":       "written with Upgrade by the origin and Caddy",
		"426/Connection":       "added with Upgrade by upgrade-missing over HTTP/1.x",
		"103/Link":             "MAY",
		"201/Etag":             "MAY",
		"201/Last-Modified":    "MAY",
		"300/Location":         "only when there is a preferred choice, which a proxy cannot know",
		"408/Connection":       "close: the server's own connection handling",
		"415/Accept":           "MAY",
		"415/Accept-Encoding":  "MAY",
		"206/Cache-Control":    "only if a 200 would have carried it: a proxy cannot know",
		"206/Content-Location": "only if a 200 would have carried it",
		"206/Etag":             "only if a 200 would have carried it",
		"206/Expires":          "only if a 200 would have carried it",
		"206/Vary":             "only if a 200 would have carried it",
		"304/Cache-Control":    "only if a 200 would have carried it",
		"304/Content-Location": "only if a 200 would have carried it",
		"304/Etag":             "only if a 200 would have carried it",
		"304/Expires":          "only if a 200 would have carried it",
		"304/Vary":             "only if a 200 would have carried it",
	}
	judged := map[string]Rule{}
	for _, r := range Rules() {
		def := registry[r]
		if def.Requires == "" {
			continue
		}
		for _, s := range responses.All() {
			lvl := s.Requires(def.Requires)
			key := fmt.Sprintf("%d/%s", s.Code, def.Requires)
			_, except := def.Except[s.Code]
			applies := byStatus[s.Code-100].has(r)
			switch {
			case lvl == def.Level && !except && !applies:
				t.Errorf("%s: the catalogue asks %s at %s but the rule does not apply", r, key, lvl)
			case (lvl != def.Level || except) && applies:
				t.Errorf("%s applies to %d, which the catalogue does not ask %s of at %s", r, s.Code, def.Requires, def.Level)
			case lvl == def.Level && !except:
				judged[key] = r
			}
		}
	}
	for _, s := range responses.All() {
		for _, f := range s.Fields {
			key := fmt.Sprintf("%d/%s", s.Code, f.Name)
			_, isJudged := judged[key]
			_, why := unjudged[key]
			switch {
			case f.Name == responses.HeaderDate:
				// §6.6.1: the server that forwards adds it (net/http does);
				// date-invalid judges the value.
			case isJudged && why:
				t.Errorf("%s is judged by %s and listed as unjudged", key, judged[key])
			case !isJudged && !why:
				t.Errorf("the catalogue asks %s (%s) and no rule judges it: add a rule or a reason here", key, f.Level)
			}
		}
	}
}
