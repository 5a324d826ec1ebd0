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
	"encoding/json"
	"fmt"
	"io"
	"net"
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
func buildCaddy(t *testing.T, tags ...string) string {
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
	args := []string{"build", "-o", bin}
	if len(tags) > 0 {
		args = append(args, "-tags", strings.Join(tags, ","))
	}
	cmd := exec.CommandContext(ctx, goBin, append(args, "./cmd/caddy")...)
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
	return fleetConfigWith(label, adminPort, sitePort, httpsPort, storage, "shared", "")
}

// fleetConfigWith is fleetConfig with more lines in the maintenance block
// (such as "shared") and more sites.
func fleetConfigWith(label string, adminPort, sitePort, httpsPort int, storage, maintLines, extraSites string) string {
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
			%s
			retry_after 30
			message "fleet maintenance"
		}
	}
	respond "instance %s" 200
}
%s`, adminPort, sitePort, httpsPort, storage, sitePort, maintLines, label, extraSites)
}

// startInstance runs bin with cfg, with a home of its own, and kills it
// when the test ends. It waits until both its admin API and its site
// answer.
func startInstance(t *testing.T, bin, label string, adminPort, sitePort int, cfg string) *fleetInstance {
	t.Helper()
	return startInstanceWith(t, bin, label, adminPort, sitePort, cfg, nil, true)
}

// startInstanceWith is startInstance with more environment variables;
// without probeSite, it sends the site no request: it waits until the
// admin API lists the handler and the site's port accepts a connection,
// so that the test's first request is the instance's first.
func startInstanceWith(t *testing.T, bin, label string, adminPort, sitePort int, cfg string, extraEnv []string, probeSite bool) *fleetInstance {
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
	cmd.Env = append(isolatedEnv(t, dir), extraEnv...)
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
		if !probeSite {
			aStatus, body, _ := maintAdmin(in.admin, http.MethodGet, "/normalize/maintenance", "")
			if aStatus == http.StatusOK && strings.Contains(string(body), `"fleet"`) {
				if c, err := net.DialTimeout("tcp", in.site, time.Second); err == nil {
					c.Close()
					return in
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("Caddy %s: admin API (status %d, %q) or site port not up within 15s", label, aStatus, body)
			}
			time.Sleep(20 * time.Millisecond)
			continue
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

// loadInstance posts a Caddyfile to the instance's /load.
func loadInstance(t *testing.T, in *fleetInstance, cfg string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://"+in.admin+"/load", strings.NewReader(cfg))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/caddyfile")
	res, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("POST %s/load: %v", in.admin, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// fleetRecord is the switch the fleet keeps in storage, "" when none.
func fleetRecord(storage string) string {
	b, _ := os.ReadFile(filepath.Join(storage, "normalize", "maintenance", "fleet.json"))
	return string(b)
}

// fleetUpdated is the "updated" stamp of the stored switch: the clock of
// the instance that made it.
func fleetUpdated(t *testing.T, storage string) time.Time {
	t.Helper()
	var rec struct {
		Updated time.Time `json:"updated"`
	}
	if err := json.Unmarshal([]byte(fleetRecord(storage)), &rec); err != nil {
		t.Fatalf("the stored switch %q: %v", fleetRecord(storage), err)
	}
	return rec.Updated
}

// TestMaintenanceFleetAgreement: instances whose clocks are ten minutes
// apart agree on the latest switch, whichever made it; an instance that
// starts while the fleet is in maintenance answers its very first request
// with the 503; a reload that drops shared stops writing to storage; a
// reload that fails leaves the running config's maintenance working.
func TestMaintenanceFleetAgreement(t *testing.T) {
	needCaddy(t)
	bin := buildCaddy(t, "normalize_testclock")
	storage := t.TempDir()
	cfgA := fleetConfig("A", 2980, 9380, 9390, storage)
	cfgB := fleetConfig("B", 2981, 9381, 9391, storage)
	a := startInstanceWith(t, bin, "A", 2980, 9380, cfgA, []string{"NORMALIZE_TEST_CLOCK_OFFSET=-5m"}, true)
	b := startInstanceWith(t, bin, "B", 2981, 9381, cfgB, []string{"NORMALIZE_TEST_CLOCK_OFFSET=5m"}, true)
	if t.Failed() {
		return
	}
	both := []*fleetInstance{a, b}
	waitAll := func(what string, fleet []*fleetInstance, status int, retryAfter string) {
		t.Helper()
		for _, in := range fleet {
			maintWait(t, 8*time.Second, "instance "+in.label+" "+what, func() (bool, string) {
				st, ra, body := in.get()
				return st == status && ra == retryAfter, fmt.Sprintf("%d Retry-After %q %q", st, ra, body)
			})
		}
	}

	// On through B, whose clock is ahead; off through A, whose clock is
	// behind: later in fact, earlier by its clock. Ordered by clocks,
	// A's switch would apply nowhere, A included.
	maintCall(t, b.admin, http.MethodPost, "/normalize/maintenance/fleet", `{"enabled": true, "retry_after": 15}`)
	waitAll("in maintenance after a switch on B", both, http.StatusServiceUnavailable, "15")
	updatedB := fleetUpdated(t, storage)
	st := maintCall(t, a.admin, http.MethodPost, "/normalize/maintenance/fleet", `{"enabled": false}`)
	if updatedA := fleetUpdated(t, storage); !updatedA.Before(updatedB) {
		t.Errorf("A's switch is stamped %v, B's earlier one %v: the clocks are not skewed, and the test proves nothing", updatedA, updatedB)
	}
	checkMaintStatus(t, "A right after its switch off", st, "fleet", maintStatus{SwitchedByAPI: true, Shared: true, Handlers: 1})
	waitAll("back after a switch off on A (clock behind)", both, http.StatusOK, "")
	maintCall(t, a.admin, http.MethodPost, "/normalize/maintenance/fleet", `{"enabled": true}`)
	waitAll("in maintenance after a switch on A (clock behind)", both, http.StatusServiceUnavailable, "30")
	if rec := fleetRecord(storage); !strings.Contains(rec, `"version":3`) {
		t.Errorf("the stored switch after three switches: %q, want version 3", rec)
	}
	for _, in := range both {
		checkMaintStatus(t, "instance "+in.label+" after three switches", maintCall(t, in.admin, http.MethodGet, "/normalize/maintenance", ""),
			"fleet", maintStatus{On: true, Source: "api", RetryAfter: "30", SwitchedByAPI: true, Shared: true, Handlers: 1})
	}

	// A third instance, started while the fleet is in maintenance: its
	// very first request gets the 503.
	c := startInstanceWith(t, bin, "C", 2982, 9382, fleetConfig("C", 2982, 9382, 9392, storage), nil, false)
	if status, ra, body := c.get(); status != http.StatusServiceUnavailable || ra != "30" || !strings.Contains(body, "fleet maintenance") {
		t.Errorf("the first request to an instance started during maintenance: %d Retry-After %q %q; want 503, 30", status, ra, body)
	}

	// A reload of B that fails (a site on a port that is taken, another
	// storage): B's running config still shares through the old storage.
	taken, err := net.Listen("tcp", "127.0.0.1:9383")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	otherStorage := t.TempDir()
	badB := fleetConfigWith("B", 2981, 9381, 9391, otherStorage, "shared", ":9383 {\n\tbind 127.0.0.1\n\trespond \"taken\"\n}\n")
	if status, body := loadInstance(t, b, badB); status == http.StatusOK {
		t.Fatalf("a config with a site on a taken port loaded: %s", body)
	}
	checkMaintStatus(t, "B after a failed reload", maintCall(t, b.admin, http.MethodGet, "/normalize/maintenance", ""),
		"fleet", maintStatus{On: true, Source: "api", RetryAfter: "30", SwitchedByAPI: true, Shared: true, Handlers: 1})
	maintCall(t, b.admin, http.MethodPost, "/normalize/maintenance/fleet", `{"enabled": false}`)
	waitAll("back after a switch off on B after its failed reload", []*fleetInstance{a, b, c}, http.StatusOK, "")
	if rec := fleetRecord(otherStorage); rec != "" {
		t.Errorf("the failed config's storage got the switch: %q", rec)
	}
	if rec := fleetRecord(storage); !strings.Contains(rec, `"version":4`) {
		t.Errorf("the running config's storage after B's switch: %q, want version 4", rec)
	}

	// A reload of A that drops shared: A's switches stay on A.
	if status, body := loadInstance(t, a, fleetConfigWith("A", 2980, 9380, 9390, storage, "", "")); status != http.StatusOK {
		t.Fatalf("reload of A without shared: %d %s", status, body)
	}
	before := fleetRecord(storage)
	st = maintCall(t, a.admin, http.MethodPost, "/normalize/maintenance/fleet", `{"enabled": true, "retry_after": 5}`)
	checkMaintStatus(t, "A without shared", st, "fleet",
		maintStatus{On: true, Source: "api", RetryAfter: "5", SwitchedByAPI: true, Shared: false, Handlers: 1})
	waitAll("in maintenance by its own switch", []*fleetInstance{a}, http.StatusServiceUnavailable, "5")
	if after := fleetRecord(storage); after != before {
		t.Errorf("a config without shared wrote to storage: %q, then %q", before, after)
	}
	for _, in := range []*fleetInstance{b, c} {
		if status, ra, body := in.get(); status != http.StatusOK {
			t.Errorf("instance %s followed a switch of an instance that no longer shares: %d Retry-After %q %q", in.label, status, ra, body)
		}
	}
}
