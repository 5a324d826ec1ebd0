package caddynormalize

import (
	"net/netip"
	"testing"
)

func TestParsePrefix(t *testing.T) {
	tests := []struct {
		in, contains string
		ok, match    bool
	}{
		{"127.0.0.2", "127.0.0.2", true, true},
		{"127.0.0.2", "127.0.0.1", true, false},
		{"10.0.0.0/8", "10.1.2.3", true, true},
		{"::1", "::1", true, true},
		{"::ffff:127.0.0.2", "127.0.0.2", true, true},
		{"nope", "", false, false},
		{"10.0.0.0/33", "", false, false},
	}
	for _, tt := range tests {
		p, err := parsePrefix(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("parsePrefix(%q) error = %v, want ok %v", tt.in, err, tt.ok)
			continue
		}
		if !tt.ok {
			continue
		}
		if got := prefixesContain([]netip.Prefix{p}, tt.contains); got != tt.match {
			t.Errorf("%q contains %q = %v, want %v", tt.in, tt.contains, got, tt.match)
		}
	}
}

func TestHumanDelay(t *testing.T) {
	for secs, want := range map[int64]string{
		0: "a moment", 1: "a moment", 45: "45 seconds", 119: "119 seconds",
		120: "about 2 minutes", 600: "about 10 minutes", 7199: "about 120 minutes",
		7200: "about 2 hours", 86400: "about 24 hours",
	} {
		if got := humanDelay(secs); got != want {
			t.Errorf("humanDelay(%d) = %q, want %q", secs, got, want)
		}
	}
}
