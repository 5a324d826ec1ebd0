package responses_test

import (
	"math"
	"testing"
	"time"

	"github.com/respnorm/caddy-normalize/responses"
)

var now = time.Date(2026, time.March, 1, 12, 0, 0, 0, time.UTC)

// imfDate is the example HTTP-date of RFC 9110 §5.6.7.
const imfDate = "Sun, 06 Nov 1994 08:49:37 GMT"

const maxDelay = time.Duration(math.MaxInt64) / time.Second * time.Second

var retryAfterTests = []struct {
	in    string
	ok    bool
	at    time.Time
	delay time.Duration
}{
	// delay-seconds.
	{"120", true, now.Add(120 * time.Second), 120 * time.Second},
	{"0", true, now, 0},
	{"007", true, now.Add(7 * time.Second), 7 * time.Second},
	{"9223372036", true, now.Add(maxDelay), maxDelay},
	{"9223372037", true, now.Add(maxDelay), maxDelay},
	{"99999999999999999999999999999", true, now.Add(maxDelay), maxDelay},
	// IMF-fixdate.
	{"Sun, 06 Nov 1994 08:49:37 GMT", true, time.Date(1994, 11, 6, 8, 49, 37, 0, time.UTC), 0},
	{"Sun, 01 Mar 2026 12:01:00 GMT", true, now.Add(time.Minute), time.Minute},
	{"Thu, 29 Feb 2024 00:00:00 GMT", true, time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), 0},
	{"Tue, 29 Feb 2000 00:00:00 GMT", true, time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC), 0},
	{"Sat, 31 Dec 2016 23:59:60 GMT", true, time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC), 0},    // leap second
	{"Mon, 06 Nov 1994 08:49:37 GMT", true, time.Date(1994, 11, 6, 8, 49, 37, 0, time.UTC), 0}, // day name not checked
	// rfc850-date: a two-digit year more than 50 years ahead is in the past.
	{"Sunday, 06-Nov-94 08:49:37 GMT", true, time.Date(1994, 11, 6, 8, 49, 37, 0, time.UTC), 0},
	{"Friday, 01-Jan-70 00:00:00 GMT", true, time.Date(2070, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2070, 1, 1, 0, 0, 0, 0, time.UTC).Sub(now)},
	{"Monday, 01-Jan-80 00:00:00 GMT", true, time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), 0},
	// asctime-date.
	{"Sun Nov  6 08:49:37 1994", true, time.Date(1994, 11, 6, 8, 49, 37, 0, time.UTC), 0},
	{"Sun Nov 16 08:49:37 1994", true, time.Date(1994, 11, 16, 8, 49, 37, 0, time.UTC), 0},
	{"Sun Nov 06 08:49:37 1994", true, time.Date(1994, 11, 6, 8, 49, 37, 0, time.UTC), 0},

	// Neither.
	{"", false, time.Time{}, 0},
	{"-1", false, time.Time{}, 0},
	{"+1", false, time.Time{}, 0},
	{"1.5", false, time.Time{}, 0},
	{" 120", false, time.Time{}, 0},
	{"120 ", false, time.Time{}, 0},
	{"1 20", false, time.Time{}, 0},
	{"0x10", false, time.Time{}, 0},
	{"soon", false, time.Time{}, 0},
	{"١٢٣", false, time.Time{}, 0}, // Arabic-Indic digits
	{"Sun, 06 Nov 1994 08:49:37 UTC", false, time.Time{}, 0},
	{"Sun, 06 Nov 1994 08:49:37 gmt", false, time.Time{}, 0},
	{"sun, 06 Nov 1994 08:49:37 GMT", false, time.Time{}, 0},
	{"Sun, 06 nov 1994 08:49:37 GMT", false, time.Time{}, 0},
	{"Sun, 06 Nov 1994 08:49:37.5 GMT", false, time.Time{}, 0},
	{"Sun, 06 Nov 1994 8:49:37 GMT", false, time.Time{}, 0},
	{"Sun, 6 Nov 1994 08:49:37 GMT", false, time.Time{}, 0},
	{"Sun,  6 Nov 1994 08:49:37 GMT", false, time.Time{}, 0},
	{"Sun, 06 Nov 94 08:49:37 GMT", false, time.Time{}, 0},
	{"Sun, 06 Nov 1994 08:49:37 GMT ", false, time.Time{}, 0},
	{" Sun, 06 Nov 1994 08:49:37 GMT", false, time.Time{}, 0},
	{"Sun, 06 Nov 1994 08:49:37 +0000", false, time.Time{}, 0},
	{"Sun, 31 Feb 1994 08:49:37 GMT", false, time.Time{}, 0},
	{"Sun, 29 Feb 2023 08:49:37 GMT", false, time.Time{}, 0},
	{"Sun, 29 Feb 1900 08:49:37 GMT", false, time.Time{}, 0},
	{"Sun, 00 Nov 1994 08:49:37 GMT", false, time.Time{}, 0},
	{"Sun, 06 Nov 1994 24:00:00 GMT", false, time.Time{}, 0},
	{"Sun, 06 Nov 1994 08:60:00 GMT", false, time.Time{}, 0},
	{"Sun, 06 Nov 1994 08:49:61 GMT", false, time.Time{}, 0},
	{"Sun, 06 Nov 1994 08-49-37 GMT", false, time.Time{}, 0},
	{"Sun, 06 Nov -994 08:49:37 GMT", false, time.Time{}, 0},
	{"Sunday, 06-Nov-94 08:49:37 PST", false, time.Time{}, 0},
	{"Sunday, 06-Nov-1994 08:49:37 GMT", false, time.Time{}, 0},
	{"Sun, 06-Nov-94 08:49:37 GMT", false, time.Time{}, 0},
	{"Sunday 06-Nov-94 08:49:37 GMT", false, time.Time{}, 0},
	{"Sun Nov 6 08:49:37 1994", false, time.Time{}, 0},
	{"Sun Nov  6 08:49:37 94", false, time.Time{}, 0},
	{"Sun Nov  6 08:49:37 1994 GMT", false, time.Time{}, 0},
	{"2026-03-01T12:00:00Z", false, time.Time{}, 0},
}

