package memory

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hactl/hactl/cli/internal/engine"
)

var ctx = context.Background()

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// seed makes a network, a volume and a container using both.
func seed(t *testing.T, e *Engine) string {
	t.Helper()
	_, err := e.CreateNetwork(ctx, engine.NetworkSpec{Name: "p_back", Internal: true, Labels: map[string]string{"project": "p"}})
	must(t, err)
	must(t, e.CreateVolume(ctx, engine.VolumeSpec{Name: "p_data", Labels: map[string]string{"project": "p"}}))
	id, err := e.CreateContainer(ctx, engine.ContainerSpec{
		Name:        "p-redis-1",
		Image:       "redis:7",
		Labels:      map[string]string{"project": "p", "role": "redis"},
		Networks:    []engine.NetworkAttachment{{Network: "p_back", Aliases: []string{"redis-1"}}},
		Mounts:      []engine.Mount{{Type: engine.MountVolume, Source: "p_data", Target: "/data"}},
		Ports:       []engine.PortBinding{{HostIP: "127.0.0.1", HostPort: 7000, ContainerPort: 6379, Protocol: "tcp"}},
		Files:       []engine.File{{Path: "/etc/hactl/redis.conf", Mode: 0o644, Content: []byte("port 6379\n")}},
		Healthcheck: &engine.Healthcheck{Test: []string{"CMD", "redis-cli", "ping"}},
	})
	must(t, err)
	return id
}

func TestContainerLifecycle(t *testing.T) {
	e := New()
	id := seed(t, e)

	c, err := e.InspectContainer(ctx, id)
	must(t, err)
	if c.Name != "p-redis-1" || c.State != "created" || c.Image != "redis:7" || c.Health != "" {
		t.Fatalf("after create: %+v", c)
	}
	if !slices.Equal(c.Networks, []string{"p_back"}) || len(c.Ports) != 1 || c.Ports[0].HostPort != 7000 {
		t.Errorf("networks %v ports %v", c.Networks, c.Ports)
	}
	if f, ok := e.File("p-redis-1", "/etc/hactl/redis.conf"); !ok || string(f.Content) != "port 6379\n" {
		t.Errorf("file = %+v, %v", f, ok)
	}

	steps := []struct {
		op       func() error
		state    string
		exitCode int
		health   string
	}{
		{func() error { return e.StartContainer(ctx, "p-redis-1") }, "running", 0, "healthy"},
		{func() error { return e.StartContainer(ctx, "p-redis-1") }, "running", 0, "healthy"},
		{func() error { return e.PauseContainer(ctx, "p-redis-1") }, "paused", 0, "healthy"},
		{func() error { return e.UnpauseContainer(ctx, "p-redis-1") }, "running", 0, "healthy"},
		{func() error { return e.StopContainer(ctx, "p-redis-1", 0) }, "exited", 0, ""},
		{func() error { return e.StopContainer(ctx, "p-redis-1", 0) }, "exited", 0, ""},
		{func() error { return e.StartContainer(ctx, id[:12]) }, "running", 0, "healthy"},
		{func() error { return e.KillContainer(ctx, "p-redis-1", "SIGHUP") }, "running", 0, "healthy"},
		{func() error { return e.KillContainer(ctx, "p-redis-1", "") }, "exited", 137, ""},
	}
	for i, s := range steps {
		must(t, s.op())
		c, err := e.InspectContainer(ctx, "p-redis-1")
		must(t, err)
		if c.State != s.state || c.ExitCode != s.exitCode || c.Health != s.health {
			t.Errorf("step %d: state %s exit %d health %q, want %s %d %q", i, c.State, c.ExitCode, c.Health, s.state, s.exitCode, s.health)
		}
	}
	if c, _ := e.InspectContainer(ctx, "p-redis-1"); c.Started.IsZero() {
		t.Error("Started not set")
	}

	for name, err := range map[string]error{
		"kill exited":    e.KillContainer(ctx, "p-redis-1", ""),
		"pause exited":   e.PauseContainer(ctx, "p-redis-1"),
		"unpause exited": e.UnpauseContainer(ctx, "p-redis-1"),
	} {
		if !errors.Is(err, ErrConflict) {
			t.Errorf("%s: err = %v, want a conflict", name, err)
		}
	}

	must(t, e.RemoveContainer(ctx, "p-redis-1"))
	if _, err := e.InspectContainer(ctx, "p-redis-1"); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("inspect removed: %v", err)
	}
}

