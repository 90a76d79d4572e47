package images

import (
	"context"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hactl/hactl/services"
)

const flaskTestPassword = "flask-test-pw"

// flaskPython returns a Python 3 that can import flask and redis, or skips.
func flaskPython(t *testing.T) string {
	t.Helper()
	var candidates []string
	if p, err := exec.LookPath("python3"); err == nil {
		candidates = append(candidates, p)
	}
	candidates = append(candidates, "/usr/bin/python3")
	for _, py := range candidates {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		err := exec.CommandContext(ctx, py, "-c", "import flask, redis").Run()
		cancel()
		if err == nil {
			return py
		}
	}
	t.Skip("no python3 that can import flask and redis (install python3-flask python3-redis)")
	return ""
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startProcess starts cmd in its own process group, killed at cleanup, with
// its output in the test log on failure.
func startProcess(t *testing.T, cmd *exec.Cmd) *exec.Cmd {
	t.Helper()
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("output of %s:\n%s", filepath.Base(cmd.Path), out.String())
		}
	})
	return cmd
}

// startRedis runs redis-server on a free port with a password, no
// persistence and no replica, and returns its address.
func startRedis(t *testing.T) (string, *exec.Cmd) {
	t.Helper()
	server, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("no redis-server on PATH (install redis-server)")
	}
	addr := "127.0.0.1:" + strconv.Itoa(freePort(t))
	_, port, _ := net.SplitHostPort(addr)
	cmd := startProcess(t, exec.Command(server, "--port", port, "--bind", "127.0.0.1",
		"--requirepass", flaskTestPassword, "--save", "", "--appendonly", "no", "--dir", t.TempDir()))
	waitFor(t, 10*time.Second, "redis-server to listen", func() bool {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			_ = c.Close()
		}
		return err == nil
	})
	return addr, cmd
}

// startFlask writes the embedded app to a directory, runs its launcher with
// env and waits for the port to answer.
func startFlask(t *testing.T, py string, env ...string) string {
	t.Helper()
	dir := t.TempDir()
	for name, mode := range map[string]os.FileMode{"app.py": 0o644, "web": 0o755} {
		data, err := fs.ReadFile(services.Flask, "flask/"+name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, mode); err != nil {
			t.Fatal(err)
		}
	}
	port := strconv.Itoa(freePort(t))
	cmd := exec.Command(py, filepath.Join(dir, "web"))
	cmd.Env = append(os.Environ(), append([]string{"WEB_SERVER=flask", "WEB_LISTEN=:" + port,
		"PYTHONDONTWRITEBYTECODE=1", "PYTHONUNBUFFERED=1", "REDIS_SENTINELS="}, env...)...)
	startProcess(t, cmd)
	base := "http://127.0.0.1:" + port
	waitFor(t, 20*time.Second, "the Flask app to answer", func() bool {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			_ = resp.Body.Close()
		}
		return err == nil
	})
	return base
}

