package responses

// ValidETag reports whether value is an entity-tag (RFC 9110 §8.8.3):
//
//	entity-tag = [ weak ] opaque-tag
//	weak       = %s"W/"
//	opaque-tag = DQUOTE *etagc DQUOTE
//	etagc      = %x21 / %x23-7E / obs-text
//
// W/"" and "" are entity-tags. It does not allocate.
func ValidETag(value string) bool {
	if len(value) >= 2 && value[0] == 'W' && value[1] == '/' {
		value = value[2:]
	}
	if len(value) < 2 || value[0] != '"' || value[len(value)-1] != '"' {
		return false
	}
	return etagChars(value[1 : len(value)-1])
}

// etagChars reports whether every byte of s is an etagc.
func etagChars(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x21 || c == '"' || c == 0x7f {
			return false
		}
	}
	return true
}

// ValidOpaqueTagChars reports whether s, non-empty, could be quoted as an
// opaque-tag as it is: it holds only etagc (no DQUOTE, no white space, no
// control character).
func ValidOpaqueTagChars(s string) bool { return s != "" && etagChars(s) }
