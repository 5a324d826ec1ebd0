package caddytest

// The maintenance page in a real browser: headless Chromium (Debian's
// chromium package; .ci/run installs it, and the test fails without it)
// renders it, screenshots it, and reloads it by itself once Retry-After
// has passed.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/png"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// chromiumBin finds Chromium. A test that needs it fails without it: a
// browser check that silently does not run proves nothing.
func chromiumBin(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("headless Chromium not found: this test needs it (Debian: apt-get install chromium; .ci/run installs it)")
	return ""
}

// runChromium runs headless Chromium with a fresh profile and home, on
// loopback only (no host name resolves; 127.0.0.1 is used as is), with args, and returns what it
// wrote to stdout. ctx bounds the run; the whole process group is killed
// when it ends, so that no renderer outlives the test.
func runChromium(ctx context.Context, t *testing.T, bin string, args ...string) ([]byte, error) {
	t.Helper()
	home := t.TempDir()
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--no-proxy-server", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
		"--user-data-dir=" + filepath.Join(home, "profile"),
	}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	cmd.Dir = home
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home+"/config",
		"XDG_CACHE_HOME="+home+"/cache", "XDG_DATA_HOME="+home+"/data")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if cmd.Process != nil {
		// Helpers (zygote, crash handler) of this run only: its group.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	if err != nil {
		tail := stderr.String()
		if len(tail) > 2000 {
			tail = tail[len(tail)-2000:]
		}
		return stdout.Bytes(), fmt.Errorf("chromium %s: %w (ctx: %v)\nstderr: %s", strings.Join(args, " "), err, ctx.Err(), tail)
	}
	return stdout.Bytes(), nil
}

// TestMaintenancePageInBrowser: Chromium shows the maintenance page with
// the message (as text, not markup), and the page reloads itself once
// Retry-After has passed, reaching the real page once maintenance is off.
func TestMaintenancePageInBrowser(t *testing.T) {
	needCaddy(t)
	bin := chromiumBin(t)
	const (
		name     = "browser"
		message  = "Scheduled drill 4711 <b>not bold</b>"
		shown    = `<p id="message">Scheduled drill 4711 &lt;b&gt;not bold&lt;/b&gt;</p>`
		realMark = "REAL-PAGE-4711"
	)
	up := newRawUpstream(t)
	page := "<!DOCTYPE html><html><head><title>app</title></head><body><p id=\"real\">" + realMark + "</p></body></html>"
	up.HandleBytes("/page", rawResponse("HTTP/1.1 200 OK", []string{
		"Date: " + fixedDate, "Content-Type: text/html; charset=utf-8", "Content-Length: " + itoa(len(page)),
	}, page))
	// Only /page is under maintenance: the browser's other requests
	// (/favicon.ico) do not move the counter that counts its loads.
	startMaintCaddy(t, maintSite(nil,
		maintHandle("/page", up.Addr(), "enabled", "retry_after 2", "name "+name, `message "`+message+`"`),
		"\thandle {\n\t\trespond 404\n\t}\n",
	))
	if t.Failed() {
		return
	}
	url := "http://" + siteAddr + "/page"

	t.Run("dom", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		dom, err := runChromium(ctx, t, bin, "--dump-dom", url)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{shown, `<meta http-equiv="refresh" content="2">`, "Down for maintenance"} {
			if !strings.Contains(string(dom), want) {
				t.Errorf("the rendered DOM lacks %q:\n%s", want, dom)
			}
		}
		if strings.Contains(string(dom), "<b>not bold</b>") {
			t.Errorf("the message became markup in the DOM:\n%s", dom)
		}
	})

	t.Run("screenshot", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		screenshot(ctx, t, bin, filepath.Join(t.TempDir(), "maintenance.png"), 1024, 768, url)
	})

	t.Run("reload", func(t *testing.T) {
		// With virtual time, the meta refresh fires as soon as the page
		// is idle, and each reload starts the budget anew: Chromium
		// reloads until it gets a page without a refresh, then dumps it.
		ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
		defer cancel()
		base := maintRequests(t, name)
		hits := up.Hits("/page")
		type result struct {
			dom []byte
			err error
		}
		done := make(chan result, 1)
		go func() {
			dom, err := runChromium(ctx, t, bin, "--virtual-time-budget=10000", "--dump-dom", url)
			done <- result{dom, err}
		}()
		reloaded := maintWait(t, 25*time.Second, "a second load of the maintenance page (it reloads itself)", func() (bool, string) {
			n := maintRequests(t, name) - base
			return n >= 2, fmt.Sprintf("%s{name=%s} moved by %v", maintRequestsMetric, name, n)
		})
		if reloaded {
			maintCall(t, adminAddr, http.MethodPost, "/normalize/maintenance/"+name, `{"enabled": false}`)
		} else {
			cancel()
		}
		r := <-done
		if !reloaded {
			return
		}
		if r.err != nil {
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				t.Fatalf("Chromium did not reach the real page after maintenance was switched off: %v", r.err)
			}
			t.Fatal(r.err)
		}
		if !strings.Contains(string(r.dom), realMark) || strings.Contains(string(r.dom), "Down for maintenance") {
			t.Errorf("after maintenance was switched off, the reloaded DOM is not the real page:\n%s", r.dom)
		}
		if n := up.Hits("/page") - hits; n < 1 {
			t.Errorf("the upstream got %d requests for /page after maintenance, want at least 1", n)
		}
		t.Logf("%s{name=%s} moved by %v during the run", maintRequestsMetric, name, maintRequests(t, name)-base)
	})
}

// screenshot has headless Chromium take a width×height screenshot of url
// into shot, and fails the test unless it is a PNG of that size with
// something drawn on it (not every sampled pixel the background's colour).
func screenshot(ctx context.Context, t *testing.T, bin, shot string, width, height int, url string) {
	t.Helper()
	if _, err := runChromium(ctx, t, bin, "--screenshot="+shot, fmt.Sprintf("--window-size=%d,%d", width, height), "--hide-scrollbars", url); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	b := img.Bounds()
	if b.Dx() != width || b.Dy() != height {
		t.Errorf("screenshot is %dx%d, want %dx%d", b.Dx(), b.Dy(), width, height)
	}
	bg, drawn := img.At(b.Min.X, b.Min.Y), 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			if img.At(x, y) != bg {
				drawn++
			}
		}
	}
	if drawn < 100 {
		t.Errorf("the screenshot is blank (%d pixels differ from the background)", drawn)
	}
	t.Logf("screenshot: %s (%d sampled pixels drawn)", shot, drawn)
}
