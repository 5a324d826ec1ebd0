package responses

import "strings"

// Field syntax validators: the grammars of RFC 9110 §5.6 and of the
// fields built on them, each checked in one pass over the value, without
// allocating. The constructors, WithHeader and the normalize rules all use
// these, so each grammar is written once.
//
//	OWS            = *( SP / HTAB )
//	token          = 1*tchar
//	quoted-string  = DQUOTE *( qdtext / quoted-pair ) DQUOTE
//	qdtext         = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
//	quoted-pair    = "\" ( HTAB / SP / VCHAR / obs-text )
//	parameters     = *( OWS ";" OWS [ parameter ] )
//	parameter      = parameter-name "=" parameter-value
//	parameter-value = ( token / quoted-string )

// ValidToken reports whether s is a token (RFC 9110 §5.6.2), the syntax of
// method names, field names and auth schemes.
func ValidToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !tchars[s[i]] {
			return false
		}
	}
	return true
}

// ValidDigits reports whether s is 1*DIGIT, the syntax of delay-seconds
// (RFC 9110 §10.2.3) and delta-seconds (RFC 9111 §1.2.2).
func ValidDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ValidToken68 reports whether s is a token68 (RFC 9110 §11.2):
// 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
func ValidToken68(s string) bool {
	i := 0
	for i < len(s) {
		c := s[i]
		if !(isAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/') {
			break
		}
		i++
	}
	if i == 0 {
		return false
	}
	for i < len(s) && s[i] == '=' {
		i++
	}
	return i == len(s)
}

// ValidQuotedString reports whether s is exactly one quoted-string
// (RFC 9110 §5.6.4), its octets checked against qdtext and quoted-pair.
func ValidQuotedString(s string) bool {
	_, rest, ok := CutQuotedString(s)
	return ok && rest == ""
}

// CutQuotedString returns the quoted-string at the start of s
// (RFC 9110 §5.6.4), quotes included, and the rest; ok is false when s
// does not start with a well-formed one.
func CutQuotedString(s string) (q, rest string, ok bool) {
	if s == "" || s[0] != '"' {
		return "", s, false
	}
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			return s[:i+1], s[i+1:], true
		case c == '\\':
			i++
			if i == len(s) || !isQuotedPairChar(s[i]) {
				return "", s, false
			}
		case !isQdtext(c):
			return "", s, false
		}
	}
	return "", s, false
}

// ValidAuthParam reports whether e is exactly one auth-param (RFC 9110
// §11.2) and returns its name:
//
//	auth-param = token BWS "=" BWS ( token / quoted-string )
func ValidAuthParam(e string) (name string, ok bool) {
	name, rest := CutToken(e)
	rest = skipOWS(rest)
	if name == "" || rest == "" || rest[0] != '=' {
		return "", false
	}
	if _, rest, ok = cutTokenOrQuoted(skipOWS(rest[1:])); !ok || rest != "" {
		return "", false
	}
	return name, true
}

// ParseCacheDirective parses e as one cache-directive (RFC 9111 §5.2):
//
//	cache-directive = token [ "=" ( token / quoted-string ) ]
//
// and returns its name and argument (a quoted-string keeps its quotes and
// escapes). hasArg tells "name=..." from "name"; ok is false when e is
// not a cache-directive.
func ParseCacheDirective(e string) (name, arg string, hasArg, ok bool) {
	name, rest := CutToken(e)
	if name == "" {
		return "", "", false, false
	}
	if rest == "" {
		return name, "", false, true
	}
	if rest[0] != '=' {
		return name, "", false, false
	}
	arg, rest, ok = cutTokenOrQuoted(rest[1:])
	return name, arg, true, ok && rest == ""
}

// ValidMediaType reports whether s is a media-type (RFC 9110 §8.3.1):
// type "/" subtype parameters (§5.6.6). Empty parameters are accepted, as
// the grammar allows.
func ValidMediaType(s string) bool {
	typ, rest := CutToken(s)
	if typ == "" || rest == "" || rest[0] != '/' {
		return false
	}
	sub, rest := CutToken(rest[1:])
	if sub == "" {
		return false
	}
	for {
		rest = skipOWS(rest)
		if rest == "" {
			return true
		}
		if rest[0] != ';' {
			return false
		}
		rest = skipOWS(rest[1:])
		if rest == "" || rest[0] == ';' {
			continue // an empty parameter
		}
		var name string
		name, rest = CutToken(rest)
		if name == "" || rest == "" || rest[0] != '=' {
			return false
		}
		var ok bool
		if _, rest, ok = cutTokenOrQuoted(rest[1:]); !ok {
			return false
		}
	}
}

