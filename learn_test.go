package caddynormalize

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// TestCaddyfileLearnAllow: learn_allow, Caddyfile to the handler's JSON.
func TestCaddyfileLearnAllow(t *testing.T) {
	for _, tc := range []struct {
		block string
		want  *LearnAllow
	}{
		{"allow GET", nil},
		{"learn_allow off", &LearnAllow{Disabled: true}},
		{"learn_allow on", &LearnAllow{}},
		{"learn_allow {\n\t\tsize 100\n\t\tttl 90s\n\t}", &LearnAllow{Size: 100, TTL: caddy.Duration(90 * time.Second)}},
		{"learn_allow on {\n\t\tttl 1h\n\t}", &LearnAllow{TTL: caddy.Duration(time.Hour)}},
	} {
		var h Handler
		if err := h.UnmarshalCaddyfile(caddyfile.NewTestDispenser("normalize {\n\t" + tc.block + "\n}")); err != nil {
			t.Errorf("%q: %v", tc.block, err)
			continue
		}
		if !reflect.DeepEqual(h.LearnAllow, tc.want) {
			t.Errorf("%q: %+v, want %+v", tc.block, h.LearnAllow, tc.want)
		}
		if err := h.Validate(); err != nil {
			t.Errorf("%q: Validate: %v", tc.block, err)
		}
	}
	// Through the adapter, as JSON.
	got := adaptedHandler(t, ":80 {\n\tnormalize {\n\t\tallow GET\n\t\tlearn_allow {\n\t\t\tsize 10\n\t\t\tttl 2m\n\t\t}\n\t}\n}\n")
	b, _ := json.Marshal(got["learn_allow"])
	if string(b) != `{"size":10,"ttl":120000000000}` {
		t.Errorf("learn_allow in JSON: %s", b)
	}
}

// TestCaddyfileLearnAllowErrors: what learn_allow refuses, naming the
// token and the valid choices.
func TestCaddyfileLearnAllowErrors(t *testing.T) {
	for block, want := range map[string]string{
		"learn_allow maybe":                          `unknown value "maybe": want on or off`,
		"learn_allow on off":                         "wrong argument count",
		"learn_allow off {\n\t\tsize 3\n\t}":         "size given with off",
		"learn_allow {\n\t\tsize 0\n\t}":             `size "0" is not a positive number`,
		"learn_allow {\n\t\tsize lots\n\t}":          `size "lots" is not a positive number`,
		"learn_allow {\n\t\tttl soon\n\t}":           `ttl "soon" is not a positive duration`,
		"learn_allow {\n\t\tttl -1s\n\t}":            `ttl "-1s" is not a positive duration`,
		"learn_allow {\n\t\tsize 1\n\t\tsize 2\n\t}": "size is given twice",
		"learn_allow {\n\t\tcolor red\n\t}":          `unrecognized subdirective "color"; want size or ttl`,
		"learn_allow {\n\t\tttl\n\t}":                "wrong argument count",
		"learn_allow\n\tlearn_allow off":             "learn_allow is given twice",
	} {
		var h Handler
		err := h.UnmarshalCaddyfile(caddyfile.NewTestDispenser("normalize {\n\t" + block + "\n}"))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want an error with %q", block, err, want)
		}
	}
	// JSON is checked by Validate and Provision.
	for _, l := range []*LearnAllow{{Size: -1}, {TTL: -1}} {
		h := &Handler{LearnAllow: l}
		if err := h.Validate(); err == nil || !strings.Contains(err.Error(), "learn_allow") {
			t.Errorf("%+v: Validate %v, want a learn_allow error", l, err)
		}
		ctx, cancel := caddy.NewContext(caddy.Context{Context: context.Background()})
		if err := h.Provision(ctx); err == nil {
			t.Errorf("%+v: Provision succeeded", l)
		}
		cancel()
	}
}

// TestLearnAllowDefaultOn: a handler learns unless told not to.
func TestLearnAllowDefaultOn(t *testing.T) {
	if (*LearnAllow)(nil).learner() == nil {
		t.Error("no learner by default")
	}
	if (&LearnAllow{Disabled: true}).learner() != nil {
		t.Error("a learner with learn_allow off")
	}
}
