package caddynormalize

import (
	"fmt"
	"strconv"
	"time"

	"github.com/caddyserver/caddy/v2"

	"github.com/respnorm/caddy-normalize/maintenance"
)

// parseRetryAfter parses a retry_after of the Caddyfile: a number of
// seconds ("120") or a duration as Caddy takes it ("90s", "2m", "1h30m",
// "1d"), from 0 to ten years.
func parseRetryAfter(s string) (caddy.Duration, error) {
	var d time.Duration
	if secs, err := strconv.ParseInt(s, 10, 64); err == nil {
		if secs < 0 || secs > int64(maintenance.MaxRetryAfter/time.Second) {
			return 0, fmt.Errorf("%q is not from 0 to %d seconds", s, int64(maintenance.MaxRetryAfter/time.Second))
		}
		d = time.Duration(secs) * time.Second
	} else {
		d, err = caddy.ParseDuration(s)
		if err != nil {
			return 0, fmt.Errorf("%q is neither a number of seconds nor a duration such as 90s or 2m", s)
		}
		if d < 0 || d > maintenance.MaxRetryAfter {
			return 0, fmt.Errorf("%q is not from 0 to %v", s, maintenance.MaxRetryAfter)
		}
	}
	return caddy.Duration(d), nil
}

// checkRetryAfter checks a retry_after, normalize's or maintenance's:
// zero (none), or from one second to ten years. Below a second is refused
// rather than rounded: in JSON an integer is nanoseconds, and
// "retry_after": 120 meant as seconds must not become 120ns. The bound is
// maintenance's, so that both delays are judged alike.
func checkRetryAfter(d time.Duration) error { return maintenance.CheckRetryAfter(d) }
