package normalize

import (
	"strings"

	"github.com/respnorm/caddy-normalize/responses"
)

// The field grammars of the report-only syntax rules, checked by hand and
// without allocating: every function takes a field value and walks it
// once. The rules built on them only report; nothing here rewrites a
// value.
//
//	OWS            = *( SP / HTAB )
//	token          = 1*tchar
//	quoted-string  = DQUOTE *( qdtext / quoted-pair ) DQUOTE
//	qdtext         = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
//	quoted-pair    = "\" ( HTAB / SP / VCHAR / obs-text )
//	comment        = "(" *( ctext / quoted-pair / comment ) ")"
//	parameters     = *( OWS ";" OWS [ parameter ] )
//	parameter      = parameter-name "=" parameter-value
//	parameter-value = ( token / quoted-string )
//	#element       = [ element ] *( OWS "," OWS [ element ] )
//
// (RFC 9110 §5.6). A list's empty elements are accepted here, as the
// recipient must accept them (§5.6.1.2); sending them is another rule's
// business (list-empty-elements).

// isToken reports whether s is a token.
func isToken(s string) bool { return responses.ValidToken(s) }

// skipOWS returns s without its leading optional white space.
func skipOWS(s string) string {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return s[i:]
}

// trimOWS returns s without leading and trailing optional white space.
func trimOWS(s string) string {
	s = skipOWS(s)
	j := len(s)
	for j > 0 && (s[j-1] == ' ' || s[j-1] == '\t') {
		j--
	}
	return s[:j]
}

// cutQuoted returns the quoted-string at the start of s; see
// responses.CutQuotedString.
func cutQuoted(s string) (q, rest string, ok bool) { return responses.CutQuotedString(s) }

// validList reports whether every line of vs is a #list whose elements
// valid accepts, and, with atLeastOne, whether there is a non-empty
// element on each line (1#element).
func validList(vs []string, atLeastOne bool, valid func(string) bool) bool {
	for _, v := range vs {
		n := 0
		for rest := v; rest != ""; {
			var e string
			e, rest = responses.NextListElement(rest)
			if e == "" {
				continue
			}
			if !valid(e) {
				return false
			}
			n++
		}
		if atLeastOne && n == 0 {
			return false
		}
	}
	return true
}

// validVaryElement: "*" or a field-name (a token), RFC 9110 §12.5.5.
func validVaryElement(e string) bool { return e == "*" || isToken(e) }

// maxAuthParams bounds the auth-params of one challenge whose names are
// compared for repeats; a challenge with more is judged on its syntax
// and on the repeats among its first maxAuthParams.
const maxAuthParams = 16

// validChallenges reports whether every line of vs is a #challenge
// (RFC 9110 §11.6.1, §11.7.1) in which each auth-param name appears at
// most once per challenge (§11.2, compared without regard to case):
//
//	challenge  = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//	auth-param = token BWS "=" BWS ( token / quoted-string )
//
// A list element is either a new challenge (a scheme, alone or followed
// by spaces and its first parameter or token68) or one more auth-param of
// the challenge before it. A line with no challenge at all passes: where
// a challenge is required, www-authenticate-missing and
// proxy-authenticate-missing report its absence.
func validChallenges(vs []string) bool {
	// The lines are one list (RFC 9110 §5.3): a challenge's auth-params
	// may go on on the next line.
	var names [maxAuthParams]string
	n := 0
	inChallenge := false
	for _, v := range vs {
		param := func(p string) bool {
			name, ok := responses.ValidAuthParam(p)
			if !ok {
				return false
			}
			for _, seen := range names[:n] {
				if strings.EqualFold(seen, name) {
					return false
				}
			}
			if n < maxAuthParams {
				names[n] = name
				n++
			}
			return true
		}
		for rest := v; rest != ""; {
			var e string
			e, rest = responses.NextListElement(rest)
			if e == "" {
				continue
			}
			tok, after := responses.CutToken(e)
			if tok == "" {
				return false
			}
			if a := skipOWS(after); a != "" && a[0] == '=' {
				// token BWS "=": one more auth-param of the challenge
				// before, which must have taken auth-params.
				if !inChallenge || !param(e) {
					return false
				}
				continue
			}
			// A new challenge: auth-scheme [ 1*SP ( token68 / #auth-param ) ].
			// Only one that took an auth-param takes more from the
			// following elements.
			inChallenge, n = false, 0
			if after == "" {
				continue
			}
			if after[0] != ' ' {
				return false
			}
			body := strings.TrimLeft(after, " ")
			if responses.ValidToken68(body) {
				continue
			}
			if !param(body) {
				return false
			}
			inChallenge = true
		}
	}
	return true
}

