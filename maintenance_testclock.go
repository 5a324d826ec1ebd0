//go:build normalize_testclock

package caddynormalize

import (
	"os"
	"time"

	"github.com/respnorm/caddy-normalize/maintenance"
)

// A build for tests only (go build -tags normalize_testclock) skews the
// clock of maintenance by NORMALIZE_TEST_CLOCK_OFFSET (a Go duration),
// so that an end-to-end test can run instances whose clocks disagree.
// Release builds have no such hook.
func init() {
	if d, err := time.ParseDuration(os.Getenv("NORMALIZE_TEST_CLOCK_OFFSET")); err == nil {
		maintClock = offsetClock(d)
	}
}

type offsetClock time.Duration

func (c offsetClock) Now() time.Time { return time.Now().Add(time.Duration(c)) }

var _ maintenance.Clock = offsetClock(0)
