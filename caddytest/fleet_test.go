package caddytest

// A fleet: two Caddy processes, built from ./cmd/caddy, sharing one
// file_system storage, each with a maintenance handler of the same name
// and "shared". A switch made through one instance's admin API reaches
// the other through the storage.
//
// The instances use their own ports (sites 9380 and 9381, admin 2980 and
// 2981, all on 127.0.0.1), so they do not meet the in-process Caddy of
// the other tests; like those, run the suite under the shared lock.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// buildCaddy builds ./cmd/caddy of this module into a temporary directory
// and returns the binary's path.
func buildCaddy(t *testing.T) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	out, err := exec.Command(goBin, "env", "GOMOD").Output()
	gomod := strings.TrimSpace(string(out))
	if err != nil || gomod == "" || gomod == os.DevNull {
		t.Fatalf("go env GOMOD: %q, %v", out, err)
	}
	bin := filepath.Join(t.TempDir(), "caddy")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	start := time.Now()
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", bin, "./cmd/caddy")
	cmd.Dir = filepath.Dir(gomod)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/caddy: %v\n%s", err, out)
	}
	t.Logf("built %s in %v", bin, time.Since(start).Round(time.Millisecond))
	return bin
}

// fleetInstance is one Caddy process of the fleet.
type fleetInstance struct {
	label string
	admin string // host:port of its admin API
	site  string // host:port of its site
	log   string // its stderr
	done  chan struct{}
	err   error // of Wait, once done is closed
}

// fleetConfig is the Caddyfile of one instance.
func fleetConfig(label string, adminPort, sitePort, httpsPort int, storage string) string {
	return fmt.Sprintf(`{
	admin 127.0.0.1:%d
	http_port %d
	https_port %d
	auto_https off
	skip_install_trust
	persist_config off
	grace_period 1ns
	storage file_system %s
}

:%d {
	bind 127.0.0.1
	normalize {
		maintenance {
			name fleet
			shared
			retry_after 30
			message "fleet maintenance"
		}
	}
	respond "instance %s" 200
}
`, adminPort, sitePort, httpsPort, storage, sitePort, label)
}

