package responses

import (
	"testing"
	"time"
)

func TestParseHTTPDateLenient(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	want := time.Date(1994, 11, 6, 8, 49, 37, 0, time.UTC)
	for _, tc := range []struct {
		in  string
		ok  bool
		imf bool
	}{
		{"Sun, 06 Nov 1994 08:49:37 GMT", true, true},
		{"Sunday, 06-Nov-94 08:49:37 GMT", true, false},
		{"Sun Nov  6 08:49:37 1994", true, false},
		{"Sun, 06 Nov 1994 08:49:37 +0000", true, false},
		{"Sun, 06 Nov 1994 10:49:37 +0200", true, false},
		{"Sun, 06 Nov 1994 03:49:37 -0500", true, false},
		{"Sun, 06 Nov 1994 10:49:37 +02:00", true, false},
		{"Sun, 06 Nov 1994 08:49:37 UTC", true, false},
		{"sun, 06 nov 1994 08:49:37 gmt", true, false},
		{"Sun, 6 Nov 1994 08:49:37 GMT", true, false},
		{"06 Nov 1994 08:49:37 GMT", true, false},
		{"Sun, 06 Nov 94 08:49:37 GMT", true, false},
		{"Sun, 06-Nov-1994 08:49:37 GMT", true, false},
		{"Sun Nov 06 08:49:37 UTC 1994", true, false},
		{"Sun Nov 06 08:49:37 GMT 1994", true, false},
		{"Sunday, 06 November 1994 08:49:37 GMT", false, false},
		{"Sun, 06 Nov 1994 08:49:37 CET", false, false},
		{"Sun, 06 Nov 1994 08:49:37", false, false},
		{"Sun, 31 Nov 1994 08:49:37 GMT", false, false},
		{"Sun, 06 Nov 1994 24:49:37 GMT", false, false},
		{"Sun, 06 Nov 1994 08:49:37 GMT junk", false, false},
		{"Sun, 06 Nov 1994 08:49:37 +2500", false, false},
		{"0", false, false},
		{"-1", false, false},
		{"now", false, false},
		{"", false, false},
		{"Sun Nov 06 08:49:37 CEST 1994", false, false},
	} {
		got, ok := ParseHTTPDateLenient(tc.in, now)
		if ok != tc.ok || ok && !got.Equal(want) {
			t.Errorf("ParseHTTPDateLenient(%q) = %v, %v; want ok %v", tc.in, got, ok, tc.ok)
		}
		if IsIMFFixdate(tc.in) != tc.imf {
			t.Errorf("IsIMFFixdate(%q) = %v", tc.in, !tc.imf)
		}
		if ok && FormatHTTPDate(got) != "Sun, 06 Nov 1994 08:49:37 GMT" {
			t.Errorf("FormatHTTPDate: %q", FormatHTTPDate(got))
		}
	}
	if n := testing.AllocsPerRun(100, func() {
		ParseHTTPDateLenient("Sun, 06-Nov-1994 10:49:37 +02:00", now)
		ParseHTTPDateLenient("Sun Nov 06 08:49:37 UTC 1994", now)
		ParseHTTPDateLenient("garbage value here", now)
	}); n != 0 {
		t.Errorf("%v allocations, want none", n)
	}
}

// FuzzParseHTTPDateLenient: the lenient parser accepts every HTTP-date
// with the same instant, and what it accepts formats as an IMF-fixdate
// that parses back to that instant.
func FuzzParseHTTPDateLenient(f *testing.F) {
	for _, s := range []string{"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
		"Sun, 06 Nov 1994 10:49:37 +0200", "Sun Nov 06 08:49:37 UTC 1994", "6 nov 94 08:49 Z"} {
		f.Add(s)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		if st, ok := ParseHTTPDate(s, now); IsIMFFixdate(s) != (ok && len(s) == 29 && s[3] == ',') {
			t.Fatalf("%q: IsIMFFixdate %v, strict parse %v %v", s, IsIMFFixdate(s), st, ok)
		}
		lt, lok := ParseHTTPDateLenient(s, now)
		if st, ok := ParseHTTPDate(s, now); ok && (!lok || !st.Equal(lt)) {
			t.Fatalf("%q: strict %v, lenient %v %v", s, st, lt, lok)
		}
		if !lok {
			return
		}
		out := FormatHTTPDate(lt)
		if lt.Year() < 0 || lt.Year() > 9999 {
			return // out of the 4DIGIT range after a zone offset
		}
		back, ok := ParseHTTPDate(out, now)
		if !IsIMFFixdate(out) || !ok || !back.Equal(lt) {
			t.Fatalf("%q: %v formats as %q, which parses as %v %v", s, lt, out, back, ok)
		}
	})
}

func TestIMFFixdateOrder(t *testing.T) {
	a, ok1 := IMFFixdateOrder("Sun, 06 Nov 1994 08:49:37 GMT")
	b, ok2 := IMFFixdateOrder("Mon, 07 Nov 1994 00:00:00 GMT")
	c, ok3 := IMFFixdateOrder("Sat, 31 Dec 1994 23:59:59 GMT")
	if !ok1 || !ok2 || !ok3 || !(a < b && b < c) || a != 19941106084937 {
		t.Errorf("orders %d %d %d (%v %v %v)", a, b, c, ok1, ok2, ok3)
	}
	for _, v := range []string{"Sun, 31 Feb 1994 08:49:37 GMT", "Xyz, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 UTC",
		"Sun, 06 Nov 1994 24:00:00 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:3x GMT"} {
		if _, ok := IMFFixdateOrder(v); ok {
			t.Errorf("%q accepted", v)
		}
	}
}
