package responses

// TEMPORARY stub until the negotiation work lands; removed at merge.

import (
	"net/http"
	"strconv"
)

type Format int

const (
	FormatAuto Format = iota
	FormatProblem
	FormatJSON
	FormatHTML
	FormatText
)

func ParseFormat(s string) (Format, error) { return FormatAuto, nil }

func WriteError(w http.ResponseWriter, r *http.Request, code int, detail string, f Format) {
	body := strconv.Itoa(code) + " " + Reason(code) + "\n"
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(code)
	w.Write([]byte(body))
}

func Negotiate(accept string) Format { return FormatText }
