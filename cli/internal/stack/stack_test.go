package stack_test

import (
	"context"
	"errors"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hactl/hactl/cli/internal/desired"
	"github.com/hactl/hactl/cli/internal/engine"
	"github.com/hactl/hactl/cli/internal/engine/memory"
	"github.com/hactl/hactl/cli/internal/labels"
	"github.com/hactl/hactl/cli/internal/plan"
	"github.com/hactl/hactl/cli/internal/render"
	"github.com/hactl/hactl/cli/internal/secrets"
	"github.com/hactl/hactl/cli/internal/stack"
	"github.com/hactl/hactl/cli/internal/topology"
)

// freePort returns a port on 127.0.0.1 that nothing listens on.
func freePort(t *testing.T) uint16 {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return uint16(l.Addr().(*net.TCPAddr).Port)
}

// listen holds a port on 127.0.0.1 for the rest of the test.
func listen(t *testing.T) uint16 {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return uint16(l.Addr().(*net.TCPAddr).Port)
}

// state renders the default topology, changed by edit, with HAProxy on
// port instead of 6301 so the tests do not depend on what the host runs.
func state(t *testing.T, port uint16, edit func(*topology.Topology)) desired.State {
	t.Helper()
	topo := topology.Default()
	topo.HAProxy.Port = int(port)
	if edit != nil {
		edit(&topo)
	}
	out, err := render.Render(topo, secrets.Fixed())
	if err != nil {
		t.Fatal(err)
	}
	st, err := desired.FromOutput(out)
	if err != nil {
		t.Fatal(err)
	}
	if h, _ := st.Container("haproxy"); h.Spec.Ports[0].HostPort != port {
		t.Fatalf("haproxy publishes %+v", h.Spec.Ports)
	}
	return st
}

// images is an ImageEnsurer that "builds" every image into the engine.
type images struct {
	e    *memory.Engine
	mu   sync.Mutex
	refs [][]string
}

func (im *images) Ensure(_ context.Context, refs []string) error {
	im.mu.Lock()
	defer im.mu.Unlock()
	im.refs = append(im.refs, slices.Clone(refs))
	for _, r := range refs {
		im.e.AddImage(r)
	}
	return nil
}

// awaiter records what it is asked to wait for.
type awaiter struct {
	mu    sync.Mutex
	calls [][]string
}

func (a *awaiter) Await(_ context.Context, services []string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls = append(a.calls, slices.Clone(services))
	return nil
}

func creates(calls []string) []string {
	var out []string
	for _, c := range calls {
		if strings.HasPrefix(c, "create-") {
			out = append(out, c)
		}
	}
	return out
}

func TestUpTwice(t *testing.T) {
	ctx := context.Background()
	e := memory.New()
	e.RequireImages = true // so a skipped image step would fail the create
	im := &images{e: e}
	want := state(t, freePort(t), nil)

	a := &awaiter{}
	res, err := stack.Up(ctx, e, want, stack.UpOptions{Images: im, Waiter: a})
	if err != nil {
		t.Fatal(err)
	}
	if res.Plan.Empty() || len(res.Result.Created) != 14 {
		t.Errorf("first up: plan empty %v, created %q", res.Plan.Empty(), res.Result.Created)
	}
	wantImages := []string{want.Containers[0].Spec.Image, "web:v1"} // haproxy, redis and sentinel share one image
	if len(im.refs) != 1 || !slices.Equal(im.refs[0], wantImages) {
		t.Errorf("images ensured: %q, want one call with %q", im.refs, wantImages)
	}
	if len(a.calls) != 4 {
		t.Errorf("awaited %q", a.calls)
	}
	if n := len(creates(e.Calls())); n != 14 {
		t.Errorf("%d creates in the first up: %q", n, e.Calls())
	}

	e.ResetCalls()
	a.calls = nil
	res, err = stack.Up(ctx, e, want, stack.UpOptions{Images: im, Waiter: a})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Plan.Empty() || len(res.Plan.Unchanged) != 9 {
		t.Errorf("second up: plan %v, unchanged %q", res.Plan.Ops(), res.Plan.Unchanged)
	}
	if calls := e.Calls(); len(calls) != 0 {
		t.Errorf("second up made mutating calls: %q", calls)
	}
	if len(a.calls) != 0 || len(im.refs) != 1 {
		t.Errorf("second up awaited %q, ensured images %q", a.calls, im.refs)
	}
}

