package normalize

import (
	"math/bits"
	"net/http"
	"sync"

	"github.com/respnorm/caddy-normalize/responses"
)

// Violation is one rule a response breaks.
type Violation struct {
	// Rule is the rule that is broken; Rule.ID() names it stably.
	Rule Rule
}

// Ref returns the section of the specification the violation breaks.
func (v Violation) Ref() string { return v.Rule.Ref() }

// Level returns whether the broken requirement is a MUST, SHOULD or MAY.
func (v Violation) Level() responses.Level { return v.Rule.Level() }

// String describes the violation, e.g. "allow-missing (RFC 9110 §15.5.6 MUST)".
func (v Violation) String() string {
	return v.Rule.ID() + " (" + v.Rule.Ref() + " " + v.Rule.Level().String() + ")"
}

// Check returns the rules a response with status code and header fields h,
// to req, breaks, in the order of Rules. hasContent says whether content
// follows the header section. A conformant response gives nil. req may be
// nil, for a GET over HTTP/1.1.
func Check(req *http.Request, code int, h http.Header, hasContent bool) []Violation {
	return AppendViolations(nil, req, code, h, hasContent)
}

// AppendViolations is Check that appends to dst and returns the extended
// slice. With a dst of enough capacity it does not allocate.
func AppendViolations(dst []Violation, req *http.Request, code int, h http.Header, hasContent bool) []Violation {
	r := responsePool.Get().(*response)
	*r = response{Request: req, Method: http.MethodGet, Status: code, Header: h, Proto: ProtocolOf(req), HasContent: hasContent, ContentKnown: true}
	if req != nil {
		r.Method = req.Method
	}
	broken, _, _ := detect(r, candidates(r))
	*r = response{}
	responsePool.Put(r)
	for wi, word := range broken {
		for word != 0 {
			dst = append(dst, Violation{Rule: Rule(wi*64 + bits.TrailingZeros64(word))})
			word &= word - 1
		}
	}
	return dst
}

// responsePool keeps Check from allocating the response the rules judge
// (they take a pointer to it through function values).
var responsePool = sync.Pool{New: func() any { return new(response) }}

// candidates returns the rules that can apply to r: those of its status,
// method and protocol, less the rules triggered by fields r lacks. The
// cost is a few word operations per response, and one map lookup per
// field or per trigger field (the fewer) when the status has triggered
// rules: never a loop over every rule.
func candidates(r *response) ruleSet {
	slot := invalidSlot
	if responses.ValidCode(r.Status) {
		slot = r.Status - 100
	}
	s := byStatus[slot].and(byMethod[methodIndex(r.Method)]).and(byProto[bits.TrailingZeros8(uint8(r.Proto))&3])
	if t := s.and(triggered); !t.empty() {
		by, multi := triggeredBy(r.Header, statusTriggers[slot])
		s = s.andNot(triggered).or(t.and(by))
		r.multiLine = multi
	}
	return s
}

// triggeredBy returns the rules of triggers whose field h has, and
// whether one of those fields is on more than one line: a lookup per
// trigger field, or, when there are many more trigger fields than fields
// in h, a look at each field of h (iterating a map costs a few lookups
// per field).
func triggeredBy(h http.Header, triggers []trigger) (t ruleSet, multiLine bool) {
	if 4*len(h) < len(triggers) {
		for k, v := range h {
			for i := range triggers {
				if triggers[i].field == k {
					t = t.or(triggers[i].rules)
					multiLine = multiLine || len(v) > 1
					break
				}
			}
		}
		return t, multiLine
	}
	for i := range triggers {
		if v, ok := h[triggers[i].field]; ok {
			t = t.or(triggers[i].rules)
			multiLine = multiLine || len(v) > 1
		}
	}
	return t, multiLine
}

// detect returns the rules of cand that r breaks, and the rule that
// forbids content in r, if any, among cand. Every rule judges the
// response as the handler wrote it: detection comes before any repair.
func detect(r *response, cand ruleSet) (broken ruleSet, content Rule, forbidden bool) {
	for wi, word := range cand {
		for word != 0 {
			rl := Rule(wi*64 + bits.TrailingZeros64(word))
			word &= word - 1
			def := registry[rl]
			if def.When != nil && !def.When(r) {
				continue
			}
			if def.Content && !forbidden {
				content, forbidden = rl, true
			}
			if def.Detect != nil && def.Detect(r) {
				broken.add(rl)
			}
		}
	}
	return broken, content, forbidden
}

// Method slots of the index: knownMethods, then every other method.
const otherMethodSlot = 9

func methodIndex(m string) int {
	switch m {
	case "GET":
		return 0
	case "HEAD":
		return 1
	case "POST":
		return 2
	case "PUT":
		return 3
	case "DELETE":
		return 4
	case "CONNECT":
		return 5
	case "OPTIONS":
		return 6
	case "TRACE":
		return 7
	case "PATCH":
		return 8
	}
	return otherMethodSlot
}