// isCookieOctet: %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
// (RFC 6265 §4.1.1): US-ASCII but controls, white space, DQUOTE, comma,
// semicolon and backslash.
func isCookieOctet(c byte) bool {
	return c == 0x21 || (0x23 <= c && c <= 0x2b) || (0x2d <= c && c <= 0x3a) ||
		(0x3c <= c && c <= 0x5b) || (0x5d <= c && c <= 0x7e)
}

// avChar: any CHAR except CTLs or ";", the characters of path-value and
// extension-av.
func avChar(c byte) bool { return 0x20 <= c && c < 0x7f && c != ';' }

// cookieSyntax is what checkSetCookie finds wrong with a set-cookie-string.
type cookieSyntax uint8

const (
	cookieOK         cookieSyntax = 0
	cookieInvalid    cookieSyntax = 1 << iota // outside the grammar
	cookieRepeatedAV                          // an attribute given twice
	cookieBadExpires                          // an Expires that is not an rfc1123-date
	cookieNoSecure                            // no Secure attribute
)

// checkSetCookie judges a Set-Cookie value against RFC 6265 §4.1.1 and
// returns its cookie-name:
//
//	set-cookie-string = cookie-pair *( ";" SP cookie-av )
//	cookie-pair       = cookie-name "=" cookie-value
//	cookie-name       = token
//	cookie-value      = *cookie-octet / ( DQUOTE *cookie-octet DQUOTE )
//	expires-av        = "Expires=" sane-cookie-date   (an rfc1123-date)
//	max-age-av        = "Max-Age=" non-zero-digit *DIGIT
//	domain-av         = "Domain=" domain-value        (a subdomain)
//	path-av           = "Path=" path-value
//	secure-av         = "Secure"
//	httponly-av       = "HttpOnly"
//	extension-av      = <any CHAR except CTLs or ";">
//
// Two tolerances, both described by RFC 6265 itself: "Max-Age=0", the way
// every server deletes a cookie (§5.2.2 reads it as "expire now"), and a
// Domain with a leading ".", which user agents ignore (§4.1.2.3). An
// Expires that is not an rfc1123-date is cookieBadExpires, not
// cookieInvalid (its own rule, with its own repair).
func checkSetCookie(v string) (name string, res cookieSyntax) {
	name, rest := responses.CutToken(v)
	if name == "" || rest == "" || rest[0] != '=' {
		return name, cookieInvalid
	}
	rest = rest[1:]
	quoted := rest != "" && rest[0] == '"'
	if quoted {
		rest = rest[1:]
	}
	i := 0
	for i < len(rest) && isCookieOctet(rest[i]) {
		i++
	}
	rest = rest[i:]
	if quoted {
		if rest == "" || rest[0] != '"' {
			return name, cookieInvalid
		}
		rest = rest[1:]
	}
	var seen uint8 // the known attributes met, as bits
	res = cookieNoSecure
	for rest != "" {
		if len(rest) < 2 || rest[0] != ';' || rest[1] != ' ' {
			return name, res | cookieInvalid
		}
		rest = rest[2:]
		j := strings.IndexByte(rest, ';')
		if j < 0 {
			j = len(rest)
		}
		av := rest[:j]
		rest = rest[j:]
		for k := 0; k < len(av); k++ {
			if !avChar(av[k]) {
				return name, res | cookieInvalid
			}
		}
		an, val, hasVal := strings.Cut(av, "=")
		bit := uint8(0)
		switch {
		case strings.EqualFold(an, "Expires") && hasVal:
			bit = 1
			if !responses.IsIMFFixdate(val) {
				res |= cookieBadExpires
			}
		case strings.EqualFold(an, "Max-Age") && hasVal:
			bit = 2
			if val != "0" && (val == "" || val[0] < '1' || val[0] > '9' || !responses.ValidDigits(val)) {
				res |= cookieInvalid
			}
		case strings.EqualFold(an, "Domain") && hasVal:
			bit = 4
			if !validCookieDomain(strings.TrimPrefix(val, ".")) {
				res |= cookieInvalid
			}
		case strings.EqualFold(an, "Path") && hasVal:
			bit = 8
		case strings.EqualFold(av, "Secure"):
			bit = 16
			res &^= cookieNoSecure
		case strings.EqualFold(av, "HttpOnly"):
			bit = 32
		case strings.EqualFold(an, "SameSite"):
			bit = 64
		}
		if bit != 0 {
			if seen&bit != 0 {
				res |= cookieRepeatedAV
			}
			seen |= bit
		}
	}
	return name, res
}

