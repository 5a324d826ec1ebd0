// Package maintenance decides whether a service is down for maintenance:
// from its configuration (on from the start, while a file exists, inside
// time windows) and from switches made by an operator (through an API),
// which can be kept in a store that a fleet of instances shares.
//
// It is plain Go over small interfaces (a Clock, a StatFunc, a Store), so
// that every rule can be tested without a server: what the configuration
// says (Machine), what an operator's switch says and how switches order
// across a fleet (Entry), and when each ends by itself.
//
// The order of switches across a fleet never depends on the instances'
// clocks: each switch kept in the Store carries a version, read and
// incremented under the Store's lock, and the highest version wins
// everywhere. Clocks only decide what is about time itself: windows and a
// switch's "until".
package maintenance

import (
	"errors"
	"fmt"
	"time"
)

// DefaultRetryAfter is the Retry-After of a maintenance with no known end
// when the configuration sets none.
const DefaultRetryAfter = 300 * time.Second

// MaxRetryAfter bounds a retry-after: ten years, far past any sensible
// delay and far below what a time.Duration holds.
const MaxRetryAfter = 10 * 365 * 24 * time.Hour

// Source says what turned maintenance on.
type Source string

// The sources of a maintenance, from the configuration and from an
// operator's switch.
const (
	SourceConfig Source = "config"
	SourceFile   Source = "file"
	SourceWindow Source = "window"
	SourceAPI    Source = "api"
)

// Window is a span of time during which maintenance is on.
type Window struct {
	Start time.Time
	End   time.Time
}

// Config is what the configuration says about maintenance.
type Config struct {
	// Enabled turns maintenance on from the start.
	Enabled bool
	// File turns maintenance on while a file exists at this path.
	File string
	// Windows turn maintenance on between their start and end.
	Windows []Window
	// RetryAfter is sent while maintenance is on with no known end, in
	// whole seconds (rounded up). Zero: DefaultRetryAfter.
	RetryAfter time.Duration
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	if err := CheckRetryAfter(c.RetryAfter); err != nil {
		return err
	}
	for _, w := range c.Windows {
		if !w.End.After(w.Start) {
			return fmt.Errorf("window ends (%s) before it starts (%s)", w.End.Format(time.RFC3339), w.Start.Format(time.RFC3339))
		}
	}
	return nil
}

// retryAfter is the configured Retry-After, or the default.
func (c *Config) retryAfter() time.Duration {
	if c.RetryAfter == 0 {
		return DefaultRetryAfter
	}
	return c.RetryAfter
}

// CheckRetryAfter checks a retry-after: zero (the default), or from one
// second to MaxRetryAfter.
func CheckRetryAfter(d time.Duration) error {
	switch {
	case d < 0:
		return fmt.Errorf("retry_after %v is negative", d)
	case d > 0 && d < time.Second:
		return fmt.Errorf("retry_after %v is under a second (a JSON number is in nanoseconds; write a string such as \"90s\" or \"10m\")", d)
	case d > MaxRetryAfter:
		return fmt.Errorf("retry_after %v is over %v", d, MaxRetryAfter)
	}
	return nil
}

// ErrName is the error of a name that CheckName refuses.
var ErrName = errors.New("a maintenance name is 1 to 128 letters, digits, '-', '_' or '.', and not '.' or '..'")

// CheckName checks the name of a maintenance, which addresses it in the
// API and is part of its key in a Store: 1 to 128 ASCII letters, digits,
// '-', '_' and '.', so that it is never a path; "." and ".." are refused.
func CheckName(name string) error {
	if name == "" || len(name) > 128 || name == "." || name == ".." {
		return fmt.Errorf("name %q: %w", name, ErrName)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.':
		default:
			return fmt.Errorf("name %q: %w", name, ErrName)
		}
	}
	return nil
}

// NameFrom turns a label (an address, a host) into a valid name: every
// character CheckName refuses becomes '_', leading and trailing '_' and
// '.' are dropped, and an empty result is "default".
func NameFrom(label string) string {
	b := []byte(label)
	for i, c := range b {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.':
		default:
			b[i] = '_'
		}
	}
	i, j := 0, len(b)
	for i < j && (b[i] == '_' || b[i] == '.') {
		i++
	}
	for j > i && (b[j-1] == '_' || b[j-1] == '.') {
		j--
	}
	if j-i > 120 {
		j = i + 120
	}
	if i == j {
		return "default"
	}
	return string(b[i:j])
}
