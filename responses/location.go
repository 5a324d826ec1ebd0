package responses

import "strings"

// ValidLocation reports whether value is a URI-reference (RFC 3986 §4.1),
// as Location requires (RFC 9110 §10.2.2): only URI characters, every
// percent sign starting a percent-encoding, and at most one "#".
func ValidLocation(value string) bool {
	fragment := false
	for i := 0; i < len(value); i++ {
		c := value[i]
		switch {
		case c == '%':
			if i+2 >= len(value) || !isHex(value[i+1]) || !isHex(value[i+2]) {
				return false
			}
			i += 2
		case c == '#':
			if fragment {
				return false
			}
			fragment = true
		case !uriChar(c):
			return false
		}
	}
	return true
}

// RepairLocation turns value into a valid URI-reference by
// percent-encoding every byte that may not stand in one (spaces, control
// characters, bytes above 0x7E, a "%" that starts no percent-encoding, a
// second "#"), leaving everything that was valid as it was. A valid value
// comes back unchanged.
func RepairLocation(value string) string {
	if ValidLocation(value) {
		return value
	}
	var b strings.Builder
	b.Grow(len(value) + 16)
	fragment := false
	for i := 0; i < len(value); i++ {
		c := value[i]
		switch {
		case c == '%' && i+2 < len(value) && isHex(value[i+1]) && isHex(value[i+2]):
			b.WriteString(value[i : i+3])
			i += 2
		case c == '#' && !fragment:
			fragment = true
			b.WriteByte(c)
		case c != '%' && c != '#' && uriChar(c):
			b.WriteByte(c)
		default:
			const hex = "0123456789ABCDEF"
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0x0f])
		}
	}
	return b.String()
}

// uriChar reports whether c is an unreserved or reserved URI character
// (RFC 3986 §2.2, §2.3), "%" and "#" excepted.
func uriChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~:/?[]@!$&'()*+,;=", c) >= 0
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