func TestNotFound(t *testing.T) {
	e := New()
	calls := map[string]error{
		"inspect":    func() error { _, err := e.InspectContainer(ctx, "x"); return err }(),
		"start":      e.StartContainer(ctx, "x"),
		"stop":       e.StopContainer(ctx, "x", 0),
		"kill":       e.KillContainer(ctx, "x", ""),
		"pause":      e.PauseContainer(ctx, "x"),
		"unpause":    e.UnpauseContainer(ctx, "x"),
		"remove":     e.RemoveContainer(ctx, "x"),
		"exec":       func() error { _, err := e.Exec(ctx, "x", nil, nil); return err }(),
		"logs":       e.Logs(ctx, "x", engine.LogOptions{}, &bytes.Buffer{}),
		"stats":      func() error { _, err := e.Stats(ctx, "x"); return err }(),
		"rm network": e.RemoveNetwork(ctx, "x"),
		"connect":    e.ConnectNetwork(ctx, "y", engine.NetworkAttachment{Network: "x"}),
		"disconnect": e.DisconnectNetwork(ctx, "x", "y"),
		"rm volume":  e.RemoveVolume(ctx, "x"),
		"image":      func() error { _, err := e.InspectImage(ctx, "x"); return err }(),
		"rm image":   e.RemoveImage(ctx, "x"),
		"create on missing network": func() error {
			_, err := e.CreateContainer(ctx, engine.ContainerSpec{Name: "c", Networks: []engine.NetworkAttachment{{Network: "nope"}}})
			return err
		}(),
		"create on missing volume": func() error {
			_, err := e.CreateContainer(ctx, engine.ContainerSpec{Name: "c", Mounts: []engine.Mount{{Type: engine.MountVolume, Source: "nope"}}})
			return err
		}(),
	}
	for name, err := range calls {
		if !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("%s: err = %v, want ErrNotFound", name, err)
		}
	}
	if objs := e.Objects(); len(objs) != 0 {
		t.Errorf("objects after failed calls: %v", objs)
	}
}

func TestUniqueNames(t *testing.T) {
	e := New()
	seed(t, e)
	_, err := e.CreateContainer(ctx, engine.ContainerSpec{Name: "p-redis-1"})
	if !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "already in use") {
		t.Errorf("duplicate container: %v", err)
	}
	if _, err := e.CreateNetwork(ctx, engine.NetworkSpec{Name: "p_back"}); !errors.Is(err, ErrConflict) {
		t.Errorf("duplicate network: %v", err)
	}
	if err := e.CreateVolume(ctx, engine.VolumeSpec{Name: "p_data"}); !errors.Is(err, ErrConflict) {
		t.Errorf("duplicate volume: %v", err)
	}
}

func TestInUse(t *testing.T) {
	e := New()
	seed(t, e)
	e.AddImage("redis:7")
	if err := e.RemoveNetwork(ctx, "p_back"); !errors.Is(err, ErrConflict) {
		t.Errorf("remove network in use: %v", err)
	}
	if err := e.RemoveVolume(ctx, "p_data"); !errors.Is(err, ErrConflict) {
		t.Errorf("remove volume in use: %v", err)
	}
	if err := e.RemoveImage(ctx, "redis:7"); !errors.Is(err, ErrConflict) {
		t.Errorf("remove image in use: %v", err)
	}
	must(t, e.RemoveContainer(ctx, "p-redis-1"))
	must(t, e.RemoveNetwork(ctx, "p_back"))
	must(t, e.RemoveVolume(ctx, "p_data"))
	must(t, e.RemoveImage(ctx, "redis:7"))
	if objs := e.Objects(); len(objs) != 0 {
		t.Errorf("objects left: %v", objs)
	}
}

