package caddynormalize

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/caddyserver/caddy/v2"
	"go.uber.org/zap"

	"github.com/respnorm/caddy-normalize/normalize"
)

func init() {
	caddy.RegisterModule(AdminAPI{})
}

// AdminAPI serves normalize's routes on Caddy's admin endpoint:
//
//	GET    /normalize/report                 violations counted per rule since start
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

// report is the body of GET /normalize/report.
type report struct {
	Since time.Time             `json:"since"`
	Rules map[string]ruleReport `json:"rules"`
}

func (a *AdminAPI) handleReport(w http.ResponseWriter, r *http.Request) error {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET")
		return caddy.APIError{HTTPStatus: http.StatusMethodNotAllowed, Err: fmt.Errorf("method %s not allowed", r.Method)}
	}
	rep := report{Since: countsSince.UTC(), Rules: make(map[string]ruleReport, len(counts))}
	for i := range counts {
		rule := normalize.Rule(i)
		rep.Rules[rule.ID()] = ruleReport{
			Ref:      rule.Ref(),
			Level:    rule.Level().String(),
			Enforced: counts[i][0].n.Load(),
			Reported: counts[i][1].n.Load(),
		}
	}
	for i := range generatedCounts {
		rep.Rules[normalize.GeneratedRule(i).ID()] = ruleReport{
			Ref:      "replace_errors",
			Level:    "policy",
			Enforced: generatedCounts[i][0].n.Load(),
			Reported: generatedCounts[i][1].n.Load(),
		}
	}
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(rep)
}

// Interface guards.
var (
	_ caddy.AdminRouter = (*AdminAPI)(nil)
	_ caddy.Provisioner = (*AdminAPI)(nil)
)
