package responses

// Proactive negotiation of a generated error body on Accept
// (RFC 9110 §12.5.1), parsed by hand so that it does not allocate.
//
//	Accept      = #( media-range [ weight ] )
//	media-range = ( "*/*" / ( type "/*" ) / ( type "/" subtype ) ) parameters
//	parameters  = *( OWS ";" OWS [ parameter ] )
//	parameter   = parameter-name "=" ( token / quoted-string )
//	weight      = OWS ";" OWS "q=" qvalue

// offers are the media types a generated body can take, in the order
// that breaks ties between equally acceptable and equally specific
// ranges: FormatProblem first, FormatText last.
var offers = [...]struct {
	format        Format
	typ, sub      string
	wildcardOrder int // rank when only "*/*" names it: text first
}{
	{FormatProblem, "application", "problem+json", 1},
	{FormatJSON, "application", "json", 2},
	{FormatHTML, "text", "html", 3},
	{FormatText, "text", "plain", 0},
}

// How specifically a media range names an offer.
const (
	specNone     = iota // the range does not name it
	specAny             // */*
	specType            // type/*
	specExact           // type/subtype
	specExactUTF        // type/subtype;charset=utf-8
)

// Negotiate picks the format of a generated error body from a request's
// Accept field value.
//
// Each format takes the weight of the most specific media range that
// names it (a range with parameters other than q and charset=utf-8 names
// none of them); a weight of 0 means "not acceptable". The format with
// the highest weight wins; between equal weights, the one named more
// specifically; between equally specific ones, problem+json, then JSON,
// HTML, text. When only "*/*" names the winners, text, the default,
// goes first. Malformed members of the list are ignored. An empty
// Accept, one with no well-formed member, or one that accepts none of
// the formats gives FormatText.
//
// Negotiate does not allocate.
func Negotiate(accept string) Format {
	f, _ := negotiate(accept, "")
	return f
}

// negotiate is Negotiate, and when like names a media family (the
// Content-Type of a body being replaced) it picks that family's format
// instead of the winner if the winner is named only through "*/*" (or
// Accept is empty: a client that sends none accepts anything,
// RFC 9110 §12.5.1) and the family's format is as acceptable. It reports
// whether it did.
func negotiate(accept, like string) (Format, bool) {
	all := accept
	var spec [len(offers)]int
	var weight [len(offers)]int
	for accept != "" {
		var member string
		member, accept = nextMember(accept)
		r, ok := parseMediaRange(member)
		if !ok {
			continue
		}
		for i := range offers {
			s := r.specificity(offers[i].typ, offers[i].sub)
			switch {
			case s > spec[i]:
				spec[i], weight[i] = s, r.q
			case s == spec[i] && s != specNone && r.q > weight[i]:
				weight[i] = r.q
			}
		}
	}
	best := -1
	for i := range offers {
		if weight[i] == 0 {
			continue
		}
		if best < 0 || better(i, best, &spec, &weight) {
			best = i
		}
	}
	family := familyOf(like)
	if family == FormatAuto {
		if best < 0 {
			return FormatText, false
		}
		return offers[best].format, false
	}
	if !anyMember(all) {
		return family, true
	}
	if best < 0 {
		return FormatText, false
	}
	if spec[best] == specAny {
		for i := range offers {
			if offers[i].format == family && spec[i] == specAny && weight[i] == weight[best] {
				return family, true
			}
		}
	}
	return offers[best].format, false
}

// anyMember reports whether accept has a well-formed member.
func anyMember(accept string) bool {
	for accept != "" {
		var member string
		member, accept = nextMember(accept)
		if _, ok := parseMediaRange(member); ok {
			return true
		}
	}
	return false
}

// familyOf returns the format of the family of media type ct (a
// Content-Type field value): FormatProblem for JSON (application/json and
// every +json type), FormatHTML for HTML and XHTML, FormatText for any
// other type, FormatAuto for none.
func familyOf(ct string) Format {
	ct = trimOWS(ct)
	if ct == "" {
		return FormatAuto
	}
	r, ok := parseMediaRange(ct)
	if !ok || r.typ == "*" {
		return FormatText
	}
	switch {
	case equalFoldASCII(r.typ, "application") && (equalFoldASCII(r.sub, "json") || hasSuffixFold(r.sub, "+json")):
		return FormatProblem
	case equalFoldASCII(r.typ, "text") && equalFoldASCII(r.sub, "html"),
		equalFoldASCII(r.typ, "application") && equalFoldASCII(r.sub, "xhtml+xml"):
		return FormatHTML
	}
	return FormatText
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && equalFoldASCII(s[len(s)-len(suffix):], suffix)
}

