package responses

import (
	"strings"
	"time"
)

// The HTTP-date grammar (RFC 9110 §5.6.7), parsed by hand: time.Parse is
// too lenient for a validator (it takes one-digit hours, fractional
// seconds and any zone abbreviation in the RFC 850 form).
//
//	IMF-fixdate  = day-name "," SP 2DIGIT SP month SP 4DIGIT SP time-of-day SP "GMT"
//	rfc850-date  = day-name-l "," SP 2DIGIT "-" month "-" 2DIGIT SP time-of-day SP "GMT"
//	asctime-date = day-name SP month SP ( 2DIGIT / ( SP DIGIT ) ) SP time-of-day SP 4DIGIT
//	time-of-day  = 2DIGIT ":" 2DIGIT ":" 2DIGIT
//
// Names are case-sensitive. The day-name is checked for syntax only, as
// time.Parse does; the date itself must exist (no 31 February), the hour
// be at most 23, the minute at most 59 and the second at most 60 (a leap
// second, read as the first second of the next minute).

var dayNames = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}

var longDayNames = [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}

var monthNames = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// parseHTTPDate parses value as an HTTP-date. now resolves the two-digit
// year of the RFC 850 form: a year that appears to be more than 50 years
// in the future is the most recent past year with the same last two
// digits (RFC 9110 §5.6.7).
func parseHTTPDate(value string, now time.Time) (time.Time, bool) {
	var year, month, day int
	var rest string
	switch {
	case len(value) == len("Sun, 06 Nov 1994 08:49:37 GMT") && value[3] == ',':
		// IMF-fixdate.
		if !isDayName(value[:3]) || value[4] != ' ' || value[7] != ' ' || value[11] != ' ' || value[16] != ' ' {
			return time.Time{}, false
		}
		day = num(value[5:7])
		month = monthNum(value[8:11])
		year = num(value[12:16])
		if year < 0 {
			return time.Time{}, false
		}
		rest = value[16:]
	case len(value) == len("Sun Nov  6 08:49:37 1994") && value[3] == ' ':
		// asctime-date.
		if !isDayName(value[:3]) || value[7] != ' ' || value[10] != ' ' || value[19] != ' ' {
			return time.Time{}, false
		}
		month = monthNum(value[4:7])
		if value[8] == ' ' {
			day = num(value[9:10])
		} else {
			day = num(value[8:10])
		}
		year = num(value[20:24])
		if year < 0 || !timeOfDay(value[10:19]) {
			return time.Time{}, false
		}
		return makeDate(year, month, day, value[11:19])
	default:
		// rfc850-date.
		comma := strings.IndexByte(value, ',')
		if comma < 0 || !isLongDayName(value[:comma]) {
			return time.Time{}, false
		}
		d := value[comma:]
		if len(d) != len(", 06-Nov-94 08:49:37 GMT") || d[1] != ' ' || d[4] != '-' || d[8] != '-' || d[11] != ' ' {
			return time.Time{}, false
		}
		day = num(d[2:4])
		month = monthNum(d[5:8])
		yy := num(d[9:11])
		if yy < 0 {
			return time.Time{}, false
		}
		year = now.Year()/100*100 + yy
		if year > now.Year()+50 {
			year -= 100
		}
		rest = d[11:]
	}
	// rest is " hh:mm:ss GMT".
	if len(rest) != len(" 08:49:37 GMT") || rest[9:] != " GMT" || !timeOfDay(rest[:9]) {
		return time.Time{}, false
	}
	return makeDate(year, month, day, rest[1:9])
}

// timeOfDay reports whether s has the shape " hh:mm:ss"; makeDate
// checks the digits.
func timeOfDay(s string) bool {
	return len(s) == 9 && s[0] == ' ' && s[3] == ':' && s[6] == ':'
}

// makeDate builds the time from its parts, hms being "hh:mm:ss". The
// caller has checked the year; a part that num rejected is negative.
func makeDate(year, month, day int, hms string) (time.Time, bool) {
	h, m, s := num(hms[0:2]), num(hms[3:5]), num(hms[6:8])
	if month < 1 || day < 1 || day > daysIn(month, year) ||
		h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 60 {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, h, m, s, 0, time.UTC), true
}

// num returns the value of the decimal digits s, or -1 if s holds
// anything else.
func num(s string) int {
	if s == "" {
		return -1
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// monthNum returns 1 to 12 for "Jan" to "Dec", or 0.
func monthNum(s string) int {
	for i, m := range monthNames {
		if s == m {
			return i + 1
		}
	}
	return 0
}

func isDayName(s string) bool {
	for _, d := range dayNames {
		if s == d {
			return true
		}
	}
	return false
}

func isLongDayName(s string) bool {
	for _, d := range longDayNames {
		if s == d {
			return true
		}
	}
	return false
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