func TestNetworks(t *testing.T) {
	e := New()
	seed(t, e)
	_, err := e.CreateNetwork(ctx, engine.NetworkSpec{Name: "p_front", Labels: map[string]string{"project": "p", "x": "1"}})
	must(t, err)
	if internal, ok := e.NetworkInternal("p_back"); !ok || !internal {
		t.Errorf("p_back internal = %v, %v", internal, ok)
	}
	must(t, e.ConnectNetwork(ctx, "p-redis-1", engine.NetworkAttachment{Network: "p_front", Aliases: []string{"redis-1", "cache"}}))
	if err := e.ConnectNetwork(ctx, "p-redis-1", engine.NetworkAttachment{Network: "p_front"}); !errors.Is(err, ErrConflict) {
		t.Errorf("connect twice: %v", err)
	}
	c, _ := e.InspectContainer(ctx, "p-redis-1")
	if !slices.Equal(c.Networks, []string{"p_back", "p_front"}) {
		t.Errorf("networks = %v", c.Networks)
	}
	spec, _ := e.Spec("p-redis-1")
	if len(spec.Networks) != 2 || spec.Networks[1].Network != "p_front" || !slices.Equal(spec.Networks[1].Aliases, []string{"redis-1", "cache"}) {
		t.Errorf("attachments = %+v", spec.Networks)
	}
	must(t, e.DisconnectNetwork(ctx, "p_front", "p-redis-1"))
	must(t, e.RemoveNetwork(ctx, "p_front"))

	nets, err := e.ListNetworks(ctx, nil)
	must(t, err)
	if len(nets) != 1 || nets[0].Name != "p_back" || nets[0].Driver != "bridge" || nets[0].ID == "" {
		t.Errorf("networks = %+v", nets)
	}
}

func TestLabelFilter(t *testing.T) {
	e := New()
	for i, l := range []map[string]string{
		{"project": "a", "oneoff": "False"},
		{"project": "a"},
		{"project": "b", "oneoff": "True"},
		nil,
	} {
		_, err := e.CreateContainer(ctx, engine.ContainerSpec{Name: fmt.Sprintf("c%d", i), Labels: l})
		must(t, err)
	}
	tests := []struct {
		filter map[string]string
		want   []string
	}{
		{nil, []string{"c0", "c1", "c2", "c3"}},
		{map[string]string{"project": "a"}, []string{"c0", "c1"}},
		{map[string]string{"project": ""}, []string{"c0", "c1", "c2"}},
		{map[string]string{"project": "a", "oneoff": ""}, []string{"c0"}},
		{map[string]string{"oneoff": "True"}, []string{"c2"}},
		{map[string]string{"project": "c"}, nil},
	}
	for _, tt := range tests {
		list, err := e.ListContainers(ctx, tt.filter)
		must(t, err)
		var got []string
		for _, c := range list {
			got = append(got, c.Name)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("filter %v: %v, want %v", tt.filter, got, tt.want)
		}
	}
}

func TestCallsAndFailOn(t *testing.T) {
	e := New()
	e.FailOn = func(op, name string) error {
		if op == OpStartContainer && name == "p-redis-1" {
			return errors.New("injected")
		}
		return nil
	}
	id := seed(t, e)
	err := e.StartContainer(ctx, id) // by ID: FailOn still sees the name
	if err == nil || !strings.Contains(err.Error(), "injected") {
		t.Fatalf("start: %v", err)
	}
	if c, _ := e.InspectContainer(ctx, id); c.State != "created" {
		t.Errorf("failed start changed the state to %s", c.State)
	}
	_, _ = e.ListContainers(ctx, nil) // reads are not logged
	want := []string{
		"create-network p_back",
		"create-volume p_data",
		"create-container p-redis-1",
		"start-container p-redis-1",
	}
	if got := e.Calls(); !slices.Equal(got, want) {
		t.Errorf("calls = %q\nwant %q", got, want)
	}
	e.ResetCalls()
	if got := e.Calls(); len(got) != 0 {
		t.Errorf("calls after reset = %q", got)
	}
}

