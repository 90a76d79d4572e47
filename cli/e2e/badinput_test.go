package e2e

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestUpRefusesATakenPort checks that a port held by another program stops
// up before anything is created.
func TestUpRefusesATakenPort(t *testing.T) {
	needDaemon(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	taken := l.Addr().(*net.TCPAddr).Port
	file := topologyFile(t, "hactl-e2e-port", 17301, "port: 17301", fmt.Sprintf("port: %d", taken))
	r := hactl(t, 2*time.Minute, "up", "-f", file)
	want := fmt.Sprintf("port 127.0.0.1:%d for haproxy is already in use", taken)
	if r.code != 1 || !strings.Contains(r.stderr, want) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Fatalf("up with a taken port: %s", r)
	}
	if left := leftovers(t, "hactl-e2e-port"); left != "" {
		t.Fatalf("a refused up created:\n%s", left)
	}
}

// TestBadTopologyFile checks the one-line error and exit code 2.
func TestBadTopologyFile(t *testing.T) {
	needDaemon(t)
	path := filepath.Join(t.TempDir(), "hactl.yaml")
	if err := os.WriteFile(path, []byte("project: bad\nredis:\n  replicas: 0\n  sentinal: 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := hactl(t, time.Minute, "up", "-f", path)
	if r.code != 2 || !strings.HasPrefix(r.stderr, "hactl: "+path+":4: unknown field \"sentinal\" in redis") || strings.Count(r.stderr, "\n") != 1 {
		t.Fatalf("up with a bad file: %s", r)
	}
}

// TestInterruptedUpCleansUp sends Ctrl-C while up waits for readiness and
// checks that nothing of the project is left.
func TestInterruptedUpCleansUp(t *testing.T) {
	needDaemon(t)
	const proj = "hactl-e2e-int"
	file := topologyFile(t, proj, 18301)
	if r := hactl(t, 20*time.Minute, "images", "build", "-f", file); r.code != 0 {
		t.Fatalf("images build: %s", r)
	}
	t.Cleanup(func() { hactl(t, 2*time.Minute, "down", "-f", file, "--volumes") })
	cmd, out := start(t, "up", "-f", file)
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(out.String(), "waiting until ready") {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("up never started waiting:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatalf("up did not stop after Ctrl-C:\n%s", out.String())
	}
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Fatalf("interrupted up exited %d, want 130:\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "removed the") {
		t.Errorf("interrupted up did not say it cleaned up:\n%s", out.String())
	}
	if left := leftovers(t, proj); left != "" {
		t.Fatalf("an interrupted up left:\n%s", left)
	}
}
