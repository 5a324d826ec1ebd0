package audit

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Levels of a Finding, as RFC 9110 writes them.
const (
	LevelMust   = "MUST"
	LevelShould = "SHOULD"
	LevelMay    = "MAY"
)

// Finding is one requirement one response broke.
type Finding struct {
	// URL and Method are those of the request.
	URL    string `json:"url"`
	Method string `json:"method"`
	// Status is the status code of the response (of the interim
	// response, for a finding about one).
	Status int `json:"status"`
	// Rule is the ID of the rule, as the normalize handler names it.
	Rule string `json:"rule"`
	// Level is MUST, SHOULD or MAY.
	Level string `json:"level"`
	// Ref is the section of the specification, e.g. "RFC 9110 §15.5.6".
	Ref string `json:"ref"`
	// Detail says what was seen.
	Detail string `json:"detail"`

	// Field is the header field concerned, if any.
	Field string `json:"-"`
	// Summary says in a few words what breaks the rule.
	Summary string `json:"-"`
}

// describe says what was seen of a broken rule: the values of field as
// sent, its absence, the content, or the status.
func describe(field string, status int, h http.Header, hasContent bool) string {
	switch {
	case field == "" && hasContent:
		return contentFollowed
	case field == "":
		return "status " + strconv.Itoa(status)
	}
	values := h[http.CanonicalHeaderKey(field)]
	if strings.EqualFold(field, "WWW-Authenticate") {
		field = "WWW-Authenticate" // as RFC 9110 spells it
	}
	if len(values) == 0 {
		return "no " + field + " field"
	}
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = strconv.Quote(v)
	}
	return fmt.Sprintf("%s %s", field, strings.Join(quoted, ", "))
}

// contentFollowed is the detail of content where none may be; the
// caller, which knows how much, says so.
const contentFollowed = "content followed the header section"