// better reports whether offer i beats offer j.
func better(i, j int, spec, weight *[len(offers)]int) bool {
	if weight[i] != weight[j] {
		return weight[i] > weight[j]
	}
	if spec[i] != spec[j] {
		return spec[i] > spec[j]
	}
	if spec[i] == specAny {
		return offers[i].wildcardOrder < offers[j].wildcardOrder
	}
	return i < j
}

// mediaRange is one parsed member of Accept.
type mediaRange struct {
	typ, sub string
	q        int // weight in thousandths, 0 to 1000
	charset  bool
	other    bool // a parameter other than q and charset=utf-8
}

func (r *mediaRange) specificity(typ, sub string) int {
	if r.other {
		return specNone
	}
	switch {
	case r.typ == "*":
		return specAny
	case !equalFoldASCII(r.typ, typ):
		return specNone
	case r.sub == "*":
		return specType
	case !equalFoldASCII(r.sub, sub):
		return specNone
	case r.charset:
		return specExactUTF
	}
	return specExact
}

// nextMember splits s at its first comma outside a quoted-string.
func nextMember(s string) (member, rest string) {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case c == ',' && !quoted:
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

// parseMediaRange parses one member of Accept. ok is false for a member
// that is empty or malformed.
func parseMediaRange(s string) (r mediaRange, ok bool) {
	s = trimOWS(s)
	slash := -1
	end := len(s)
	for i := 0; i < len(s); i++ {
		if s[i] == '/' && slash < 0 {
			slash = i
		}
		if s[i] == ';' || s[i] == ' ' || s[i] == '\t' {
			end = i
			break
		}
	}
	if slash < 0 || slash > end {
		return r, false
	}
	r.typ, r.sub = s[:slash], s[slash+1:end]
	if !ValidToken(r.typ) || !ValidToken(r.sub) || (r.typ == "*" && r.sub != "*") {
		return r, false
	}
	r.q = 1000
	s = s[end:]
	for {
		s = trimOWS(s)
		if s == "" {
			return r, true
		}
		if s[0] != ';' {
			return r, false
		}
		s = trimOWS(s[1:])
		if s == "" || s[0] == ';' {
			continue // an empty parameter
		}
		var name, value string
		name, value, s, ok = parseParameter(s)
		if !ok {
			return r, false
		}
		if equalFoldASCII(name, "q") {
			r.q, ok = parseQValue(value)
			// What follows the weight is accept-ext, which no offer has.
			return r, ok
		}
		if equalFoldASCII(name, "charset") && equalFoldASCII(unquote(value), "utf-8") {
			r.charset = true
		} else {
			r.other = true
		}
	}
}

// parseParameter parses `name=value` at the start of s, value a token or
// a quoted-string, and returns what follows it.
func parseParameter(s string) (name, value, rest string, ok bool) {
	eq := -1
	for i := 0; i < len(s); i++ {
		if s[i] == '=' {
			eq = i
			break
		}
		if !IsTchar(s[i]) {
			return "", "", "", false
		}
	}
	if eq <= 0 {
		return "", "", "", false
	}
	name, s = s[:eq], s[eq+1:]
	if s != "" && s[0] == '"' {
		for i := 1; i < len(s); i++ {
			switch s[i] {
			case '\\':
				i++
			case '"':
				return name, s[:i+1], s[i+1:], true
			}
		}
		return "", "", "", false // unterminated
	}
	i := 0
	for i < len(s) && IsTchar(s[i]) {
		i++
	}
	if i == 0 {
		return "", "", "", false
	}
	return name, s[:i], s[i:], true
}

// unquote strips the quotes of a quoted-string whose content has no
// quoted-pair; anything else comes back as it was.
func unquote(v string) string {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		return v[1 : len(v)-1]
	}
	return v
}

// parseQValue parses a qvalue (RFC 9110 §12.4.2) into thousandths:
//
//	qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
func parseQValue(s string) (int, bool) {
	if s == "" || len(s) > 5 || (s[0] != '0' && s[0] != '1') {
		return 0, false
	}
	q := int(s[0]-'0') * 1000
	if len(s) == 1 {
		return q, true
	}
	if s[1] != '.' {
		return 0, false
	}
	scale := 100
	for i := 2; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' || (q == 1000 && c != '0') {
			return 0, false
		}
		q += int(c-'0') * scale
		scale /= 10
	}
	return q, true
}

// trimOWS strips optional white space (SP and HTAB) from both ends of s.
func trimOWS(s string) string {
	for s != "" && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for s != "" && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}
