package caddynormalize

import (
	"net/netip"
	"testing"
	"time"
)

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestMaintenanceEvaluate checks each configured switch at fixed clocks.
func TestMaintenanceEvaluate(t *testing.T) {
	start := mustTime(t, "2026-12-01T02:00:00Z")
	end := mustTime(t, "2026-12-01T04:00:00Z")
	window := []Window{{Start: start, End: end}}
	tests := []struct {
		name       string
		m          *Maintenance
		now        time.Time
		file       bool
		on         bool
		source     string
		retryAfter string
	}{
		{"off by default", &Maintenance{RetryAfter: 60}, start, false, false, "", ""},
		{"enabled", &Maintenance{Enabled: true, RetryAfter: 60}, start, false, true, "config", "60"},
		{"file present", &Maintenance{File: "x", RetryAfter: 90}, start, true, true, "file", "90"},
		{"file absent", &Maintenance{File: "x", RetryAfter: 90}, start, false, false, "", ""},
		{"file exists but not configured", &Maintenance{RetryAfter: 90}, start, true, false, "", ""},
		{"before the window", &Maintenance{Windows: window, RetryAfter: 60}, start.Add(-time.Second), false, false, "", ""},
		{"window opens", &Maintenance{Windows: window, RetryAfter: 60}, start, false, true, "window", "Tue, 01 Dec 2026 04:00:00 GMT"},
		{"inside the window", &Maintenance{Windows: window, RetryAfter: 60}, end.Add(-time.Second), false, true, "window", "Tue, 01 Dec 2026 04:00:00 GMT"},
		{"window closed", &Maintenance{Windows: window, RetryAfter: 60}, end, false, false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.m.evaluate(tt.now, tt.file)
			if s.On != tt.on || s.Source != tt.source || s.RetryAfter != tt.retryAfter {
				t.Errorf("evaluate = {on %v, source %q, retry-after %q}, want {on %v, source %q, retry-after %q}",
					s.On, s.Source, s.RetryAfter, tt.on, tt.source, tt.retryAfter)
			}
		})
	}
}

// TestMaintenanceOverride checks that an API switch wins over the
// configuration, expires at its end, and hands back when cleared.
func TestMaintenanceOverride(t *testing.T) {
	now := mustTime(t, "2026-12-01T02:00:00Z")
	m := &Maintenance{Enabled: true, RetryAfter: 60, now: func() time.Time { return now }}
	m.entry = &maintEntry{name: t.Name(), handlers: map[*Maintenance]struct{}{}}
	m.local.Store(m.evaluate(now, false))

	if s := m.current(); !s.On || s.Source != "config" {
		t.Fatalf("before any switch: %+v", s)
	}
	m.entry.switchTo(&maintOverride{maintState: offState, Updated: now})
	if s := m.current(); s.On {
		t.Fatalf("switched off by the API, still on: %+v", s)
	}
	until := now.Add(time.Hour)
	m.entry.switchTo(&maintOverride{maintState: &maintState{On: true, Source: "api", Until: until}, Updated: now.Add(time.Second)})
	if s := m.current(); !s.On || s.Source != "api" {
		t.Fatalf("switched on by the API: %+v", s)
	}
	if m.entry.switchTo(&maintOverride{maintState: offState, Updated: now}) {
		t.Fatal("an older switch replaced a newer one")
	}
	now = until // the API's window is over: back to the configuration
	if s := m.current(); s.Source != "config" {
		t.Fatalf("after until: %+v", s)
	}
	m.entry.switchTo(&maintOverride{maintState: offState, Cleared: true, Updated: now})
	if s := m.current(); !s.On || s.Source != "config" {
		t.Fatalf("cleared: %+v", s)
	}
}

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
