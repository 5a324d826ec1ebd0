package caddynormalize

import (
	"errors"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/respnorm/caddy-normalize/normalize"
)

// The collectors live at package level: Caddy makes a new metrics registry
// on every config load, and the counts must survive reloads.
var violationsTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
	Namespace: "caddy",
	Subsystem: "normalize",
	Name:      "violations_total",
	Help:      "Responses that broke a rule of the HTTP specifications, by rule, by what was done (enforced or reported) and by the rule's level (MUST, SHOULD, MAY for an advisory, or policy for replace-errors, the operator's own choice).",
}, []string{"rule", "action", "level"})

// counts holds, per rule, the violations enforced ([0]) and reported ([1])
// since the process started, with the counters resolved once so that
// counting costs no label lookup. The level label is the rule's own, so
// the series stay two per rule.
var counts = make([][2]struct {
	n       atomic.Uint64
	counter prometheus.Counter
}, normalize.NumRules())

var countsSince = time.Now()

func init() {
	for i := range counts {
		r := normalize.Rule(i)
		id, level := r.ID(), r.Level().String()
		counts[i][0].counter = violationsTotal.WithLabelValues(id, "enforced", level)
		counts[i][1].counter = violationsTotal.WithLabelValues(id, "reported", level)
	}
}

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

// count records one violation.
func count(r normalize.Rule, a normalize.Action) {
	i := 0
	if a != normalize.Enforce {
		i = 1
	}
	c := &counts[r][i]
	c.n.Add(1)
	c.counter.Inc()
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
