package responses

import (
	"errors"
	"strconv"
)

// Format is the media type of a generated error body.
type Format int

// The formats of generated error bodies. FormatAuto is not a format of
// its own: it stands for the one Negotiate picks from the request's
// Accept field.
const (
	FormatAuto    Format = iota // negotiated on Accept
	FormatProblem               // application/problem+json (RFC 9457)
	FormatJSON                  // application/json, the same members
	FormatHTML                  // a small HTML5 page
	FormatText                  // plain text
)

// ErrFormat is returned by ParseFormat for a name it does not know.
var ErrFormat = errors.New(`responses: format is not one of "auto", "problem", "json", "html", "text"`)

var formatNames = [...]string{
	FormatAuto:    "auto",
	FormatProblem: "problem",
	FormatJSON:    "json",
	FormatHTML:    "html",
	FormatText:    "text",
}

var formatTypes = [...]string{
	FormatAuto:    "",
	FormatProblem: "application/problem+json",
	FormatJSON:    "application/json",
	FormatHTML:    "text/html; charset=utf-8",
	FormatText:    "text/plain; charset=utf-8",
}

// ParseFormat returns the format named s: "auto", "problem", "json",
// "html" or "text", in any case.
func ParseFormat(s string) (Format, error) {
	for f, name := range formatNames {
		if equalFoldASCII(s, name) {
			return Format(f), nil
		}
	}
	return FormatAuto, ErrFormat
}

func (f Format) valid() bool { return f >= FormatAuto && f <= FormatText }

// String returns the format's name as ParseFormat reads it, e.g. "json".
func (f Format) String() string {
	if !f.valid() {
		return "Format(" + strconv.Itoa(int(f)) + ")"
	}
	return formatNames[f]
}

// ContentType returns the Content-Type of a body in format f, e.g.
// "application/problem+json". FormatAuto and invalid formats have none:
// resolve them first with Resolve.
func (f Format) ContentType() string {
	if !f.valid() {
		return ""
	}
	return formatTypes[f]
}

// Resolve returns the format to write to a request whose Accept field
// is accept: f itself, or for FormatAuto the format Negotiate picks. An
// invalid f resolves to FormatText. The result is never FormatAuto.
func (f Format) Resolve(accept string) Format {
	switch {
	case f == FormatAuto:
		return Negotiate(accept)
	case f.valid():
		return f
	}
	return FormatText
}

// ResolveLike is Resolve for a body generated in place of content of
// media type like (its Content-Type; "" for none): when f is FormatAuto
// and the client accepts anything (only "*/*" names the format Negotiate
// would pick, or there is no Accept at all), the generated body keeps
// like's media family: JSON (application/json, +json) gives
// FormatProblem, HTML gives FormatHTML, anything else FormatText.
// Replacing a JSON error with plain text for `Accept: */*` (what curl
// and python-requests send) would lose what the client could read.
func (f Format) ResolveLike(accept, like string) Format {
	if f != FormatAuto {
		return f.Resolve(accept)
	}
	g, _ := negotiate(accept, like)
	return g
}

// MarshalText encodes f as its name, so that it reads and writes as a
// string in JSON configuration.
func (f Format) MarshalText() ([]byte, error) {
	if !f.valid() {
		return nil, ErrFormat
	}
	return []byte(formatNames[f]), nil
}

// UnmarshalText decodes a name as ParseFormat does.
func (f *Format) UnmarshalText(b []byte) error {
	v, err := ParseFormat(string(b))
	if err != nil {
		return err
	}
	*f = v
	return nil
}
