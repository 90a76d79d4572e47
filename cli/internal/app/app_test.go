package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Run(context.Background(), append([]string{"hactl"}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range New(nil, nil).Commands {
		code, out, errOut := run(t, c.Name, "--help")
		if code != 0 || !strings.Contains(out, c.Usage) {
			t.Errorf("%s --help: code %d\n%s%s", c.Name, code, out, errOut)
		}
	}
	code, out, _ := run(t, "--help")
	if code != 0 || !strings.Contains(out, "COMMANDS") {
		t.Errorf("--help: code %d\n%s", code, out)
	}
}

func TestBadTopologyFileIsOneLineAndExit2(t *testing.T) {
	t.Setenv("HACTL_HOME", t.TempDir())
	path := filepath.Join(t.TempDir(), "hactl.yaml")
	if err := os.WriteFile(path, []byte("project: x\nredis:\n  replicas: 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"config", "render", "up", "down", "status", "verify"} {
		args := []string{cmd, "-f", path}
		if cmd == "render" {
			args = append(args, "--out", t.TempDir())
		}
		code, out, errOut := run(t, args...)
		want := "hactl: " + path + ":3: redis.replicas must be at least 1, got 0\n"
		if code != ExitUsage || errOut != want || out != "" {
			t.Errorf("%s: code %d, stdout %q, stderr %q; want code 2 and %q", cmd, code, out, errOut, want)
		}
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	t.Setenv("HACTL_HOME", t.TempDir())
	cases := [][]string{
		{"nonsense"},
		{"config", "--nonsense"},
		{"render"},
		{"config", "--format", "xml"},
		{"config", "-f", filepath.Join(t.TempDir(), "missing.yaml")},
		{"--progress", "loud", "config"},
		{"up", "extra-arg"},
	}
	for _, args := range cases {
		code, _, errOut := run(t, args...)
		if code != ExitUsage || !strings.HasPrefix(errOut, "hactl: ") || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: code %d stderr %q, want exit 2 and one line", args, code, errOut)
		}
	}
}

func TestConfigPrintsComposeWithoutSecrets(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HACTL_HOME", home)
	code, out, errOut := run(t, "config")
	if code != 0 {
		t.Fatalf("config: %d %s", code, errOut)
	}
	if !strings.Contains(out, "services:") || !strings.Contains(out, "hactl-redis-1") {
		t.Fatalf("config output is not the compose project:\n%s", out)
	}
	code, sec, _ := run(t, "secrets", "--json")
	if code != 0 {
		t.Fatal("secrets failed")
	}
	for _, line := range strings.Split(sec, "\n") {
		if _, v, ok := strings.Cut(line, `": "`); ok {
			v = strings.TrimSuffix(strings.TrimSuffix(v, ","), `"`)
			if len(v) > 8 && strings.Contains(out, v) {
				t.Fatalf("config printed a secret")
			}
		}
	}
	code, services, _ := run(t, "config", "--services")
	if code != 0 || len(strings.Fields(services)) != 9 {
		t.Fatalf("config --services: %q", services)
	}
}

func TestRenderWritesFiles(t *testing.T) {
	t.Setenv("HACTL_HOME", t.TempDir())
	dir := filepath.Join(t.TempDir(), "out")
	code, out, errOut := run(t, "render", "-f", "../../../examples/article.yaml", "--out", dir)
	if code != 0 {
		t.Fatalf("render: %d %s", code, errOut)
	}
	if !strings.Contains(out, "wrote ") {
		t.Errorf("render said %q", out)
	}
	for _, f := range []string{"compose.yaml", ".env", "haproxy/haproxy.cfg", "redis-1/redis.conf", "sentinel-3/sentinel.conf", "secrets/redis_password"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("render did not write %s: %v", f, err)
		}
	}
	info, err := os.Stat(filepath.Join(dir, "secrets"))
	if err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("secrets dir: %v %v", info.Mode(), err)
	}
}

func TestCommandsNeedingADaemonSayWhenItIsMissing(t *testing.T) {
	t.Setenv("HACTL_HOME", t.TempDir())
	t.Setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
	for _, cmd := range []string{"up", "down", "logs"} {
		code, _, errOut := run(t, cmd)
		if code != ExitFailure || !strings.Contains(errOut, "cannot reach the Docker daemon") || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%s without a daemon: code %d, stderr %q", cmd, code, errOut)
		}
	}
}

func TestStatusWithoutSecretsSaysNeverUp(t *testing.T) {
	t.Setenv("HACTL_HOME", t.TempDir())
	code, _, errOut := run(t, "status")
	if code != ExitFailure || !strings.Contains(errOut, "never brought up") {
		t.Errorf("status of a new project: code %d, %q", code, errOut)
	}
}
