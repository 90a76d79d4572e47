// Package e2e runs the hactl binary against the real Docker engine: build
// the images, bring the write-up's stack up, verify it, converge, break it
// and tear it down. The tests skip when no Docker daemon answers.
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hactl/hactl/cli/internal/engine/docker"
)

var (
	hactlBin  string // the binary under test
	stateDir  string // HACTL_HOME for every run
	noDaemon  string // why the engine tests skip, if they do
	repoRoot  string
	buildLogs bytes.Buffer
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	_, file, _, _ := runtime.Caller(0)
	repoRoot = filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
	tmp, err := os.MkdirTemp("", "hactl-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmp)
	stateDir = filepath.Join(tmp, "state")

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if e, err := docker.New(ctx); err != nil {
		noDaemon = err.Error()
	} else if _, err := e.Ping(ctx); err != nil {
		noDaemon = err.Error()
	}
	if noDaemon == "" {
		if hactlBin, err = binary(tmp); err != nil {
			fmt.Fprintf(os.Stderr, "build hactl for the end-to-end tests: %v\n%s", err, buildLogs.String())
			return 1
		}
	}
	return m.Run()
}

// binary returns $HACTL_BIN (with hactl-web next to it), or builds both.
func binary(tmp string) (string, error) {
	if bin := os.Getenv("HACTL_BIN"); bin != "" {
		return filepath.Abs(bin)
	}
	dir := filepath.Join(tmp, "bin")
	builds := [][]string{
		{"go", "build", "-o", filepath.Join(dir, "hactl"), "./cli/cmd/hactl"},
		{"go", "build", "-trimpath", "-buildvcs=false", "-ldflags", "-s -w", "-o", filepath.Join(dir, "hactl-web"), "./services/web"},
	}
	for _, args := range builds {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = repoRoot
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		cmd.Stdout, cmd.Stderr = &buildLogs, &buildLogs
		if err := cmd.Run(); err != nil {
			return "", err
		}
	}
	return filepath.Join(dir, "hactl"), nil
}

func needDaemon(t *testing.T) {
	t.Helper()
	if noDaemon != "" {
		t.Skipf("no Docker daemon: %s", noDaemon)
	}
}

// result is one run of hactl.
type result struct {
	code           int
	stdout, stderr string
	took           time.Duration
}

func (r result) String() string {
	return fmt.Sprintf("exit %d after %s\nstdout:\n%s\nstderr:\n%s", r.code, r.took.Round(time.Millisecond), r.stdout, r.stderr)
}

// hactl runs the binary with a bounded time.
func hactl(t *testing.T, timeout time.Duration, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, hactlBin, args...)
	cmd.Env = append(os.Environ(), "HACTL_HOME="+stateDir, "HACTL_PROGRESS=plain")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errOut.String(), took: time.Since(start)}
	if exit, ok := err.(*exec.ExitError); ok {
		r.code = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("hactl %s: %v", strings.Join(args, " "), err)
	}
	t.Logf("hactl %s: exit %d in %s", strings.Join(args, " "), r.code, r.took.Round(time.Millisecond))
	return r
}

// dockerCLI runs the docker client for independent checks of what exists.
func dockerCLI(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("docker", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// leftovers lists what the engine still has of a project.
func leftovers(t *testing.T, project string) string {
	t.Helper()
	filter := "label=com.docker.compose.project=" + project
	var parts []string
	for _, what := range [][]string{
		{"ps", "-a", "--filter", filter, "--format", "{{.Names}}"},
		{"network", "ls", "--filter", filter, "--format", "{{.Name}}"},
		{"volume", "ls", "--filter", filter, "--format", "{{.Name}}"},
	} {
		if out := dockerCLI(t, what...); out != "" {
			parts = append(parts, out)
		}
	}
	return strings.Join(parts, "\n")
}

// topologyFile writes examples/article.yaml with the project name and the
// host ports moved, so the tests can run next to a user's own stack.
func topologyFile(t *testing.T, project string, port int, replace ...string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repoRoot, "examples", "article.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	s = strings.Replace(s, "project: hactl", "project: "+project, 1)
	s = strings.Replace(s, "port: 6301", fmt.Sprintf("port: %d", port), 1)
	s = strings.Replace(s, "host_port: 5001", fmt.Sprintf("host_port: %d", port+1), 1)
	s = strings.Replace(s, "host_port: 5002", fmt.Sprintf("host_port: %d", port+2), 1)
	for i := 0; i+1 < len(replace); i += 2 {
		if !strings.Contains(s, replace[i]) {
			t.Fatalf("article.yaml has no %q to replace", replace[i])
		}
		s = strings.Replace(s, replace[i], replace[i+1], 1)
	}
	path := filepath.Join(t.TempDir(), "hactl.yaml")
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