// startInstance runs bin with cfg, with a home of its own, and kills it
// when the test ends. It waits until both its admin API and its site
// answer.
func startInstance(t *testing.T, bin, label string, adminPort, sitePort int, cfg string) *fleetInstance {
	t.Helper()
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "Caddyfile")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	in := &fleetInstance{
		label: label,
		admin: fmt.Sprintf("127.0.0.1:%d", adminPort),
		site:  fmt.Sprintf("127.0.0.1:%d", sitePort),
		log:   filepath.Join(dir, "caddy.log"),
		done:  make(chan struct{}),
	}
	logFile, err := os.Create(in.log)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "run", "--config", cfgPath, "--adapter", "caddyfile")
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = logFile, logFile
	var env []string
	for _, kv := range os.Environ() {
		switch k, _, _ := strings.Cut(kv, "="); k {
		case "HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME":
		default:
			env = append(env, kv)
		}
	}
	for _, k := range []string{"HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"} {
		d := filepath.Join(dir, strings.ToLower(k))
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
		env = append(env, k+"="+d)
	}
	cmd.Env = env
	if err := cmd.Start(); err != nil {
		logFile.Close()
		t.Fatalf("starting Caddy %s: %v", label, err)
	}
	go func() {
		in.err = cmd.Wait()
		logFile.Close()
		close(in.done)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		select {
		case <-in.done:
		case <-time.After(10 * time.Second):
			t.Errorf("Caddy %s (pid %d) did not exit after SIGKILL", label, cmd.Process.Pid)
		}
		if t.Failed() {
			b, _ := os.ReadFile(in.log)
			t.Logf("----- log of Caddy %s -----\n%s", label, b)
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		select {
		case <-in.done:
			t.Fatalf("Caddy %s exited while starting: %v", label, in.err)
		default:
		}
		status, _, _ := in.get()
		aStatus, _, _ := maintAdmin(in.admin, http.MethodGet, "/normalize/maintenance", "")
		if status == http.StatusOK && aStatus == http.StatusOK {
			return in
		}
		if time.Now().After(deadline) {
			t.Fatalf("Caddy %s: site (status %d) or admin API (status %d) not up within 15s", label, status, aStatus)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// get fetches / from the instance's site.
func (in *fleetInstance) get() (status int, retryAfter string, body string) {
	client := &http.Client{Timeout: ioTimeout, Transport: &http.Transport{DisableKeepAlives: true}}
	res, err := client.Get("http://" + in.site + "/")
	if err != nil {
		return 0, "", err.Error()
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Retry-After"), string(b)
}

// TestMaintenanceFleet: a switch made on one instance reaches the other
// through the shared storage, both ways.
func TestMaintenanceFleet(t *testing.T) {
	needCaddy(t)
	bin := buildCaddy(t)
	storage := t.TempDir()
	a := startInstance(t, bin, "A", 2980, 9380, fleetConfig("A", 2980, 9380, 9390, storage))
	b := startInstance(t, bin, "B", 2981, 9381, fleetConfig("B", 2981, 9381, 9391, storage))
	if t.Failed() {
		return
	}
	fleet := []*fleetInstance{a, b}
	for _, in := range fleet {
		if status, _, body := in.get(); status != http.StatusOK || body != "instance "+in.label {
			t.Fatalf("instance %s before any switch: %d %q, want 200 %q", in.label, status, body, "instance "+in.label)
		}
		checkMaintStatus(t, "instance "+in.label+" at start", maintCall(t, in.admin, http.MethodGet, "/normalize/maintenance", ""),
			"fleet", maintStatus{Shared: true, Handlers: 1})
	}

	// On, through A.
	maintCall(t, a.admin, http.MethodPost, "/normalize/maintenance/fleet", `{"enabled": true, "retry_after": 15}`)
	for _, in := range fleet {
		maintWait(t, 8*time.Second, "instance "+in.label+" in maintenance after a switch on A", func() (bool, string) {
			status, ra, body := in.get()
			return status == http.StatusServiceUnavailable && ra == "15" && strings.Contains(body, "fleet maintenance"),
				fmt.Sprintf("%d Retry-After %q %q", status, ra, body)
		})
	}
	if _, err := os.Stat(filepath.Join(storage, "normalize", "maintenance", "fleet.json")); err != nil {
		t.Errorf("the switch is not in the shared storage: %v", err)
	}
	checkMaintStatus(t, "instance B after a switch on A", maintCall(t, b.admin, http.MethodGet, "/normalize/maintenance", ""),
		"fleet", maintStatus{On: true, Source: "api", RetryAfter: "15", SwitchedByAPI: true, Shared: true, Handlers: 1})

	// Off, through B.
	maintCall(t, b.admin, http.MethodPost, "/normalize/maintenance/fleet", `{"enabled": false}`)
	for _, in := range fleet {
		maintWait(t, 8*time.Second, "instance "+in.label+" back after a switch off on B", func() (bool, string) {
			status, ra, body := in.get()
			return status == http.StatusOK && body == "instance "+in.label, fmt.Sprintf("%d Retry-After %q %q", status, ra, body)
		})
	}
	checkMaintStatus(t, "instance A after a switch off on B", maintCall(t, a.admin, http.MethodGet, "/normalize/maintenance", ""),
		"fleet", maintStatus{SwitchedByAPI: true, Shared: true, Handlers: 1})

	// On again through B, then DELETE through A: both back to their
	// configuration (off).
	maintCall(t, b.admin, http.MethodPost, "/normalize/maintenance/fleet", `{"enabled": true}`)
	maintWait(t, 8*time.Second, "instance A in maintenance after a switch on B", func() (bool, string) {
		status, ra, body := a.get()
		return status == http.StatusServiceUnavailable && ra == "30", fmt.Sprintf("%d Retry-After %q %q", status, ra, body)
	})
	maintCall(t, a.admin, http.MethodDelete, "/normalize/maintenance/fleet", "")
	for _, in := range fleet {
		maintWait(t, 8*time.Second, "instance "+in.label+" back after DELETE on A", func() (bool, string) {
			status, ra, body := in.get()
			return status == http.StatusOK, fmt.Sprintf("%d Retry-After %q %q", status, ra, body)
		})
		checkMaintStatus(t, "instance "+in.label+" after DELETE on A", maintCall(t, in.admin, http.MethodGet, "/normalize/maintenance", ""),
			"fleet", maintStatus{Shared: true, Handlers: 1})
	}
}