func TestUpRecreatesOnlyTheChangedService(t *testing.T) {
	ctx := context.Background()
	e := memory.New()
	port := freePort(t)
	if _, err := stack.Up(ctx, e, state(t, port, nil), stack.UpOptions{}); err != nil {
		t.Fatal(err)
	}
	before, _ := e.InspectContainer(ctx, "hactl-haproxy")
	e.ResetCalls()

	want := state(t, port, func(topo *topology.Topology) { topo.HAProxy.MaxConn = 1000 })
	a := &awaiter{}
	res, err := stack.Up(ctx, e, want, stack.UpOptions{Waiter: a})
	if err != nil {
		t.Fatal(err)
	}
	wantCalls := []string{
		"stop-container hactl-haproxy",
		"remove-container hactl-haproxy",
		"create-container hactl-haproxy",
		"start-container hactl-haproxy",
	}
	if got := e.Calls(); !slices.Equal(got, wantCalls) {
		t.Errorf("calls = %q\nwant %q", got, wantCalls)
	}
	if !slices.EqualFunc(a.calls, [][]string{{"haproxy"}}, slices.Equal) {
		t.Errorf("awaited %q", a.calls)
	}
	if len(res.Plan.Unchanged) != 8 || slices.Contains(res.Plan.Unchanged, "haproxy") {
		t.Errorf("unchanged = %q", res.Plan.Unchanged)
	}
	after, _ := e.InspectContainer(ctx, "hactl-haproxy")
	h, _ := want.Container("haproxy")
	if after.ID == before.ID || after.Labels[labels.ConfigHash] != h.Hash {
		t.Errorf("haproxy not replaced: before %s, after %s %s", before.ID, after.ID, after.Labels[labels.ConfigHash])
	}
}

func TestPreflight(t *testing.T) {
	other := map[string]string{labels.Project: "other"}
	tests := []struct {
		name  string
		setup func(t *testing.T, e *memory.Engine) uint16 // returns HAProxy's port
		err   []string
	}{
		{
			name: "container of another project",
			setup: func(t *testing.T, e *memory.Engine) uint16 {
				_, err := e.CreateContainer(context.Background(), engine.ContainerSpec{Name: "hactl-sentinel-2", Labels: other})
				if err != nil {
					t.Fatal(err)
				}
				return freePort(t)
			},
			err: []string{"container named hactl-sentinel-2", "project other"},
		},
		{
			name: "container of no project",
			setup: func(t *testing.T, e *memory.Engine) uint16 {
				_, err := e.CreateContainer(context.Background(), engine.ContainerSpec{Name: "hactl-haproxy"})
				if err != nil {
					t.Fatal(err)
				}
				return freePort(t)
			},
			err: []string{"container named hactl-haproxy", "no compose project"},
		},
		{
			name: "network of another project",
			setup: func(t *testing.T, e *memory.Engine) uint16 {
				if _, err := e.CreateNetwork(context.Background(), engine.NetworkSpec{Name: "hactl_front", Labels: other}); err != nil {
					t.Fatal(err)
				}
				return freePort(t)
			},
			err: []string{"network named hactl_front", `"other"`},
		},
		{
			name:  "port in use",
			setup: func(t *testing.T, e *memory.Engine) uint16 { return listen(t) },
			err:   []string{"port 127.0.0.1:", "for haproxy is already in use"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			e := memory.New()
			port := tt.setup(t, e)
			before := e.Objects()
			e.ResetCalls()
			want := state(t, port, nil)
			_, err := stack.Up(ctx, e, want, stack.UpOptions{Waiter: &awaiter{}})
			if err == nil {
				t.Fatal("up succeeded")
			}
			for _, s := range tt.err {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
			if tt.name == "port in use" && !strings.Contains(err.Error(), strconv.Itoa(int(port))) {
				t.Errorf("error %q does not name port %d", err, port)
			}
			if calls := e.Calls(); len(calls) != 0 {
				t.Errorf("up made calls after a failed preflight: %q", calls)
			}
			if after := e.Objects(); !slices.Equal(after, before) {
				t.Errorf("objects changed: %q -> %q", before, after)
			}

			// Preflight itself says the same.
			have, err := stack.Observe(ctx, e, "hactl")
			if err != nil {
				t.Fatal(err)
			}
			p, err := plan.Make(want, have)
			if err != nil {
				t.Fatal(err)
			}
			if err := stack.Preflight(ctx, e, want, p, have); err == nil || !strings.Contains(err.Error(), tt.err[0]) {
				t.Errorf("preflight: %v", err)
			}
		})
	}
}

// A port that one of the project's own running containers holds is not a
// clash when the plan replaces that container; a port that a stopped
// container of the project was published on, and that another program took
// meanwhile, is.
func TestPreflightOwnPort(t *testing.T) {
	ctx := context.Background()
	e := memory.New()
	port := freePort(t)
	if _, err := stack.Up(ctx, e, state(t, port, nil), stack.UpOptions{}); err != nil {
		t.Fatal(err)
	}
	// The fake engine binds nothing: this listener stands for the running
	// HAProxy's published port.
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(int(port))))
	if err != nil {
		t.Skipf("port %d was taken meanwhile: %v", port, err)
	}
	defer l.Close()

	e.ResetCalls()
	maxConn := func(n int) func(*topology.Topology) {
		return func(topo *topology.Topology) { topo.HAProxy.MaxConn = n }
	}
	if _, err := stack.Up(ctx, e, state(t, port, maxConn(1000)), stack.UpOptions{}); err != nil {
		t.Fatalf("recreating HAProxy on the port it holds: %v", err)
	}
	if got := creates(e.Calls()); !slices.Equal(got, []string{"create-container hactl-haproxy"}) {
		t.Errorf("creates = %q", got)
	}

	// HAProxy stops; the port now belongs to another program.
	if err := e.StopContainer(ctx, "hactl-haproxy", 0); err != nil {
		t.Fatal(err)
	}
	e.ResetCalls()
	_, err = stack.Up(ctx, e, state(t, port, maxConn(2000)), stack.UpOptions{})
	if err == nil || !strings.Contains(err.Error(), "already in use by another program") {
		t.Fatalf("up on a port another program took from a stopped HAProxy: %v", err)
	}
	if calls := e.Calls(); len(calls) != 0 {
		t.Errorf("calls after a failed preflight: %q", calls)
	}
}