func TestParseRetryAfter(t *testing.T) {
	for _, tt := range retryAfterTests {
		at, delay, err := responses.ParseRetryAfter(tt.in, now)
		if (err == nil) != tt.ok {
			t.Errorf("ParseRetryAfter(%q): err = %v, want ok %v", tt.in, err, tt.ok)
			continue
		}
		if valid := responses.ValidRetryAfter(tt.in); valid != tt.ok {
			t.Errorf("ValidRetryAfter(%q) = %v, want %v", tt.in, valid, tt.ok)
		}
		if err != nil {
			if err != responses.ErrRetryAfter {
				t.Errorf("ParseRetryAfter(%q): err = %v, want ErrRetryAfter", tt.in, err)
			}
			continue
		}
		if !at.Equal(tt.at) || delay != tt.delay {
			t.Errorf("ParseRetryAfter(%q) = %v, %v, want %v, %v", tt.in, at, delay, tt.at, tt.delay)
		}
	}
}

func TestValidHTTPDate(t *testing.T) {
	for _, tt := range retryAfterTests {
		if tt.in == "" || tt.in[0] < '0' || tt.in[0] > '9' {
			if got := responses.ValidHTTPDate(tt.in); got != tt.ok {
				t.Errorf("ValidHTTPDate(%q) = %v, want %v", tt.in, got, tt.ok)
			}
		}
	}
	if responses.ValidHTTPDate("120") {
		t.Error("delay-seconds taken for an HTTP-date")
	}
	if n := testing.AllocsPerRun(100, func() { responses.ValidHTTPDate(imfDate) }); n != 0 {
		t.Errorf("ValidHTTPDate allocates %v times", n)
	}
}

func TestRetryAfterFormats(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{-time.Hour, "0"},
		{0, "0"},
		{time.Nanosecond, "1"},
		{time.Second, "1"},
		{1500 * time.Millisecond, "2"},
		{2 * time.Minute, "120"},
		{time.Duration(math.MaxInt64), "9223372037"},
	}
	for _, tt := range tests {
		got := responses.RetryAfterSeconds(tt.d)
		if got != tt.want {
			t.Errorf("RetryAfterSeconds(%v) = %q, want %q", tt.d, got, tt.want)
		}
		if !responses.ValidRetryAfter(got) {
			t.Errorf("RetryAfterSeconds(%v) = %q is not valid", tt.d, got)
		}
	}
	berlin := time.FixedZone("CET", 3600)
	got := responses.RetryAfterDate(time.Date(1994, 11, 6, 9, 49, 37, 999, berlin))
	if got != imfDate {
		t.Errorf("RetryAfterDate = %q, want %q", got, imfDate)
	}
}

