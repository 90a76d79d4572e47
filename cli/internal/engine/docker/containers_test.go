package docker

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hactl/hactl/cli/internal/engine"
)

func TestCreateContainerFull(t *testing.T) {
	e := requireEngine(t)
	ctx := testCtx(t)
	netA := newNetwork(t, e)
	netB := newNetwork(t, e)
	vol := newVolume(t, e)
	const mem = 64 << 20
	spec := engine.ContainerSpec{
		Hostname: "probe-host",
		Env:      []string{"FOO=bar"},
		Labels:   testLabels("io.hactl.test.role", "full"),
		Networks: []engine.NetworkAttachment{
			{Network: netA, Aliases: []string{"alpha"}},
			{Network: netB, Aliases: []string{"beta", "beta2"}},
		},
		Ports: []engine.PortBinding{{ContainerPort: 8080}},
		Mounts: []engine.Mount{
			{Type: engine.MountVolume, Source: vol, Target: "/data"},
			{Type: engine.MountTmpfs, Target: "/scratch"},
		},
		Files: []engine.File{
			{Path: "/etc/hactl/redis.conf", Mode: 0o640, Content: []byte("port 6379\n")},
			{Path: "/etc/hactl/sentinel/sentinel.conf", Mode: 0o600, Content: []byte("sentinel\n")},
			{Path: "/usr/local/bin/tool", Mode: 0o755, Content: []byte("#!/bin/true\n")},
		},
		Healthcheck: &engine.Healthcheck{
			Test:     []string{"CMD", "/probe", "exit", "0"},
			Interval: time.Second,
			Timeout:  2 * time.Second,
			Retries:  3,
		},
		StopSignal:  "SIGTERM",
		StopTimeout: 5 * time.Second,
		Restart:     "no",
		Init:        true,
		Sysctls:     map[string]string{"net.core.somaxconn": "1024"},
		MemoryBytes: mem,
	}
	name := newContainer(t, e, spec)

	c := mustInspect(t, e, name)
	if c.State != "created" || c.Name != name || c.Image != importedImage || c.Labels["io.hactl.test.role"] != "full" {
		t.Errorf("after create: %+v", c)
	}
	if want := []string{netA, netB}; !slices.Equal(c.Networks, want) {
		t.Errorf("networks = %v, want %v", c.Networks, want)
	}
	if len(c.Ports) != 1 || c.Ports[0].HostIP != "127.0.0.1" || c.Ports[0].ContainerPort != 8080 || c.Ports[0].Protocol != "tcp" {
		t.Errorf("ports before start = %+v", c.Ports)
	}
	if c.Created.IsZero() || !c.Started.IsZero() {
		t.Errorf("created %v, started %v", c.Created, c.Started)
	}

	if err := e.StartContainer(ctx, name); err != nil {
		t.Fatal(err)
	}
	c = mustInspect(t, e, name)
	if c.State != "running" || c.Started.IsZero() {
		t.Fatalf("after start: %+v", c)
	}
	if len(c.Ports) != 1 || c.Ports[0].HostIP != "127.0.0.1" || c.Ports[0].HostPort == 0 {
		t.Fatalf("published ports = %+v, want one engine-chosen port on 127.0.0.1", c.Ports)
	}
	addr := net.JoinHostPort("127.0.0.1", fmt.Sprint(c.Ports[0].HostPort))
	waitFor(t, 10*time.Second, "greeting on "+addr, func() bool {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return false
		}
		defer conn.Close()
		_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
		line, _ := bufio.NewReader(conn).ReadString('\n')
		return line == "hello from probe\n"
	})

	// Files copied before the start are there with their modes, and their
	// new parent directories were created.
	for path, want := range map[string]string{
		"/etc/hactl/redis.conf":             "false 0640",
		"/etc/hactl/sentinel/sentinel.conf": "false 0600",
		"/etc/hactl":                        "true 0755",
		"/etc/hactl/sentinel":               "true 0755",
		"/usr/local/bin/tool":               "false 0755",
	} {
		res := mustExec(t, e, name, nil, "/probe", "stat", path)
		if got := strings.TrimSpace(string(res.Stdout)); got != want || res.ExitCode != 0 {
			t.Errorf("stat %s = %q (exit %d, stderr %q), want %q", path, got, res.ExitCode, res.Stderr, want)
		}
	}
	if res := mustExec(t, e, name, nil, "/probe", "cat", "/etc/hactl/redis.conf"); string(res.Stdout) != "port 6379\n" {
		t.Errorf("redis.conf = %q", res.Stdout)
	}
	if res := mustExec(t, e, name, nil, "/probe", "hostname"); string(res.Stdout) != "probe-host\n" {
		t.Errorf("hostname = %q", res.Stdout)
	}
	for _, dir := range []string{"/data", "/scratch"} {
		if res := mustExec(t, e, name, nil, "/probe", "stat", dir); !strings.HasPrefix(string(res.Stdout), "true ") {
			t.Errorf("mount %s missing: %+v", dir, res)
		}
	}

	waitFor(t, 20*time.Second, "healthy", func() bool { return mustInspect(t, e, name).Health == "healthy" })

	st, err := e.Stats(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	if st.MemoryBytes == 0 || st.MemoryLimit != mem || st.Read.IsZero() || st.CPUPercent < 0 {
		t.Errorf("stats = %+v", st)
	}
	t.Logf("stats: %+v", st)

	if err := e.RemoveVolume(ctx, vol); err == nil || errors.Is(err, engine.ErrNotFound) || !strings.Contains(err.Error(), "in use") {
		t.Errorf("removing a volume in use: error = %v", err)
	}
}

