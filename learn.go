package caddynormalize

import (
	"fmt"
	"strconv"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/respnorm/caddy-normalize/normalize"
)

// LearnAllow configures the learned Allow: per resource (host and path),
// the handler remembers what the origin said of its methods, the Allow it
// sent on a 405 or on a successful answer to OPTIONS and the methods it
// refused with 405, and the Allow it adds to a 405 (or to a 2xx to
// OPTIONS) is then the origin's own for that resource, or else the
// configured allow, less every method the origin refused there. It never
// sends a request of its own. It refines allow: without allow, nothing is
// added. The memory is an LRU of Size resources whose facts each expire
// TTL after the response that taught them (Allow lists the methods
// supported "at the time of each request", RFC 9110 §10.2.1); it starts
// empty on each config load.
//
// On by default: it only listens, only narrows or replaces the configured
// list with the origin's own words, and keeps an added Allow from naming a
// method the origin has just refused, which a site-wide list does for most
// resources of a real application.
type LearnAllow struct {
	// Disabled turns learning off: the configured allow is added as it
	// is (less the refused method).
	Disabled bool `json:"disabled,omitempty"`
	// Size is the number of resources remembered, the least recently
	// used forgotten first. Default: 4096.
	Size int `json:"size,omitempty"`
	// TTL is how long each learned fact is kept. Default: 10m.
	TTL caddy.Duration `json:"ttl,omitempty"`
}

// validate checks the configuration.
func (l *LearnAllow) validate() error {
	if l == nil {
		return nil
	}
	if l.Size < 0 {
		return fmt.Errorf("learn_allow: size %d is negative", l.Size)
	}
	if l.TTL < 0 {
		return fmt.Errorf("learn_allow: ttl %v is negative", time.Duration(l.TTL))
	}
	return nil
}

// learner returns a fresh learner for the configuration; nil when it is
// disabled.
func (l *LearnAllow) learner() *normalize.AllowLearner {
	if l == nil {
		return normalize.NewAllowLearner(0, 0)
	}
	if l.Disabled {
		return nil
	}
	return normalize.NewAllowLearner(l.Size, time.Duration(l.TTL))
}

// unmarshalLearnAllow parses the learn_allow sub-directive:
//
//	learn_allow off
//	learn_allow [on] {
//		size <resources>
//		ttl <duration>
//	}
func unmarshalLearnAllow(d *caddyfile.Dispenser) (*LearnAllow, error) {
	l := new(LearnAllow)
	if d.NextArg() {
		switch d.Val() {
		case "on":
		case "off":
			l.Disabled = true
		default:
			return nil, d.Errf("learn_allow: unknown value %q: want on or off", d.Val())
		}
		if d.NextArg() {
			return nil, d.ArgErr()
		}
	}
	seen := map[string]bool{}
	for nesting := d.Nesting(); d.NextBlock(nesting); {
		key := d.Val()
		if l.Disabled {
			return nil, d.Errf("learn_allow: %s given with off", key)
		}
		if seen[key] {
			return nil, d.Errf("learn_allow: %s is given twice", key)
		}
		seen[key] = true
		if !d.NextArg() {
			return nil, d.ArgErr()
		}
		v := d.Val()
		if d.NextArg() {
			return nil, d.ArgErr()
		}
		switch key {
		case "size":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return nil, d.Errf("learn_allow: size %q is not a positive number of resources", v)
			}
			l.Size = n
		case "ttl":
			dur, err := caddy.ParseDuration(v)
			if err != nil || dur <= 0 {
				return nil, d.Errf("learn_allow: ttl %q is not a positive duration such as 90s or 10m", v)
			}
			l.TTL = caddy.Duration(dur)
		default:
			return nil, d.Errf("learn_allow: unrecognized subdirective %q; want size or ttl", key)
		}
	}
	return l, nil
}