func TestLocation(t *testing.T) {
	tests := []struct {
		in, want string // want == in: valid, left alone
	}{
		{"", ""},
		{"/", "/"},
		{"https://example.com/a/b?c=d&e=f#g", "https://example.com/a/b?c=d&e=f#g"},
		{"//example.com/x", "//example.com/x"},
		{"../up", "../up"},
		{"?q=1", "?q=1"},
		{"#frag", "#frag"},
		{"/a%20b", "/a%20b"},
		{"/%E2%82%AC", "/%E2%82%AC"},
		{"mailto:a@b.example", "mailto:a@b.example"},
		{"http://[::1]:8080/", "http://[::1]:8080/"},
		{"/a;b,c=d!$&'()*+~._-", "/a;b,c=d!$&'()*+~._-"},

		{"/a b", "/a%20b"},
		{"/café", "/caf%C3%A9"},
		{"/€", "/%E2%82%AC"},
		{"/x\r\nSet-Cookie: a=b", "/x%0D%0ASet-Cookie:%20a=b"},
		{"/\x00\x7f", "/%00%7F"},
		{"/\t", "/%09"},
		{"/%zz", "/%25zz"},
		{"/%4", "/%254"},
		{"%", "%25"},
		{"/%%41", "/%25%41"},
		{"/a#b#c", "/a#b%23c"},
		{"##", "#%23"},
		{`/<a href="x">{}|\^` + "`", "/%3Ca%20href=%22x%22%3E%7B%7D%7C%5C%5E%60"},
		{"\xff\xfe", "%FF%FE"},
	}
	for _, tt := range tests {
		valid := tt.in == tt.want
		if got := responses.ValidLocation(tt.in); got != valid {
			t.Errorf("ValidLocation(%q) = %v, want %v", tt.in, got, valid)
		}
		got := responses.RepairLocation(tt.in)
		if got != tt.want {
			t.Errorf("RepairLocation(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if !responses.ValidLocation(got) {
			t.Errorf("RepairLocation(%q) = %q is not valid", tt.in, got)
		}
		if again := responses.RepairLocation(got); again != got {
			t.Errorf("RepairLocation is not idempotent on %q: %q", got, again)
		}
	}
	if n := testing.AllocsPerRun(100, func() { responses.RepairLocation("/already/valid?x=1") }); n != 0 {
		t.Errorf("RepairLocation of a valid value allocates %v times", n)
	}
}

func TestFormatAllow(t *testing.T) {
	if got := responses.FormatAllow("GET", "HEAD"); got != "GET, HEAD" {
		t.Errorf("FormatAllow = %q", got)
	}
	if got := responses.FormatAllow(); got != "" {
		t.Errorf("FormatAllow() = %q", got)
	}
}

func TestTokenAndFieldValue(t *testing.T) {
	tokens := []struct {
		s  string
		ok bool
	}{
		{"GET", true}, {"M-SEARCH", true}, {"!#$%&'*+-.^_`|~09azAZ", true},
		{"", false}, {"GE T", false}, {"GET,", false}, {"a/b", false}, {"é", false}, {`"x"`, false},
	}
	for _, tt := range tokens {
		if got := responses.ValidToken(tt.s); got != tt.ok {
			t.Errorf("ValidToken(%q) = %v", tt.s, got)
		}
	}
	values := []struct {
		s  string
		ok bool
	}{
		{"", true}, {"text/html", true}, {"a\tb", true}, {"café", true}, {`Bearer realm="x"`, true},
		{"a\r\nb", false}, {"a\nb", false}, {"a\x00", false}, {"a\x7f", false}, {" a", false}, {"a ", false}, {"\ta", false},
	}
	for _, tt := range values {
		if got := responses.ValidFieldValue(tt.s); got != tt.ok {
			t.Errorf("ValidFieldValue(%q) = %v", tt.s, got)
		}
	}
}

func TestValidProtocol(t *testing.T) {
	tests := []struct {
		s  string
		ok bool
	}{
		{"h2c", true}, {"HTTP/2.0", true}, {"websocket", true}, {"HTTP/3.0", true},
		{"", false}, {"/1.1", false}, {"HTTP/", false}, {"HTTP/1/1", false}, {"h 2", false}, {"HTTP/1.1, h2c", false},
	}
	for _, tt := range tests {
		if got := responses.ValidProtocol(tt.s); got != tt.ok {
			t.Errorf("ValidProtocol(%q) = %v", tt.s, got)
		}
	}
}
