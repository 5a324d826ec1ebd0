package caddynormalize

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/caddyserver/caddy/v2"
	"go.uber.org/zap"
)

func init() {
	caddy.RegisterModule(AdminAPI{})
}

// AdminAPI serves normalize's routes on Caddy's admin endpoint:
//
//	GET    /normalize/report                 violations counted per rule since start, and per server with examples
//	GET    /normalize/maintenance            maintenance state of every named handler
//	POST   /normalize/maintenance[/<name>]   switch maintenance: {"enabled": true|false, "retry_after": <seconds>, "until": "<RFC 3339>"}
//	DELETE /normalize/maintenance[/<name>]   drop the API's switch: back to the configuration
type AdminAPI struct {
	logger *zap.Logger
}

// CaddyModule returns the Caddy module information.
func (AdminAPI) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "admin.api.normalize",
		New: func() caddy.Module { return new(AdminAPI) },
	}
}

// Provision sets up the admin routes.
func (a *AdminAPI) Provision(ctx caddy.Context) error {
	a.logger = ctx.Logger()
	return nil
}

// Routes returns the admin routes.
func (a *AdminAPI) Routes() []caddy.AdminRoute {
	return []caddy.AdminRoute{
		{Pattern: "/normalize/report", Handler: caddy.AdminHandlerFunc(a.handleReport)},
		{Pattern: "/normalize/maintenance", Handler: caddy.AdminHandlerFunc(a.handleMaintenance)},
		{Pattern: "/normalize/maintenance/", Handler: caddy.AdminHandlerFunc(a.handleMaintenance)},
	}
}

// ruleReport is one rule's entry in the report. Level is the rule's level
// as the specification words it: MUST, SHOULD, or MAY (an advisory, not a
// violation).
type ruleReport struct {
	Ref      string `json:"ref"`
	Level    string `json:"level"`
	Enforced uint64 `json:"enforced"`
	Reported uint64 `json:"reported"`
}

// report is the body of GET /normalize/report: the counts of every rule,
// all servers together, and the same grouped by server.
type report struct {
	Since   time.Time               `json:"since"`
	Rules   map[string]ruleReport   `json:"rules"`
	Servers map[string]serverReport `json:"servers"`
}

// serverReport is one server's entry in the report: the rules it broke.
type serverReport struct {
	Rules map[string]serverRuleReport `json:"rules"`
}

// serverRuleReport is one rule's entry under a server: its counts there,
// and its most recent examples, the newest first.
type serverRuleReport struct {
	Level    string          `json:"level"`
	Enforced uint64          `json:"enforced"`
	Reported uint64          `json:"reported"`
	Examples []exampleReport `json:"examples"`
}

func (a *AdminAPI) handleReport(w http.ResponseWriter, r *http.Request) error {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET")
		return caddy.APIError{HTTPStatus: http.StatusMethodNotAllowed, Err: fmt.Errorf("method %s not allowed", r.Method)}
	}
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(buildReport())
}

// buildReport gathers the report from every server's counts.
func buildReport() report {
	n := numCounted()
	rep := report{
		Since:   countsSince.UTC(),
		Rules:   make(map[string]ruleReport, n),
		Servers: map[string]serverReport{},
	}
	totals := make([]ruleReport, n)
	for i := range totals {
		_, totals[i].Ref, totals[i].Level = countedRule(i)
	}
	for _, s := range allSites() {
		sr := serverReport{Rules: map[string]serverRuleReport{}}
		for i := range s.rules {
			rc := &s.rules[i]
			e, rp := rc.c[0].n.Load(), rc.c[1].n.Load()
			totals[i].Enforced += e
			totals[i].Reported += rp
			if e+rp == 0 {
				continue
			}
			id, _, level := countedRule(i)
			sr.Rules[id] = serverRuleReport{Level: level, Enforced: e, Reported: rp, Examples: rc.examples.list()}
		}
		rep.Servers[s.name] = sr
	}
	for i, t := range totals {
		id, _, _ := countedRule(i)
		rep.Rules[id] = t
	}
	return rep
}

// Interface guards.
var (
	_ caddy.AdminRouter = (*AdminAPI)(nil)
	_ caddy.Provisioner = (*AdminAPI)(nil)
)
