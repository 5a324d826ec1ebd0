package normalize

import (
	"net/http"
	"strings"

	"github.com/respnorm/caddy-normalize/responses"
)

// Cache-Control (RFC 9111 §5.2), as the cache-control rules read it:
//
//	Cache-Control   = #cache-directive
//	cache-directive = token [ "=" ( token / quoted-string ) ]
//
// Directive names compare case-insensitively (§5.2): "Max-Age=60" is
// valid and passes as it is. Scanning never allocates.

// ccElem is one element of a Cache-Control line.
type ccElem struct {
	name   string // the directive name as written
	arg    string // the argument as written, quotes included; "" if none
	argOff int    // where arg starts in the line
	hasArg bool
	quoted bool // arg is a quoted-string
	ok     bool // the element matches cache-directive
}

// ccNext returns the element of line that starts at or after pos, and the
// position after it; more is false when the line has no element left.
// Elements are separated by commas outside quoted strings; empty elements
// are skipped (recipients must accept them, RFC 9110 §5.6.1.2).
func ccNext(line string, pos int) (e ccElem, next int, more bool) {
	for {
		for pos < len(line) && (line[pos] == ' ' || line[pos] == '\t') {
			pos++
		}
		if pos >= len(line) {
			return ccElem{}, pos, false
		}
		if line[pos] != ',' {
			break
		}
		pos++
	}
	// The element runs to the next comma outside a quoted string.
	end, inQuote := pos, false
scan:
	for ; end < len(line); end++ {
		c := line[end]
		switch {
		case inQuote && c == '\\' && end+1 < len(line):
			end++
		case c == '"':
			inQuote = !inQuote
		case c == ',' && !inQuote:
			break scan
		}
	}
	next = end
	piece := line[pos:end]
	for piece != "" && (piece[len(piece)-1] == ' ' || piece[len(piece)-1] == '\t') {
		piece = piece[:len(piece)-1]
	}
	n := 0
	for n < len(piece) && responses.IsTchar(piece[n]) {
		n++
	}
	e.name = piece[:n]
	switch {
	case n == 0:
	case n == len(piece):
		e.ok = true
	case piece[n] == '=':
		e.hasArg, e.arg, e.argOff = true, piece[n+1:], pos+n+1
		switch {
		case e.arg == "":
		case e.arg[0] == '"':
			e.quoted = true
			e.ok = responses.ValidQuotedString(e.arg)
		default:
			e.ok = responses.ValidToken(e.arg)
		}
	}
	return e, next, true
}

// hasFold reports whether s contains sub, sub being lower case ASCII,
// without regard to case. It is the cheap test before a scan.
func hasFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i]|0x20 == sub[0] && strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

// ccAnyWith is ccAny for h's lines that contain one of subs (lower
// case), which the elements f looks for must contain.
func ccAnyWith(h http.Header, f func(e ccElem) bool, subs ...string) bool {
	for _, line := range h[responses.HeaderCacheControl] {
		found := false
		for _, sub := range subs {
			if hasFold(line, sub) {
				found = true
				break
			}
		}
		if !found {
			continue
		}
		for e, pos, more := ccNext(line, 0); more; e, pos, more = ccNext(line, pos) {
			if e.ok && f(e) {
				return true
			}
		}
	}
	return false
}

// The kinds of argument the registered response directives take.
const (
	ccUnknown = iota
	ccFlag    // no argument
	ccDelta   // delta-seconds, token form only for max-age and s-maxage
	ccList    // an optional field list, quoted-string form
)

// ccKnown lists the response directives of RFC 9111 §5.2.2, RFC 8246
// (immutable) and RFC 5861 (stale-while-revalidate, stale-if-error).
var ccKnown = [...]struct {
	name string
	kind int
}{
	{"max-age", ccDelta}, {"s-maxage", ccDelta}, {"no-cache", ccList}, {"private", ccList},
	{"no-store", ccFlag}, {"no-transform", ccFlag}, {"must-revalidate", ccFlag},
	{"proxy-revalidate", ccFlag}, {"must-understand", ccFlag}, {"public", ccFlag},
	{"immutable", ccFlag}, {"stale-while-revalidate", ccDelta}, {"stale-if-error", ccDelta},
}

// ccKind returns the kind of directive name and its lower-case name.
func ccKind(name string) (int, string) {
	for _, k := range ccKnown {
		if strings.EqualFold(name, k.name) {
			return k.kind, k.name
		}
	}
	return ccUnknown, ""
}