func TestStateTransitions(t *testing.T) {
	e := requireEngine(t)
	ctx := testCtx(t)
	name := startProbe(t, e, engine.ContainerSpec{Init: true, StopTimeout: 10 * time.Second})
	state := func() engine.Container { return mustInspect(t, e, name) }

	if err := e.PauseContainer(ctx, name); err != nil {
		t.Fatal(err)
	}
	if s := state().State; s != "paused" {
		t.Errorf("after pause: %s", s)
	}
	if err := e.UnpauseContainer(ctx, name); err != nil {
		t.Fatal(err)
	}
	if s := state().State; s != "running" {
		t.Errorf("after unpause: %s", s)
	}

	start := time.Now()
	if err := e.StopContainer(ctx, name, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if c := state(); c.State != "exited" || c.ExitCode != 0 {
		t.Errorf("after stop: state %s, exit code %d", c.State, c.ExitCode)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("stop took %s: SIGTERM was not handled", d)
	}
	if err := e.StopContainer(ctx, name, time.Second); err != nil {
		t.Errorf("stopping a stopped container: %v", err)
	}

	if err := e.StartContainer(ctx, name); err != nil {
		t.Fatal(err)
	}
	if s := state().State; s != "running" {
		t.Errorf("after restart: %s", s)
	}
	if err := e.KillContainer(ctx, name, "SIGKILL"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "exit after SIGKILL", func() bool { return state().State == "exited" })
	if c := state(); c.ExitCode != 137 {
		t.Errorf("exit code after SIGKILL = %d, want 137", c.ExitCode)
	}
	if err := e.KillContainer(ctx, name, "SIGKILL"); err == nil {
		t.Error("killing a stopped container succeeded")
	}

	if err := e.RemoveContainer(ctx, name); err != nil {
		t.Fatal(err)
	}
	if _, err := e.InspectContainer(ctx, name); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("inspect after remove: %v", err)
	}
	if err := e.RemoveContainer(ctx, name); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("second remove: %v", err)
	}
}