// validCookieDomain reports whether s is a subdomain (RFC 1034 §3.5 as
// relaxed by RFC 1123 §2.1: labels of letters, digits and hyphens, not
// starting or ending with a hyphen).
func validCookieDomain(s string) bool {
	if s == "" {
		return false
	}
	for s != "" {
		var label string
		label, s, _ = strings.Cut(s, ".")
		if label == "" || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// validViaElement reports whether e is one Via element (RFC 9110 §7.6.3):
//
//	received-protocol RWS received-by [ RWS comment ]
//	received-protocol = [ protocol-name "/" ] protocol-version
//	received-by       = pseudonym [ ":" port ] / uri-host [ ":" port ]
//
// received-by is checked as a token (which covers pseudonyms and names)
// or a bracketed IP literal, with an optional port.
func validViaElement(e string) bool {
	proto, rest := responses.CutToken(e)
	if proto == "" {
		return false
	}
	if rest != "" && rest[0] == '/' {
		if proto, rest = responses.CutToken(rest[1:]); proto == "" {
			return false
		}
	}
	if rest == "" || (rest[0] != ' ' && rest[0] != '\t') {
		return false
	}
	rest = skipOWS(rest)
	if rest != "" && rest[0] == '[' {
		j := strings.IndexByte(rest, ']')
		if j < 2 {
			return false
		}
		for _, c := range []byte(rest[1:j]) {
			if !(responses.IsTchar(c) || c == ':') {
				return false
			}
		}
		rest = rest[j+1:]
	} else {
		var by string
		if by, rest = responses.CutToken(rest); by == "" {
			return false
		}
	}
	if rest != "" && rest[0] == ':' {
		i := 1
		for i < len(rest) && '0' <= rest[i] && rest[i] <= '9' {
			i++
		}
		rest = rest[i:]
	}
	if rest == "" {
		return true
	}
	if rest[0] != ' ' && rest[0] != '\t' {
		return false
	}
	_, rest, ok := responses.CutComment(skipOWS(rest))
	return ok && trimOWS(rest) == ""
}

// validSFStringTokenList reports whether every line of vs is a structured
// field List (RFC 8941 §3.1) whose members are each a String or a Token,
// with parameters, as Proxy-Status (RFC 9209 §2) and Cache-Status
// (RFC 9211 §2) require:
//
//	sf-list    = list-member *( OWS "," OWS list-member )
//	member     = ( sf-string / sf-token ) parameters
//	parameters = *( ";" *SP key [ "=" bare-item ] )
//	key        = ( lcalpha / "*" ) *( lcalpha / DIGIT / "_" / "-" / "." / "*" )
//
// Bare items are checked as an integer, decimal, string, token, byte
// sequence or boolean by their first character and their characters.
func validSFStringTokenList(vs []string) bool {
	for _, v := range vs {
		s := strings.TrimLeft(v, " ")
		if s == "" {
			return false // an empty list is sent as no field (RFC 8941 §3.1)
		}
		for {
			var ok bool
			if s, ok = cutSFStringOrToken(s); !ok {
				return false
			}
			if s, ok = cutSFParams(s); !ok {
				return false
			}
			s = skipOWS(s)
			if s == "" {
				break
			}
			if s[0] != ',' {
				return false
			}
			s = skipOWS(s[1:])
			if s == "" {
				return false // a trailing comma
			}
		}
	}
	return true
}

// cutSFStringOrToken cuts an sf-string or sf-token from the start of s.
func cutSFStringOrToken(s string) (string, bool) {
	if s == "" {
		return s, false
	}
	if s[0] == '"' {
		for i := 1; i < len(s); i++ {
			switch c := s[i]; {
			case c == '"':
				return s[i+1:], true
			case c == '\\':
				i++
				if i == len(s) || (s[i] != '"' && s[i] != '\\') {
					return s, false
				}
			case c < 0x20 || c > 0x7e:
				return s, false
			}
		}
		return s, false
	}
	c := s[0]
	if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '*') {
		return s, false
	}
	i := 1
	for i < len(s) && (responses.IsTchar(s[i]) || s[i] == ':' || s[i] == '/') {
		i++
	}
	return s[i:], true
}

// cutSFParams cuts the parameters of a structured field item.
func cutSFParams(s string) (string, bool) {
	for s != "" && s[0] == ';' {
		s = strings.TrimLeft(s[1:], " ")
		if s == "" || !('a' <= s[0] && s[0] <= 'z' || s[0] == '*') {
			return s, false
		}
		i := 1
		for i < len(s) && ('a' <= s[i] && s[i] <= 'z' || '0' <= s[i] && s[i] <= '9' || strings.IndexByte("_-.*", s[i]) >= 0) {
			i++
		}
		s = s[i:]
		if s == "" || s[0] != '=' {
			continue // a boolean true
		}
		var ok bool
		if s, ok = cutSFBareItem(s[1:]); !ok {
			return s, false
		}
	}
	return s, true
}

// cutSFBareItem cuts a bare item (RFC 8941 §3.3).
func cutSFBareItem(s string) (string, bool) {
	if s == "" {
		return s, false
	}
	switch c := s[0]; {
	case c == '"' || c == '*' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		return cutSFStringOrToken(s)
	case c == '?':
		if len(s) < 2 || (s[1] != '0' && s[1] != '1') {
			return s, false
		}
		return s[2:], true
	case c == ':':
		j := strings.IndexByte(s[1:], ':')
		if j < 0 {
			return s, false
		}
		for _, b := range []byte(s[1 : j+1]) {
			if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '+' || b == '/' || b == '=') {
				return s, false
			}
		}
		return s[j+2:], true
	case c == '-' || '0' <= c && c <= '9':
		i := 0
		if c == '-' {
			i = 1
		}
		start, dot := i, -1
		for i < len(s) && ('0' <= s[i] && s[i] <= '9' || s[i] == '.' && dot < 0) {
			if s[i] == '.' {
				dot = i
			}
			i++
		}
		switch {
		case i == start, dot == start, dot == i-1:
			return s, false
		case dot < 0 && i-start > 15, dot >= 0 && (dot-start > 12 || i-dot-1 > 3):
			return s, false
		}
		return s[i:], true
	}
	return s, false
}

// directive is one cache-directive, token [ "=" ( token / quoted-string )
// ] (RFC 9111 §5.2).
type directive struct {
	name, value string // the value without the quotes of a quoted-string (escapes kept)
	hasValue    bool   // "name=..." rather than "name"
	quoted      bool   // the value was a quoted-string
}

// cutDirective parses a cache-directive; ok is false when e does not
// follow the grammar.
func cutDirective(e string) (d directive, ok bool) {
	name, arg, hasArg, ok := responses.ParseCacheDirective(e)
	d.name, d.hasValue = name, hasArg
	if !ok {
		return d, false
	}
	if hasArg && arg[0] == '"' {
		arg, d.quoted = arg[1:len(arg)-1], true
	}
	d.value = arg
	return d, true
}

// ccDirectives walks the directives of every Cache-Control line of vs,
// calling f for each well-formed one until f returns false.
func ccDirectives(vs []string, f func(d directive) bool) {
	for _, v := range vs {
		for rest := v; rest != ""; {
			var e string
			e, rest = responses.NextListElement(rest)
			if d, ok := cutDirective(e); ok && !f(d) {
				return
			}
		}
	}
}
