package caddytest

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
)

// A config load returns before the old config's servers have closed
// their listeners. On Linux every config binds its own socket with
// SO_REUSEPORT, so for a while the old and the new socket share a port
// and the kernel hands each new connection to either. Caddy's http app
// only waits, when it stops, until the goroutines that shut the old
// servers down have started (modules/caddyhttp/app.go: "the scheduler
// might still pause them right before calling Shutdown()"); and even once
// Shutdown has closed a listener (caddy.ListenerUsage drops), the socket
// stays open in the kernel until the goroutine blocked in its Accept has
// been woken and let go of it (internal/poll closes a descriptor on its
// last reference). A connection that lands on the old socket meanwhile
// is reset when the socket closes ("connection reset by peer"), or is
// accepted and then dropped without a response by net/http, which
// answers nothing once Shutdown has begun (an empty raw response). The
// first request a test made after a load met either once in a few runs.
// So a load is complete, for the tests, when the old config's listeners
// are gone: by Caddy's count and, on Linux, from the kernel's table of
// listening sockets.

// httpListenAddrs returns the network addresses the running config's
// HTTP servers listen on over TCP; none when Caddy is not running or has
// no HTTP app. (HTTP/3's QUIC listener is shared across configs, not
// rebound, and has no such moment.)
func httpListenAddrs() []caddy.NetworkAddress {
	res, err := (&http.Client{Timeout: ioTimeout}).Get("http://" + adminAddr + "/config/apps/http/servers")
	if err != nil {
		return nil
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		return nil
	}
	var servers map[string]struct {
		Listen []string `json:"listen"`
	}
	if json.Unmarshal(body, &servers) != nil {
		return nil
	}
	var addrs []caddy.NetworkAddress
	for _, s := range servers {
		for _, l := range s.Listen {
			na, err := caddy.ParseNetworkAddress(l)
			if err != nil {
				continue
			}
			addrs = append(addrs, na.Expand()...)
		}
	}
	return addrs
}

// listenerKeys returns the keys under which Caddy counts the listeners
// of addrs (network, host:port), as caddy.ListenerUsage takes them.
func listenerKeys(addrs []caddy.NetworkAddress) map[[2]string]bool {
	keys := make(map[[2]string]bool, len(addrs))
	for _, a := range addrs {
		keys[[2]string{a.Network, a.JoinHostPort(0)}] = true
	}
	return keys
}

// awaitOldListeners waits, up to ioTimeout, until the listeners of the
// config that ran before a load (before, from httpListenAddrs) are
// closed: every listener key is used exactly once if the running config
// listens on it, and not at all otherwise. Caddy's own http app asks
// caddy.ListenerUsage the same question when it decides whether a
// listener continues through a reload.
func awaitOldListeners(t testing.TB, before []caddy.NetworkAddress) {
	t.Helper()
	now := listenerKeys(httpListenAddrs())
	all := listenerKeys(before)
	for k := range now {
		all[k] = true
	}
	deadline := time.Now().Add(ioTimeout)
	for {
		var pending []string
		for k := range all {
			want := 0
			if now[k] {
				want = 1
			}
			if got := caddy.ListenerUsage(k[0], k[1]); got != want {
				pending = append(pending, fmt.Sprintf("%s/%s used %d times, want %d", k[0], k[1], got, want))
			}
		}
		pending = append(pending, extraListeningSockets(now)...)
		if len(pending) == 0 {
			return
		}
		if time.Now().After(deadline) {
			slices.Sort(pending)
			t.Fatalf("the previous config's listeners are still open %v after the load: %s", ioTimeout, strings.Join(pending, "; "))
		}
		time.Sleep(time.Millisecond)
	}
}

// extraListeningSockets compares, on Linux, the kernel's listening TCP
// sockets (/proc/net/tcp and tcp6: this process's, in the tests' network
// namespace) on each port of keys with the number of keys on that port,
// and describes every port with more. Elsewhere it has nothing to say.
func extraListeningSockets(keys map[[2]string]bool) []string {
	want := map[int]int{}
	for k := range keys {
		if _, p, err := net.SplitHostPort(k[1]); err == nil && strings.HasPrefix(k[0], "tcp") {
			if port, err := strconv.Atoi(p); err == nil {
				want[port]++
			}
		}
	}
	got := map[int]int{}
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			fields := strings.Fields(line)
			if len(fields) < 4 || fields[3] != "0A" { // TCP_LISTEN
				continue
			}
			_, hexPort, ok := strings.Cut(fields[1], ":")
			if port, err := strconv.ParseUint(hexPort, 16, 16); ok && err == nil {
				got[int(port)]++
			}
		}
	}
	var extra []string
	for port, n := range want {
		if got[port] > n {
			extra = append(extra, fmt.Sprintf("%d sockets listen on port %d, want %d", got[port], port, n))
		}
	}
	return extra
}

// TestReloadFirstRequest: the first request right after each of many
// loads, alternating two configs on the same port, is answered, and by
// the config just loaded. Before startCaddy waited for the old
// listeners, about one load in thirty met a reset or an empty response.
func TestReloadFirstRequest(t *testing.T) {
	needCaddy(t)
	cfg := func(n int) string {
		return maintGlobal() + fmt.Sprintf("\n:9080 {\n\tbind 127.0.0.1\n\trespond \"config %d\" 200\n}\n", n)
	}
	for i := range 40 {
		startCaddy(t, cfg(i))
		for k := range listenerKeys(httpListenAddrs()) {
			if got := caddy.ListenerUsage(k[0], k[1]); got != 1 {
				t.Fatalf("load %d: %s/%s used %d times after the load, want 1", i, k[0], k[1], got)
			}
		}
		got, err := fetchH1(request{path: "/"})
		if err != nil {
			t.Fatalf("load %d: the first request: %v", i, err)
		}
		if want := fmt.Sprintf("config %d", i); got.status != http.StatusOK || string(got.body) != want {
			t.Fatalf("load %d: the first request got %d %q, want 200 %q", i, got.status, got.body, want)
		}
	}
}
