package caddynormalize

import (
	"html/template"
	"net/http"
	"strconv"
	"time"

	"go.uber.org/zap"

	"github.com/respnorm/caddy-normalize/responses"
)

// maintenancePage is the page people see during maintenance. It says what
// is happening and when to come back, and reloads itself once Retry-After
// has passed.
var maintenancePage = template.Must(template.New("maintenance").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{{if .RefreshSeconds}}<meta http-equiv="refresh" content="{{.RefreshSeconds}}">
{{end}}<title>Down for maintenance</title>
<style>
body{font-family:system-ui,sans-serif;max-width:36rem;margin:15vh auto;padding:0 1rem;color:#222;line-height:1.5}
h1{font-size:1.6rem;margin-bottom:.5rem}
p.when{color:#555}
</style>
</head>
<body>
<main>
<h1>Down for maintenance</h1>
<p id="message">{{if .Message}}{{.Message}}{{else}}This service is undergoing maintenance and will be back shortly.{{end}}</p>
<p class="when">{{if .Until}}Expected back by <time datetime="{{.UntilISO}}">{{.Until}}</time>.{{else if .RetryIn}}Please try again in {{.RetryIn}}; this page reloads by itself.{{end}}</p>
</main>
</body>
</html>
`))

// maintenancePageData is what the maintenance page (built-in or the
// operator's own) gets; it extends error_page's data.
type maintenancePageData struct {
	errorPage
	Until          string // HTTP-date of the known end, if any
	UntilISO       string
	RefreshSeconds int64  // seconds until Retry-After has passed
	RetryIn        string // the same for people: "about 5 minutes"
}

// humanDelay says secs for people, rounded to minutes past two minutes.
func humanDelay(secs int64) string {
	switch {
	case secs <= 1:
		return "a moment"
	case secs < 120:
		return strconv.FormatInt(secs, 10) + " seconds"
	case secs < 2*3600:
		return "about " + strconv.FormatInt((secs+30)/60, 10) + " minutes"
	}
	return "about " + strconv.FormatInt((secs+1800)/3600, 10) + " hours"
}

// writeMaintenancePage writes the maintenance page as a 503.
func (h *Handler) writeMaintenancePage(w http.ResponseWriter, r *http.Request, s *maintState) {
	m := h.Maintenance
	data := maintenancePageData{
		errorPage: errorPage{
			Status:     http.StatusServiceUnavailable,
			Reason:     responses.Reason(http.StatusServiceUnavailable),
			RequestID:  requestID(r),
			RetryAfter: s.RetryAfter,
			Message:    m.Message,
		},
	}
	if _, delay, err := responses.ParseRetryAfter(s.RetryAfter, m.now()); err == nil {
		data.RefreshSeconds = int64((delay + time.Second - 1) / time.Second)
		if data.RefreshSeconds < 1 {
			data.RefreshSeconds = 1
		}
		data.RetryIn = humanDelay(data.RefreshSeconds)
	}
	if !s.Until.IsZero() {
		data.Until = responses.RetryAfterDate(s.Until)
		data.UntilISO = s.Until.UTC().Format(time.RFC3339)
	}
	t := h.maintPage
	if t == nil {
		t = maintenancePage
	}
	if err := h.writePage(w, r, http.StatusServiceUnavailable, t, data); err != nil {
		h.errLogger.Error("maintenance page template failed; using the generated page", zap.Error(err))
		responses.WriteError(w, r, http.StatusServiceUnavailable, m.Message, responses.FormatHTML)
	}
}