func TestDown(t *testing.T) {
	ctx := context.Background()

	t.Run("nothing there", func(t *testing.T) {
		e := memory.New()
		res, err := stack.Down(ctx, e, "hactl", stack.DownOptions{Volumes: true})
		if err != nil || !res.Empty() || res != (stack.DownResult{}) {
			t.Errorf("down = %+v, %v", res, err)
		}
		if calls := e.Calls(); len(calls) != 0 {
			t.Errorf("calls = %q", calls)
		}
	})

	for _, volumes := range []bool{false, true} {
		name := "keeps volumes"
		if volumes {
			name = "removes volumes"
		}
		t.Run(name, func(t *testing.T) {
			e := memory.New()
			if _, err := stack.Up(ctx, e, state(t, freePort(t), nil), stack.UpOptions{}); err != nil {
				t.Fatal(err)
			}
			// Another project's objects are left alone.
			other := map[string]string{labels.Project: "other"}
			if _, err := e.CreateNetwork(ctx, engine.NetworkSpec{Name: "other_net", Labels: other}); err != nil {
				t.Fatal(err)
			}
			if err := e.CreateVolume(ctx, engine.VolumeSpec{Name: "other_vol", Labels: other}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.CreateContainer(ctx, engine.ContainerSpec{Name: "other-app", Labels: other}); err != nil {
				t.Fatal(err)
			}
			// A stopped container goes too.
			if err := e.StopContainer(ctx, "hactl-redis-3", 0); err != nil {
				t.Fatal(err)
			}
			e.ResetCalls()

			res, err := stack.Down(ctx, e, "hactl", stack.DownOptions{Volumes: volumes})
			if err != nil {
				t.Fatal(err)
			}
			wantRes := stack.DownResult{Containers: 9, Networks: 2}
			wantLeft := []string{
				"container other-app", "network other_net", "volume hactl_redis-1-data",
				"volume hactl_redis-2-data", "volume hactl_redis-3-data", "volume other_vol",
			}
			if volumes {
				wantRes.Volumes = 3
				wantLeft = []string{"container other-app", "network other_net", "volume other_vol"}
			}
			if res != wantRes {
				t.Errorf("down = %+v, want %+v", res, wantRes)
			}
			if left := e.Objects(); !slices.Equal(left, wantLeft) {
				t.Errorf("left = %q\nwant %q", left, wantLeft)
			}
			// Networks go only once every container is gone.
			calls := e.Calls()
			lastContainer := slices.IndexFunc(calls, func(c string) bool { return strings.HasPrefix(c, "remove-network") }) - 1
			for _, c := range calls[lastContainer+1:] {
				if strings.Contains(c, "-container") {
					t.Errorf("container call after the first network removal: %q", calls)
					break
				}
			}

			again, err := stack.Down(ctx, e, "hactl", stack.DownOptions{Volumes: volumes})
			if err != nil || !again.Empty() {
				t.Errorf("second down = %+v, %v", again, err)
			}
		})
	}
}

func TestUpEngineErrors(t *testing.T) {
	ctx := context.Background()
	e := memory.New()
	e.Unavailable = true
	if _, err := stack.Up(ctx, e, state(t, freePort(t), nil), stack.UpOptions{}); !errors.Is(err, engine.ErrUnavailable) {
		t.Errorf("up on an unavailable engine: %v", err)
	}
	if _, err := stack.Down(ctx, e, "hactl", stack.DownOptions{}); !errors.Is(err, engine.ErrUnavailable) {
		t.Errorf("down on an unavailable engine: %v", err)
	}

	// A failed up removes what it created, unless asked to keep it.
	e.Unavailable = false
	e.FailOn = func(op, name string) error {
		if op == memory.OpStartContainer && name == "hactl-web-app1" {
			return errors.New("injected")
		}
		return nil
	}
	if _, err := stack.Up(ctx, e, state(t, freePort(t), nil), stack.UpOptions{}); err == nil || !strings.Contains(err.Error(), "injected") {
		t.Fatalf("up = %v", err)
	}
	if objs := e.Objects(); len(objs) != 0 {
		t.Errorf("left after a failed up: %q", objs)
	}
	if _, err := stack.Up(ctx, e, state(t, freePort(t), nil), stack.UpOptions{KeepOnFailure: true}); err == nil {
		t.Fatal("up succeeded")
	}
	if objs := e.Objects(); len(objs) != 12 { // 2 networks, 3 volumes, 7 containers
		t.Errorf("kept %d objects: %q", len(objs), objs)
	}
}
