package responses

import "strings"

// A ContentRangeValue is a parsed Content-Range field value (RFC 9110
// §14.4).
type ContentRangeValue struct {
	// Unit is the range unit, e.g. "bytes".
	Unit string
	// Unsatisfied is set for "*/complete-length", the form of a 416.
	Unsatisfied bool
	// First and Last are the positions of the range, inclusive; 0 when
	// Unsatisfied.
	First, Last int64
	// Complete is the complete length; -1 for "*" (unknown).
	Complete int64
}

// ParseContentRange parses a Content-Range value:
//
//	Content-Range     = range-unit SP ( range-resp / unsatisfied-range )
//	range-resp        = incl-range "/" ( complete-length / "*" )
//	incl-range        = first-pos "-" last-pos
//	unsatisfied-range = "*/" complete-length
//
// It reports false for a value that does not match the grammar, or whose
// last-pos is less than its first-pos, or whose complete-length is not
// greater than its last-pos: such a value is invalid (§14.4). It does not
// allocate.
func ParseContentRange(v string) (ContentRangeValue, bool) {
	var cr ContentRangeValue
	unit, rest, ok := strings.Cut(v, " ")
	if !ok || !ValidToken(unit) {
		return cr, false
	}
	cr.Unit = unit
	rng, complete, ok := strings.Cut(rest, "/")
	if !ok {
		return cr, false
	}
	if complete == "*" {
		cr.Complete = -1
	} else if cr.Complete, ok = parseDigits(complete); !ok {
		return cr, false
	}
	if rng == "*" {
		cr.Unsatisfied = true
		return cr, cr.Complete >= 0
	}
	first, last, ok := strings.Cut(rng, "-")
	if !ok {
		return cr, false
	}
	if cr.First, ok = parseDigits(first); !ok {
		return cr, false
	}
	if cr.Last, ok = parseDigits(last); !ok {
		return cr, false
	}
	return cr, cr.First <= cr.Last && (cr.Complete < 0 || cr.Last < cr.Complete)
}

// ValidContentRange reports whether v is a valid Content-Range value
// (RFC 9110 §14.4; see ParseContentRange).
func ValidContentRange(v string) bool {
	_, ok := ParseContentRange(v)
	return ok
}

// parseDigits parses 1*DIGIT that fits an int64.
func parseDigits(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}
