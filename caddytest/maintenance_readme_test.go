package caddytest

// The README's maintenance examples, run as written against the demo:
// Caddy built from ./cmd/caddy, run on Caddyfile.example, and the curl
// lines of the README's "Maintenance mode" section, through sh. Ports
// 2019, 8080 and 8081 are the demo's: run this, like the rest, in a
// network namespace of its own.

import (
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// moduleRoot is the directory of this module's go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	gomod := strings.TrimSpace(string(out))
	if err != nil || gomod == "" || gomod == os.DevNull {
		t.Fatalf("go env GOMOD: %q, %v", out, err)
	}
	return filepath.Dir(gomod)
}

// readmeCurlLines returns the curl lines of the README's section title.
func readmeCurlLines(t *testing.T, readme, title string) []string {
	t.Helper()
	i := strings.Index(readme, "\n## "+title+"\n")
	if i < 0 {
		t.Fatalf("README has no section %q", title)
	}
	section := readme[i+1:]
	if j := strings.Index(section[3:], "\n## "); j >= 0 {
		section = section[:j+3]
	}
	var lines []string
	for _, l := range strings.Split(section, "\n") {
		if strings.HasPrefix(l, "curl ") {
			lines = append(lines, l)
		}
	}
	return lines
}

// TestMaintenanceReadmeCurl: every curl line of the README's maintenance
// section answers, against the demo, the documented state of the names
// it touches, never an error.
func TestMaintenanceReadmeCurl(t *testing.T) {
	needCaddy(t)
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Fatalf("this test runs the README's curl lines and needs curl: %v", err)
	}
	root := moduleRoot(t)
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	lines := readmeCurlLines(t, string(readme), "Maintenance mode")
	if len(lines) < 5 {
		t.Fatalf("the README's maintenance section has %d curl lines, want at least 5: %q", len(lines), lines)
	}

	bin := buildCaddy(t)
	dir := t.TempDir()
	cmd := exec.Command(bin, "run", "--config", filepath.Join(root, "Caddyfile.example"))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_DATA_HOME="+dir, "XDG_CONFIG_HOME="+dir)
	logPath := filepath.Join(dir, "caddy.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); logFile.Close(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("----- log of the demo -----\n%s", b)
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", "127.0.0.1:8080", time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the demo is not up within 15s: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}

	for _, line := range lines {
		out, err := exec.Command("sh", "-c", strings.Replace(line, "curl ", curl+" ", 1)).CombinedOutput()
		if err != nil {
			t.Errorf("%s\n  failed: %v: %s", line, err, out)
			continue
		}
		var st map[string]json.RawMessage
		if err := json.Unmarshal(out, &st); err != nil {
			t.Errorf("%s\n  answered %q, not the documented JSON: %v", line, out, err)
			continue
		}
		if _, isErr := st["error"]; isErr || len(st) == 0 {
			t.Errorf("%s\n  answered %s; want the state of the names it touches", line, out)
			continue
		}
		if _, ok := st["app"]; !ok {
			t.Errorf("%s\n  answered %s, without the demo's handler app", line, out)
		}
	}
}
