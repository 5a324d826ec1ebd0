package caddynormalize

import (
	"net/http"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/respnorm/caddy-normalize/normalize"
	"github.com/respnorm/caddy-normalize/responses"
)

// violationMessages holds one log message per rule, so that sampling,
// which keys on the message, keeps a flood of one violation from hiding
// the others. A MAY is not a violation: its message says advisory, and
// it is logged at info level rather than warn.
var violationMessages = make([]string, normalize.NumRules())

func init() {
	for i := range violationMessages {
		r := normalize.Rule(i)
		if r.Level() == responses.May {
			violationMessages[i] = "response lacks advisory " + r.ID()
		} else {
			violationMessages[i] = "response violates " + r.ID()
		}
	}
}

// sampledLogger logs the first few entries of each message every second
// and drops the rest of that second's, so a flood of the same violation
// does not flood the log.
func sampledLogger(l *zap.Logger) *zap.Logger {
	return l.WithOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core {
		return zapcore.NewSamplerWithOptions(c, time.Second, 5, 0)
	}))
}

// countsFor returns the counts of the handler's server, resolved at
// Provision, or, for a handler provisioned outside a server, those of the
// request's.
func (h *Handler) countsFor(r *http.Request) *siteCounts {
	if h.site != nil {
		return h.site
	}
	return siteOf(r)
}

// onViolation counts and logs a violation the engine met.
func (h *Handler) onViolation(e normalize.Event) {
	h.countsFor(e.Request).count(int(e.Rule), e.Action, e.Status, e.Request)
	action := "enforced"
	if e.Action != normalize.Enforce {
		action = "reported"
	}
	lvl := zapcore.WarnLevel
	if e.Rule.Level() == responses.May {
		lvl = zapcore.InfoLevel
	}
	if ce := h.logger.Check(lvl, violationMessages[e.Rule]); ce != nil {
		ce.Write(
			zap.String("rule", e.Rule.ID()),
			zap.String("action", action),
			zap.String("level", e.Rule.Level().String()),
			zap.String("ref", e.Rule.Ref()),
			zap.Int("status", e.Status),
			zap.String("method", e.Request.Method),
			zap.String("host", e.Request.Host),
			zap.String("path", e.Request.URL.Path),
		)
	}
}
