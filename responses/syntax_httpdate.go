package responses

import (
	"net/http"
	"strings"
	"time"
)

// ParseHTTPDate parses value as an HTTP-date in any of its three forms
// (RFC 9110 §5.6.7), with the strictness of ValidHTTPDate, and returns the
// instant in UTC. now resolves the two-digit year of the obsolete RFC 850
// form (a year more than 50 years ahead is taken from the past century).
// It does not allocate.
func ParseHTTPDate(value string, now time.Time) (time.Time, bool) {
	return parseHTTPDate(value, now)
}

// IsIMFFixdate reports whether value is an HTTP-date in the form senders
// must generate, IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT",
// RFC 9110 §5.6.7), as strictly as ValidHTTPDate. It does not allocate.
func IsIMFFixdate(value string) bool {
	_, ok := IMFFixdateOrder(value)
	return ok
}

// IMFFixdateOrder returns, for an IMF-fixdate, the number
// yyyymmddhhmmss, which orders dates as time does (a leap second aside),
// and false for any other value. It is IsIMFFixdate without building a
// time.Time: comparing two dates this way costs a few dozen byte
// comparisons. It does not allocate.
func IMFFixdateOrder(v string) (int64, bool) {
	if len(v) != len(http.TimeFormat) || v[3] != ',' || v[4] != ' ' || v[7] != ' ' || v[11] != ' ' ||
		v[16] != ' ' || v[19] != ':' || v[22] != ':' || v[25:] != " GMT" || !isDayName(v[:3]) {
		return 0, false
	}
	day, month, year := num(v[5:7]), monthNum(v[8:11]), num(v[12:16])
	h, m, sec := num(v[17:19]), num(v[20:22]), num(v[23:25])
	if year < 0 || month == 0 || day < 1 || day > daysIn(month, year) ||
		h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 60 {
		return 0, false
	}
	return int64(year)*1e10 + int64(month)*1e8 + int64(day)*1e6 + int64(h)*1e4 + int64(m)*100 + int64(sec), true
}

// FormatHTTPDate formats t as an IMF-fixdate.
func FormatHTTPDate(t time.Time) string {
	return t.UTC().Format(http.TimeFormat)
}

// ParseHTTPDateLenient parses a timestamp sent where an HTTP-date belongs,
// accepting the near misses that still name one instant without doubt,
// and returns it in UTC. Beyond the three HTTP-date forms it accepts:
//
//   - a numeric zone in place of GMT, as RFC 5322 and PHP's date('r')
//     write it: "Sun, 06 Nov 1994 10:49:37 +0200" (also "+02:00");
//   - the zone written UTC, UT or Z, and names in any letter case;
//   - a one-digit day, a missing or long day name, a two-digit year in
//     the IMF-fixdate form, dashes between day, month and year;
//   - hours and minutes without seconds;
//   - the asctime form with a zero-padded day or a zone before the year,
//     as Java's Date.toString writes it: "Sun Nov 06 08:49:37 UTC 1994".
//
// Zone names other than GMT, UTC, UT and Z are refused (CET or EST could
// mean several offsets), as is a time without a zone outside the asctime
// form, which is GMT by definition. The date must exist. It does not
// allocate.
func ParseHTTPDateLenient(value string, now time.Time) (time.Time, bool) {
	if t, ok := parseHTTPDate(value, now); ok {
		return t, true
	}
	var tok [10]string
	n := 0
	for i := 0; i < len(value); {
		c := value[i]
		if c == ' ' || c == ',' || c == '\t' {
			i++
			continue
		}
		j := i
		for j < len(value) && value[j] != ' ' && value[j] != ',' && value[j] != '\t' {
			j++
		}
		if n == len(tok) {
			return time.Time{}, false
		}
		tok[n] = value[i:j]
		n++
		i = j
	}
	f := tok[:n]
	if len(f) > 0 && dayNameFold(f[0]) {
		f = f[1:]
	}
	// A date written with dashes: "06-Nov-94" or "06-Nov-1994".
	var split [3]string
	if len(f) > 0 && strings.Count(f[0], "-") == 2 && !isClock(f[0]) {
		a, rest, _ := strings.Cut(f[0], "-")
		b, c, _ := strings.Cut(rest, "-")
		split = [3]string{a, b, c}
		var joined [10]string
		m := copy(joined[:], split[:])
		m += copy(joined[m:], f[1:])
		tok = joined
		f = tok[:m]
	}
	switch {
	case len(f) == 5 && monthFold(f[1]) > 0:
		// day month year time zone
		return lenientDate(f[0], f[1], f[2], f[3], f[4], now)
	case (len(f) == 4 || len(f) == 5) && monthFold(f[0]) > 0:
		// month day time [zone] year (asctime, Java)
		zone := "GMT"
		if len(f) == 5 {
			zone = f[3]
		}
		return lenientDate(f[1], f[0], f[len(f)-1], f[2], zone, now)
	}
	return time.Time{}, false
}

// lenientDate builds the instant from the parts of a lenient date.
func lenientDate(day, month, year, clock, zone string, now time.Time) (time.Time, bool) {
	d := num(day)
	if len(day) > 2 || d < 1 {
		return time.Time{}, false
	}
	y := num(year)
	switch {
	case len(year) == 4 && y >= 0:
	case len(year) == 2 && y >= 0:
		y += now.Year() / 100 * 100
		if y > now.Year()+50 {
			y -= 100
		}
	default:
		return time.Time{}, false
	}
	var hms string
	switch {
	case len(clock) == 8 && isClock(clock):
		hms = clock
	case len(clock) == 5 && clock[2] == ':':
		hms = clock + ":00"
	default:
		return time.Time{}, false
	}
	if hms[2] != ':' || hms[5] != ':' {
		return time.Time{}, false
	}
	offset, ok := zoneOffset(zone)
	if !ok {
		return time.Time{}, false
	}
	t, ok := makeDate(y, monthFold(month), d, hms)
	if !ok {
		return time.Time{}, false
	}
	return t.Add(-offset), true
}

// isClock reports whether s looks like "hh:mm:ss".
func isClock(s string) bool {
	return len(s) == 8 && s[2] == ':' && s[5] == ':'
}

// zoneOffset returns the offset from UTC that zone names: GMT, UTC, UT or
// Z, or a numeric "+hhmm" or "+hh:mm".
func zoneOffset(zone string) (time.Duration, bool) {
	for _, z := range [...]string{"GMT", "UTC", "UT", "Z"} {
		if strings.EqualFold(zone, z) {
			return 0, true
		}
	}
	mm := zone[min(3, len(zone)):]
	if len(zone) == 6 && zone[3] == ':' {
		mm = zone[4:]
	}
	if len(zone) < 5 || len(mm) != 2 || (zone[0] != '+' && zone[0] != '-') {
		return 0, false
	}
	h, m := num(zone[1:3]), num(mm)
	if h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, false
	}
	off := time.Duration(h)*time.Hour + time.Duration(m)*time.Minute
	if zone[0] == '-' {
		off = -off
	}
	return off, true
}

// monthFold returns 1 to 12 for a month name in any case, or 0.
func monthFold(s string) int {
	for i, m := range monthNames {
		if strings.EqualFold(s, m) {
			return i + 1
		}
	}
	return 0
}

// dayNameFold reports whether s is a short or long day name, in any case.
func dayNameFold(s string) bool {
	for i := range dayNames {
		if strings.EqualFold(s, dayNames[i]) || strings.EqualFold(s, longDayNames[i]) {
			return true
		}
	}
	return false
}
