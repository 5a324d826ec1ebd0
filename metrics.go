package caddynormalize

import (
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// The collectors live at package level: Caddy makes a new metrics registry
// on every config load, and the counts must survive reloads.
//
// The server label is the one Caddy's own HTTP metrics use
// (caddy_http_requests_total{server}): the name of the server, from the
// configuration (srv0, srv1... from a Caddyfile, or the servers block's
// name), never from a request, so the label set stays bounded.
var violationsTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
	Namespace: "caddy",
	Subsystem: "normalize",
	Name:      "violations_total",
	Help:      "Responses that broke a rule of the HTTP specifications, by server (as in Caddy's HTTP metrics), by rule, by what was done (enforced or reported) and by the rule's level (MUST, SHOULD, MAY for an advisory, or policy for replace-errors, the operator's own choice).",
}, []string{"server", "rule", "action", "level"})

var countsSince = time.Now()

// registerMetrics registers the package's collectors with reg, which may
// already hold them.
func registerMetrics(reg *prometheus.Registry) error {
	if reg == nil {
		return nil
	}
	for _, c := range []prometheus.Collector{violationsTotal, maintenanceActive, maintenanceRequests} {
		err := reg.Register(c)
		var already prometheus.AlreadyRegisteredError
		if err != nil && !errors.As(err, &already) {
			return err
		}
	}
	return nil
}

var (
	maintenanceActive = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: "caddy",
		Subsystem: "normalize",
		Name:      "maintenance_active",
		Help:      "Whether maintenance mode is on (1) or off (0), by handler name.",
	}, []string{"name"})
	maintenanceRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "caddy",
		Subsystem: "normalize",
		Name:      "maintenance_requests_total",
		Help:      "Requests answered 503 by maintenance mode, by handler name.",
	}, []string{"name"})
)
