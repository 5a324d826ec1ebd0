package caddynormalize

import (
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/respnorm/caddy-normalize/responses"
)

// The built-in maintenance page is responses' generated page (the look
// every generated error page shares): it says what is happening and when
// to come back, and reloads itself once Retry-After has passed.

// maintenanceTitle is the built-in maintenance page's title and heading.
const maintenanceTitle = "Down for maintenance"

// maintenanceDefaultMessage is its message when the operator set none.
const maintenanceDefaultMessage = "This service is undergoing maintenance and will be back shortly."

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
	return responses.HumanDelay(time.Duration(secs) * time.Second)
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
	if t := h.maintPage; t != nil {
		err := h.writePage(w, r, http.StatusServiceUnavailable, t, data)
		if err == nil {
			return
		}
		h.errLogger.Error("maintenance page template failed; using the generated page", zap.Error(err))
	}
	p := responses.Page{
		Status:   http.StatusServiceUnavailable,
		Title:    maintenanceTitle,
		Message:  m.Message,
		RetryIn:  data.RetryIn,
		Until:    data.Until,
		UntilISO: data.UntilISO,
		Refresh:  data.RefreshSeconds,
	}
	if p.Message == "" {
		p.Message = maintenanceDefaultMessage
	}
	h.writeBytes(w, r, http.StatusServiceUnavailable, responses.AppendPage(nil, p))
}
