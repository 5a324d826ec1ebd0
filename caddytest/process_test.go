package caddytest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// isolatedEnv is the process's environment with a home of its own under
// dir: HOME and the XDG directories, where Caddy keeps its autosaved
// config and storage, so that a started Caddy touches nothing outside the
// test.
func isolatedEnv(t *testing.T, dir string) []string {
	t.Helper()
	homes := []string{"HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !contains(homes, k) {
			env = append(env, kv)
		}
	}
	for _, k := range homes {
		d := filepath.Join(dir, strings.ToLower(k))
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
		env = append(env, k+"="+d)
	}
	return env
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// startProcess starts cmd with its output in logPath, and kills it when
// the test ends, showing the log if the test failed. what names the
// process in messages. The channel receives cmd's exit.
func startProcess(t *testing.T, cmd *exec.Cmd, logPath, what string) <-chan error {
	t.Helper()
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		logFile.Close()
		t.Fatalf("starting %s: %v", what, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait(); logFile.Close() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Errorf("%s (pid %d) did not exit after SIGKILL", what, cmd.Process.Pid)
		}
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("----- log of %s -----\n%s", what, b)
		}
	})
	return done
}