// ValidLinkValue reports whether e is one link-value (RFC 8288 §3) whose
// rel parameter appears exactly once (§3.3: it MUST be present and MUST
// NOT appear more than once):
//
//	link-value = "<" URI-Reference ">" *( OWS ";" OWS link-param )
//	link-param = token BWS [ "=" BWS ( token / quoted-string ) ]
//
// The URI-Reference is checked as ValidLocation checks it.
func ValidLinkValue(e string) bool {
	if e == "" || e[0] != '<' {
		return false
	}
	end := strings.IndexByte(e, '>')
	if end < 0 || !ValidLocation(e[1:end]) {
		return false
	}
	rels := 0
	s := e[end+1:]
	for {
		s = skipOWS(s)
		if s == "" {
			return rels == 1
		}
		if s[0] != ';' {
			return false
		}
		var name string
		name, s = CutToken(skipOWS(s[1:]))
		if name == "" {
			return false
		}
		if strings.EqualFold(name, "rel") {
			rels++
		}
		if a := skipOWS(s); a != "" && a[0] == '=' {
			var ok bool
			if _, s, ok = cutTokenOrQuoted(skipOWS(a[1:])); !ok {
				return false
			}
		}
	}
}

// NextListElement returns the first element of the #list s (RFC 9110
// §5.6.1), without surrounding optional white space (possibly empty), and
// the rest after its comma. A comma inside a quoted-string (§5.6.4), a
// comment (§5.6.5) or a <URI-Reference> (RFC 8288 §3) does not split;
// malformed quoting is left for the element's own grammar to refuse.
// Whether empty elements are allowed is the caller's business: a sender
// MUST NOT generate them, a recipient MUST accept them (§5.6.1.1, §5.6.1.2).
func NextListElement(s string) (elem, rest string) {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ',':
			return trimOWS(s[:i]), s[i+1:]
		case '"':
			if q, _, ok := CutQuotedString(s[i:]); ok {
				i += len(q) - 1
			}
		case '(':
			if c, _, ok := CutComment(s[i:]); ok {
				i += len(c) - 1
			}
		case '<':
			if j := strings.IndexByte(s[i:], '>'); j > 0 {
				i += j
			}
		}
	}
	return trimOWS(s), ""
}

// CutComment returns the comment at the start of s (RFC 9110 §5.6.5),
// parentheses included, and the rest; ok is false when s does not start
// with a well-formed one. Comments nest:
//
//	comment = "(" *( ctext / quoted-pair / comment ) ")"
//	ctext   = HTAB / SP / %x21-27 / %x2A-5B / %x5D-7E / obs-text
func CutComment(s string) (comment, rest string, ok bool) {
	if s == "" || s[0] != '(' {
		return "", s, false
	}
	depth := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				return s[:i+1], s[i+1:], true
			}
		case c == '\\':
			i++
			if i == len(s) || !isQuotedPairChar(s[i]) {
				return "", s, false
			}
		case !(c == '\t' || c == ' ' || (0x21 <= c && c <= 0x7e) || c >= 0x80):
			return "", s, false
		}
	}
	return "", s, false
}

// IsTchar reports whether c may appear in a token (RFC 9110 §5.6.2):
//
//	tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
//	        "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
func IsTchar(c byte) bool { return tchars[c] }

// tchars marks the bytes of a token.
var tchars = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = isAlnum(byte(c))
	}
	for _, c := range []byte("!#$%&'*+-.^_`|~") {
		t[c] = true
	}
	return t
}()

// CutToken returns the token at the start of s (RFC 9110 §5.6.2),
// possibly empty, and the rest.
func CutToken(s string) (tok, rest string) {
	i := 0
	for i < len(s) && tchars[s[i]] {
		i++
	}
	return s[:i], s[i:]
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func isQdtext(c byte) bool {
	return c == '\t' || c == ' ' || c == 0x21 || (0x23 <= c && c <= 0x5b) || (0x5d <= c && c <= 0x7e) || c >= 0x80
}

func isQuotedPairChar(c byte) bool { return c == '\t' || (0x20 <= c && c != 0x7f) }

// skipOWS returns s without its leading optional white space.
func skipOWS(s string) string {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return s[i:]
}

// cutTokenOrQuoted returns a token or a quoted-string at the start of s
// and the rest; ok is false when there is neither.
func cutTokenOrQuoted(s string) (v, rest string, ok bool) {
	if s != "" && s[0] == '"' {
		return CutQuotedString(s)
	}
	v, rest = CutToken(s)
	return v, rest, v != ""
}
