package responses_test

import (
	"net/http"
	"strings"
)

const date = "Sun, 06 Nov 1994 08:49:37 GMT"

// hdr builds a header from "Name: value" lines; a name may repeat.
func hdr(lines ...string) http.Header {
	h := http.Header{}
	for _, l := range lines {
		name, value, _ := strings.Cut(l, ":")
		h.Add(name, strings.TrimPrefix(value, " "))
	}
	return h
}