func TestUnavailable(t *testing.T) {
	e := New()
	seed(t, e)
	e.ResetCalls()
	e.Unavailable = true
	errs := []error{
		func() error { _, err := e.Ping(ctx); return err }(),
		func() error { _, err := e.ListContainers(ctx, nil); return err }(),
		func() error { _, err := e.ListNetworks(ctx, nil); return err }(),
		func() error { _, err := e.ListVolumes(ctx, nil); return err }(),
		func() error { _, err := e.ListImages(ctx, nil); return err }(),
		e.StartContainer(ctx, "p-redis-1"),
		e.RemoveNetwork(ctx, "p_back"),
		e.CreateVolume(ctx, engine.VolumeSpec{Name: "v"}),
	}
	for i, err := range errs {
		if !errors.Is(err, engine.ErrUnavailable) {
			t.Errorf("call %d: err = %v, want ErrUnavailable", i, err)
		}
	}
	if got := e.Calls(); len(got) != 0 {
		t.Errorf("calls while unavailable = %q", got)
	}
	e.Unavailable = false
	info, err := e.Ping(ctx)
	must(t, err)
	if info != DefaultInfo {
		t.Errorf("info = %+v", info)
	}
}

func TestCancelledContext(t *testing.T) {
	e := New()
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := e.CreateNetwork(cctx, engine.NetworkSpec{Name: "n"}); !errors.Is(err, context.Canceled) {
		t.Errorf("create with cancelled context: %v", err)
	}
	if len(e.Objects()) != 0 || len(e.Calls()) != 0 {
		t.Errorf("cancelled call changed something: %v %v", e.Objects(), e.Calls())
	}
}

func TestPortConflict(t *testing.T) {
	e := New()
	seed(t, e)
	must(t, e.StartContainer(ctx, "p-redis-1"))
	_, err := e.CreateContainer(ctx, engine.ContainerSpec{Name: "other",
		Ports: []engine.PortBinding{{HostIP: "0.0.0.0", HostPort: 7000, ContainerPort: 80}}})
	must(t, err)
	if err := e.StartContainer(ctx, "other"); !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), "already allocated") {
		t.Errorf("start on a taken port: %v", err)
	}
	must(t, e.StopContainer(ctx, "p-redis-1", 0))
	must(t, e.StartContainer(ctx, "other"))
}

func TestExecLogsStats(t *testing.T) {
	e := New()
	seed(t, e)
	if _, err := e.Exec(ctx, "p-redis-1", []string{"true"}, nil); !errors.Is(err, ErrConflict) {
		t.Errorf("exec in a created container: %v", err)
	}
	must(t, e.StartContainer(ctx, "p-redis-1"))
	res, err := e.Exec(ctx, "p-redis-1", []string{"redis-cli", "ping"}, nil)
	must(t, err)
	if res.ExitCode != 0 || len(res.Stdout) != 0 {
		t.Errorf("default exec = %+v", res)
	}
	e.ExecFunc = func(c string, cmd, env []string) (engine.ExecResult, error) {
		return engine.ExecResult{ExitCode: 3, Stdout: []byte(c + ":" + strings.Join(cmd, " ") + ":" + strings.Join(env, ","))}, nil
	}
	res, err = e.Exec(ctx, "p-redis-1", []string{"redis-cli", "ping"}, []string{"A=1"})
	must(t, err)
	if res.ExitCode != 3 || string(res.Stdout) != "p-redis-1:redis-cli ping:A=1" {
		t.Errorf("hooked exec = %d %q", res.ExitCode, res.Stdout)
	}

	e.SetLogs("p-redis-1", "one\ntwo\nthree\n")
	for tail, want := range map[int]string{0: "one\ntwo\nthree\n", 2: "two\nthree\n", 9: "one\ntwo\nthree\n"} {
		var buf bytes.Buffer
		must(t, e.Logs(ctx, "p-redis-1", engine.LogOptions{Tail: tail}, &buf))
		if buf.String() != want {
			t.Errorf("tail %d: %q, want %q", tail, buf.String(), want)
		}
	}
	st, err := e.Stats(ctx, "p-redis-1")
	must(t, err)
	if st.CPUPercent != 0 || st.MemoryBytes != 0 || st.Read.IsZero() {
		t.Errorf("stats = %+v", st)
	}
}

