package normalize

import (
	"strconv"
	"strings"

	"github.com/respnorm/caddy-normalize/responses"
)

// RuleAgeInvalid: an Age that is not delta-seconds, 1*DIGIT (RFC 9111
// §5.1, §1.2.2). A recipient cannot use such a value and takes the age
// as unknown. Enforce rounds a decimal number of seconds ("12.3") up,
// which keeps the response no fresher than it is, and removes anything
// else ("-1", "5s", "old"), which leaves a cache to compute the age from
// Date as it would anyway. A huge number is valid: caches read it as
// 2^31 (§1.2.2). Repeated lines that differ are field-repeated's.
var RuleAgeInvalid = register(&rule{
	ID:       "age-invalid",
	Ref:      "RFC 9111 §5.1",
	Level:    responses.Must,
	Summary:  "Age is not delta-seconds",
	Fix:      "rounds a decimal up; removes anything else",
	Triggers: []string{"Age"},
	Detect: func(r *response) bool {
		v := r.Header["Age"]
		if len(v) == 0 || len(v) > 1 && !repeatedSame(v) {
			return false
		}
		return !responses.ValidDigits(v[0])
	},
	Repair: func(r *response, _ *values) bool {
		if s, ok := roundUpSeconds(r.Header["Age"][0]); ok {
			r.Header["Age"] = []string{s}
		} else {
			delete(r.Header, "Age")
		}
		return true
	},
})

// roundUpSeconds turns a non-negative decimal number of seconds
// ("12.3") into delta-seconds, rounded up ("13").
func roundUpSeconds(s string) (string, bool) {
	whole, frac, ok := strings.Cut(strings.TrimSpace(s), ".")
	if !ok || !responses.ValidDigits(whole) || !responses.ValidDigits(frac) {
		return "", false
	}
	n, err := strconv.ParseUint(whole, 10, 63)
	if err != nil {
		return "", false
	}
	if strings.Trim(frac, "0") != "" {
		n++
	}
	return strconv.FormatUint(n, 10), true
}