// ccIsAge reports whether name is max-age or s-maxage, whose argument
// senders must write in token form (RFC 9111 §5.2.2.1, §5.2.2.10).
func ccIsAge(name string) bool {
	return strings.EqualFold(name, "max-age") || strings.EqualFold(name, "s-maxage")
}

// ccIsList reports whether name is no-cache or private, whose field list
// senders should write as a quoted-string (§5.2.2.4, §5.2.2.7).
func ccIsList(name string) bool {
	return strings.EqualFold(name, "no-cache") || strings.EqualFold(name, "private")
}

// ccLineInvalid reports whether a Cache-Control line breaks the grammar,
// or gives max-age or s-maxage something other than delta-seconds.
func ccLineInvalid(line string) bool {
	for e, pos, more := ccNext(line, 0); more; e, pos, more = ccNext(line, pos) {
		if !e.ok {
			return true
		}
		if ccIsAge(e.name) {
			switch {
			case !e.hasArg:
				return true
			case e.quoted:
				if !responses.ValidDigits(e.arg[1 : len(e.arg)-1]) {
					return true
				}
			case !responses.ValidDigits(e.arg):
				return true
			}
		}
	}
	return false
}

// ccRewrite rewrites a Cache-Control line that breaks the grammar when
// what it means is unambiguous: every piece, the line split on commas and
// semicolons, is a registered directive with an argument of its kind,
// white space around "=" aside. Names come out in lower case, max-age in
// token form, field lists quoted. It returns false for anything else.
func ccRewrite(line string) (string, bool) {
	var b strings.Builder
	pos := 0
	for pos <= len(line) {
		end, inQuote := pos, false
		for ; end < len(line); end++ {
			c := line[end]
			if inQuote && c == '\\' {
				end++
				continue
			}
			if c == '"' {
				inQuote = !inQuote
			}
			if !inQuote && (c == ',' || c == ';') {
				break
			}
		}
		if inQuote {
			return "", false
		}
		piece := strings.Trim(line[pos:min(end, len(line))], " \t")
		pos = end + 1
		if piece == "" {
			continue
		}
		name, arg, hasArg := strings.Cut(piece, "=")
		name, arg = strings.TrimRight(name, " \t"), strings.TrimLeft(arg, " \t")
		kind, canon := ccKind(name)
		if !responses.ValidToken(name) || kind == ccUnknown {
			return "", false
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(canon)
		switch {
		case !hasArg && kind != ccDelta:
		case !hasArg:
			return "", false
		case kind == ccFlag:
			return "", false
		case kind == ccDelta && responses.ValidDigits(arg):
			b.WriteString("=" + arg)
		case kind == ccDelta && responses.ValidQuotedString(arg) && responses.ValidDigits(arg[1:len(arg)-1]):
			b.WriteString("=" + arg[1:len(arg)-1])
		case kind == ccList && responses.ValidToken(arg):
			b.WriteString(`="` + arg + `"`)
		case kind == ccList && responses.ValidQuotedString(arg):
			b.WriteString("=" + arg)
		default:
			return "", false
		}
	}
	if b.Len() == 0 {
		return "", false
	}
	return b.String(), true
}

// ccAny reports whether an element of any Cache-Control line of h
// satisfies f.
func ccAny(h http.Header, f func(e ccElem) bool) bool {
	for _, line := range h[responses.HeaderCacheControl] {
		for e, pos, more := ccNext(line, 0); more; e, pos, more = ccNext(line, pos) {
			if e.ok && f(e) {
				return true
			}
		}
	}
	return false
}

// ccEdit rewrites, in every Cache-Control line of h, the arguments of the
// elements for which f returns a new argument and true. It returns false,
// changing nothing, when f fails (its second result is false while its
// third is true) for any element.
func ccEdit(h http.Header, f func(e ccElem) (arg string, change, fail bool)) bool {
	lines := h[responses.HeaderCacheControl]
	out := make([]string, len(lines))
	for i, line := range lines {
		var b strings.Builder
		last := 0
		for e, pos, more := ccNext(line, 0); more; e, pos, more = ccNext(line, pos) {
			if !e.ok {
				continue
			}
			arg, change, fail := f(e)
			if fail {
				return false
			}
			if change {
				b.WriteString(line[last:e.argOff])
				b.WriteString(arg)
				last = e.argOff + len(e.arg)
			}
		}
		if last == 0 {
			out[i] = line
			continue
		}
		b.WriteString(line[last:])
		out[i] = b.String()
	}
	copy(lines, out)
	return true
}