func waitFor(t *testing.T, limit time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", limit, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// check sends method path and checks the status and body.
func check(t *testing.T, base, method, path string, status int, body string) {
	t.Helper()
	req, _ := http.NewRequest(method, base+path, nil)
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Errorf("%s %s: %v", method, path, err)
		return
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status || string(got) != body {
		t.Errorf("%s %s = %d %q, want %d %q", method, path, resp.StatusCode, got, status, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("%s %s: Content-Type %q, want text/plain", method, path, ct)
	}
}

func TestFlaskApp(t *testing.T) {
	py := flaskPython(t)
	addr, redis := startRedis(t)
	pwFile := filepath.Join(t.TempDir(), "redis-password")
	if err := os.WriteFile(pwFile, []byte(flaskTestPassword+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	base := startFlask(t, py, "REDIS_ADDR="+addr, "REDIS_PASSWORD_FILE="+pwFile,
		"WEB_DURABLE_REPLICAS=0", "WEB_MAX_VALUE_BYTES=16")
	check(t, base, "GET", "/healthz", 200, "ok")
	check(t, base, "GET", "/set?key=k1&value=hello%20world", 200, "OK. We have set k1 to be hello world")
	check(t, base, "GET", "/get?key=k1", 200, "hello world")
	check(t, base, "GET", "/set?key=k2&value=", 200, "OK. We have set k2 to be ")
	check(t, base, "GET", "/get?key=k2", 200, "")
	check(t, base, "GET", "/get?key=nokey", 404, `key "nokey" not found`)
	check(t, base, "GET", "/get", 400, `missing query parameter "key"`)
	check(t, base, "GET", "/get?key=", 400, `query parameter "key" is empty`)
	check(t, base, "GET", "/set?value=v", 400, `missing query parameter "key"`)
	check(t, base, "GET", "/set?key=k3", 400, `missing query parameter "value"`)
	check(t, base, "GET", "/set?key=k3&value=12345678901234567", 413, "value is 17 bytes, the limit is 16")
	check(t, base, "POST", "/set?key=k3&value=v", 405, "method POST not allowed, use GET")
	check(t, base, "GET", "/nowhere", 404, "not found")

	// Durability asked for, but there is no replica to acknowledge.
	durable := startFlask(t, py, "REDIS_ADDR="+addr, "REDIS_PASSWORD="+flaskTestPassword,
		"WEB_DURABLE_REPLICAS=1", "WEB_DURABLE_TIMEOUT=100ms")
	check(t, durable, "GET", "/set?key=k4&value=v", 503, "write not acknowledged by 1 replica(s) within 100ms")
	check(t, durable, "GET", "/get?key=k4", 200, "v") // the master kept the write

	// A wrong password, then Redis gone.
	wrong := startFlask(t, py, "REDIS_ADDR="+addr, "REDIS_PASSWORD=wrong", "WEB_DURABLE_REPLICAS=0")
	check(t, wrong, "GET", "/healthz", 503, "redis unavailable: authentication failed")
	_ = syscall.Kill(-redis.Process.Pid, syscall.SIGKILL)
	_, _ = redis.Process.Wait()
	check(t, base, "GET", "/healthz", 503, "redis unavailable: connection failed")
	check(t, base, "GET", "/get?key=k1", 503, "redis unavailable: connection failed")
}

func TestFlaskLauncherHealthcheck(t *testing.T) {
	py := flaskPython(t)
	addr, _ := startRedis(t)
	base := startFlask(t, py, "REDIS_ADDR="+addr, "REDIS_PASSWORD="+flaskTestPassword)
	port := base[strings.LastIndex(base, ":")+1:]
	dir := t.TempDir()
	data, _ := fs.ReadFile(services.Flask, "flask/web")
	launcher := filepath.Join(dir, "web")
	if err := os.WriteFile(launcher, data, 0o755); err != nil {
		t.Fatal(err)
	}
	run := func(listen string) int {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, py, launcher, "healthcheck")
		cmd.Env = append(os.Environ(), "WEB_LISTEN="+listen)
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	}
	if code := run(":" + port); code != 0 {
		t.Errorf("healthcheck of a healthy app exited %d, want 0", code)
	}
	if code := run(":" + strconv.Itoa(freePort(t))); code != 1 {
		t.Errorf("healthcheck of nothing exited %d, want 1", code)
	}
}

func TestFlaskAppUnderGunicorn(t *testing.T) {
	py := flaskPython(t)
	if exec.Command(py, "-c", "import gunicorn").Run() != nil {
		t.Skip("no gunicorn for " + py + " (install gunicorn)")
	}
	addr, _ := startRedis(t)
	base := startFlask(t, py, "WEB_SERVER=gunicorn", "WEB_WORKERS=2", "REDIS_ADDR="+addr,
		"REDIS_PASSWORD="+flaskTestPassword, "WEB_DURABLE_REPLICAS=0")
	check(t, base, "GET", "/healthz", 200, "ok")
	check(t, base, "GET", "/set?key=g&value=unicorn", 200, "OK. We have set g to be unicorn")
	check(t, base, "GET", "/get?key=g", 200, "unicorn")
}

func TestFlaskAppThroughSentinel(t *testing.T) {
	py := flaskPython(t)
	addr, _ := startRedis(t)
	server, _ := exec.LookPath("redis-server")
	host, port, _ := net.SplitHostPort(addr)
	sport := strconv.Itoa(freePort(t))
	dir := t.TempDir()
	conf := filepath.Join(dir, "sentinel.conf")
	content := "port " + sport + "\nbind 127.0.0.1\ndir " + dir + "\nrequirepass sentinel-pw\n" +
		"sentinel monitor mymaster " + host + " " + port + " 1\n" +
		"sentinel auth-pass mymaster " + flaskTestPassword + "\n"
	if err := os.WriteFile(conf, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	startProcess(t, exec.Command(server, conf, "--sentinel"))
	sentinelPw := filepath.Join(dir, "sentinel-password")
	if err := os.WriteFile(sentinelPw, []byte("sentinel-pw\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := startFlask(t, py, "REDIS_SENTINELS=127.0.0.1:"+sport, "SENTINEL_PASSWORD_FILE="+sentinelPw,
		"REDIS_PASSWORD="+flaskTestPassword, "WEB_DURABLE_REPLICAS=0")
	check(t, base, "GET", "/healthz", 200, "ok")
	check(t, base, "GET", "/set?key=s&value=via%20sentinel", 200, "OK. We have set s to be via sentinel")
	check(t, base, "GET", "/get?key=s", 200, "via sentinel")

	wrong := startFlask(t, py, "REDIS_SENTINELS=127.0.0.1:"+sport, "SENTINEL_PASSWORD=wrong",
		"REDIS_PASSWORD="+flaskTestPassword, "WEB_DURABLE_REPLICAS=0")
	check(t, wrong, "GET", "/healthz", 503, "redis unavailable: authentication failed")
}