func TestExec(t *testing.T) {
	e := requireEngine(t)
	ctx := testCtx(t)
	name := startProbe(t, e, engine.ContainerSpec{})

	res := mustExec(t, e, name, nil, "/probe", "split", "to stdout", "to stderr", "3")
	if res.ExitCode != 3 || string(res.Stdout) != "to stdout" || string(res.Stderr) != "to stderr" {
		t.Errorf("split = exit %d, stdout %q, stderr %q", res.ExitCode, res.Stdout, res.Stderr)
	}
	if res := mustExec(t, e, name, nil, "/probe", "exit", "0"); res.ExitCode != 0 || len(res.Stdout)+len(res.Stderr) != 0 {
		t.Errorf("exit 0 = %+v", res)
	}
	if res := mustExec(t, e, name, []string{"REDISCLI_AUTH=s3cret"}, "/probe", "env", "REDISCLI_AUTH"); string(res.Stdout) != "s3cret\n" {
		t.Errorf("env = %+v", res)
	}
	if res := mustExec(t, e, name, nil, "/no/such/binary"); res.ExitCode == 0 {
		t.Errorf("missing binary exited 0: %+v", res)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := e.Exec(cancelled, name, []string{"/probe", "echo", "x"}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("exec with a cancelled context: %v", err)
	}
	if _, err := e.Exec(ctx, name, nil, nil); err == nil {
		t.Error("exec of an empty command succeeded")
	}
}

func TestLogs(t *testing.T) {
	e := requireEngine(t)
	ctx := testCtx(t)
	name := startProbe(t, e, engine.ContainerSpec{})

	var all bytes.Buffer
	if err := e.Logs(ctx, name, engine.LogOptions{}, &all); err != nil {
		t.Fatal(err)
	}
	if got, want := all.String(), "err-1\nout-1\nout-2\nout-3\n"; got != want {
		t.Errorf("logs = %q, want %q", got, want)
	}

	var tail bytes.Buffer
	if err := e.Logs(ctx, name, engine.LogOptions{Tail: 2, Timestamps: true}, &tail); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(tail.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("tail 2 gave %q", tail.String())
	}
	for i, want := range []string{"out-2", "out-3"} {
		ts, text, _ := strings.Cut(lines[i], " ")
		if _, err := time.Parse(time.RFC3339Nano, ts); err != nil || text != want {
			t.Errorf("line %d = %q, want a timestamp and %q", i, lines[i], want)
		}
	}

	var since bytes.Buffer
	if err := e.Logs(ctx, name, engine.LogOptions{Since: time.Now().Add(time.Second)}, &since); err != nil {
		t.Fatal(err)
	}
	if since.Len() != 0 {
		t.Errorf("logs since the future = %q", since.String())
	}

	followCtx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	var follow bytes.Buffer
	start := time.Now()
	if err := e.Logs(followCtx, name, engine.LogOptions{Follow: true, Tail: 1}, &follow); err != nil {
		t.Errorf("follow ended by the context: %v", err)
	}
	if d := time.Since(start); d < 900*time.Millisecond || d > 10*time.Second {
		t.Errorf("follow returned after %s", d)
	}
	if follow.String() != "out-3\n" {
		t.Errorf("follow = %q", follow.String())
	}

	if err := e.StopContainer(ctx, name, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	var afterStop bytes.Buffer
	if err := e.Logs(ctx, name, engine.LogOptions{Follow: true, Tail: 1}, &afterStop); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(afterStop.String(), "got terminated") {
		t.Errorf("logs after stop = %q", afterStop.String())
	}
}

func TestStatsStopped(t *testing.T) {
	e := requireEngine(t)
	name := newContainer(t, e, engine.ContainerSpec{})
	st, err := e.Stats(testCtx(t), name)
	if err != nil {
		t.Fatal(err)
	}
	if st.CPUPercent != 0 || st.MemoryBytes != 0 {
		t.Errorf("stats of a created container = %+v", st)
	}
}

func TestCreateFailureRemovesContainer(t *testing.T) {
	e := requireEngine(t)
	ctx := testCtx(t)
	netA := newNetwork(t, e)
	name := uniqueName("ctr")
	_, err := e.CreateContainer(ctx, engine.ContainerSpec{
		Name:   name,
		Image:  importedImage,
		Labels: testLabels(),
		Networks: []engine.NetworkAttachment{
			{Network: netA},
			{Network: uniqueName("missing-net")},
		},
	})
	if !errors.Is(err, engine.ErrNotFound) {
		t.Fatalf("create with a missing second network: %v", err)
	}
	if _, err := e.InspectContainer(ctx, name); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("half-created container was left behind: %v", err)
	}

	_, err = e.CreateContainer(ctx, engine.ContainerSpec{
		Name: name, Image: importedImage, Labels: testLabels(),
		Files: []engine.File{{Path: "relative/path", Content: []byte("x")}},
	})
	if err == nil || !strings.Contains(err.Error(), "relative/path") {
		t.Errorf("create with a relative file path: %v", err)
	}
	if _, err := e.InspectContainer(ctx, name); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("container with bad files was left behind: %v", err)
	}
}