func TestImages(t *testing.T) {
	e := New()
	e.AddImage("redis")
	e.AddImageWithLabels("web:v1", map[string]string{"kind": "web"})
	if _, err := e.InspectImage(ctx, "redis:latest"); err != nil {
		t.Errorf("implicit latest tag: %v", err)
	}
	var lines []string
	must(t, e.BuildImage(ctx, strings.NewReader("tar"), "hactl/server:1", map[string]string{"kind": "server"}, func(l string) { lines = append(lines, l) }))
	must(t, e.ImportImage(ctx, strings.NewReader("rootfs"), "rootfs:1", nil, nil))
	if len(lines) == 0 {
		t.Error("no build progress")
	}
	img, err := e.InspectImage(ctx, "hactl/server:1")
	must(t, err)
	if img.Labels["kind"] != "server" || !slices.Equal(img.Tags, []string{"hactl/server:1"}) {
		t.Errorf("built image = %+v", img)
	}
	if byID, err := e.InspectImage(ctx, img.ID); err != nil || byID.Tags[0] != "hactl/server:1" {
		t.Errorf("by ID: %+v, %v", byID, err)
	}
	list, err := e.ListImages(ctx, map[string]string{"kind": ""})
	must(t, err)
	if len(list) != 2 {
		t.Errorf("labelled images = %+v", list)
	}

	e.RequireImages = true
	if _, err := e.CreateContainer(ctx, engine.ContainerSpec{Name: "c", Image: "missing:1"}); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("create with a missing image: %v", err)
	}
	if _, err := e.CreateContainer(ctx, engine.ContainerSpec{Name: "c", Image: "web:v1"}); err != nil {
		t.Errorf("create with a seeded image: %v", err)
	}
	want := []string{"build-image hactl/server:1", "import-image rootfs:1", "create-container c", "create-container c"}
	if got := e.Calls(); !slices.Equal(got, want) {
		t.Errorf("calls = %q", got)
	}
}

func TestSpecIsCopied(t *testing.T) {
	e := New()
	spec := engine.ContainerSpec{Name: "c", Env: []string{"A=1"}, Labels: map[string]string{"k": "v"}}
	_, err := e.CreateContainer(ctx, spec)
	must(t, err)
	spec.Env[0] = "A=2"
	spec.Labels["k"] = "changed"
	got, ok := e.Spec("c")
	if !ok || got.Env[0] != "A=1" || got.Labels["k"] != "v" {
		t.Errorf("stored spec changed with the caller's: %+v", got)
	}
	c, _ := e.InspectContainer(ctx, "c")
	c.Labels["k"] = "changed"
	if again, _ := e.InspectContainer(ctx, "c"); again.Labels["k"] != "v" {
		t.Error("inspect result shares the engine's labels")
	}
}

func TestConcurrentUse(t *testing.T) {
	e := New()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("c%d", i)
			if _, err := e.CreateContainer(ctx, engine.ContainerSpec{Name: name}); err != nil {
				t.Error(err)
				return
			}
			if err := e.StartContainer(ctx, name); err != nil {
				t.Error(err)
			}
			if _, err := e.ListContainers(ctx, nil); err != nil {
				t.Error(err)
			}
			if err := e.RemoveContainer(ctx, name); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got := len(e.Calls()); got != 60 {
		t.Errorf("%d calls logged, want 60", got)
	}
	if objs := e.Objects(); len(objs) != 0 {
		t.Errorf("objects left: %v", objs)
	}
}
