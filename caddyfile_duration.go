package caddynormalize

import (
	"fmt"
	"strconv"
	"time"

	"github.com/caddyserver/caddy/v2"
)

// maxRetryAfterDuration bounds a retry_after: ten years, far past any
// sensible delay and far below what a time.Duration holds.
const maxRetryAfterDuration = 10 * 365 * 24 * time.Hour

// parseRetryAfter parses a retry_after of the Caddyfile: a number of
// seconds ("120") or a duration as Caddy takes it ("90s", "2m", "1h30m",
// "1d"), from 0 to ten years.
func parseRetryAfter(s string) (caddy.Duration, error) {
	var d time.Duration
	if secs, err := strconv.ParseInt(s, 10, 64); err == nil {
		if secs < 0 || secs > int64(maxRetryAfterDuration/time.Second) {
			return 0, fmt.Errorf("%q is not from 0 to %d seconds", s, int64(maxRetryAfterDuration/time.Second))
		}
		d = time.Duration(secs) * time.Second
	} else {
		d, err = caddy.ParseDuration(s)
		if err != nil {
			return 0, fmt.Errorf("%q is neither a number of seconds nor a duration such as 90s or 2m", s)
		}
		if d < 0 || d > maxRetryAfterDuration {
			return 0, fmt.Errorf("%q is not from 0 to %v", s, maxRetryAfterDuration)
		}
	}
	return caddy.Duration(d), nil
}
