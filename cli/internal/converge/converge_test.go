package converge_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hactl/hactl/cli/internal/converge"
	"github.com/hactl/hactl/cli/internal/desired"
	"github.com/hactl/hactl/cli/internal/engine"
	"github.com/hactl/hactl/cli/internal/engine/memory"
	"github.com/hactl/hactl/cli/internal/labels"
	"github.com/hactl/hactl/cli/internal/plan"
	"github.com/hactl/hactl/cli/internal/render"
	"github.com/hactl/hactl/cli/internal/secrets"
	"github.com/hactl/hactl/cli/internal/topology"
	"github.com/hactl/hactl/cli/internal/ui"
)

var errBoom = errors.New("boom")

func defaultState(t *testing.T) desired.State {
	t.Helper()
	out, err := render.Render(topology.Default(), secrets.Fixed())
	if err != nil {
		t.Fatal(err)
	}
	st, err := desired.FromOutput(out)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// observe lists what the engine has of the project, as stack.Observe does.
func observe(t *testing.T, e *memory.Engine, project string) plan.Observed {
	t.Helper()
	ctx := context.Background()
	sel := labels.ForProject(project)
	var o plan.Observed
	var err error
	if o.Containers, err = e.ListContainers(ctx, sel); err != nil {
		t.Fatal(err)
	}
	if o.Networks, err = e.ListNetworks(ctx, sel); err != nil {
		t.Fatal(err)
	}
	if o.Volumes, err = e.ListVolumes(ctx, sel); err != nil {
		t.Fatal(err)
	}
	return o
}

func makePlan(t *testing.T, want desired.State, have plan.Observed) plan.Plan {
	t.Helper()
	p, err := plan.Make(want, have)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// awaiter records each call and answers with fn, if set.
type awaiter struct {
	mu    sync.Mutex
	calls [][]string
	fn    func(ctx context.Context, services []string) error
}

func (a *awaiter) Await(ctx context.Context, services []string) error {
	a.mu.Lock()
	a.calls = append(a.calls, slices.Clone(services))
	a.mu.Unlock()
	if a.fn != nil {
		return a.fn(ctx, services)
	}
	return nil
}

// failAt makes an awaiter fail with err when asked for service.
func failAt(service string, err error) *awaiter {
	return &awaiter{fn: func(_ context.Context, services []string) error {
		if slices.Contains(services, service) {
			return err
		}
		return nil
	}}
}

var stages = [][]string{
	{"redis-1", "redis-2", "redis-3"},
	{"sentinel-1", "sentinel-2", "sentinel-3"},
	{"web-app1", "web-app2"},
	{"haproxy"},
}

func TestExecuteFullPlan(t *testing.T) {
	ctx := context.Background()
	e := memory.New()
	want := defaultState(t)
	p := makePlan(t, want, plan.Observed{})

	started := 0
	a := &awaiter{}
	a.fn = func(ctx context.Context, services []string) error {
		// Every awaited service runs, and nothing of a later stage exists.
		started += len(services)
		for _, svc := range services {
			c, err := e.InspectContainer(ctx, "hactl-"+svc)
			if err != nil || c.State != "running" {
				return fmt.Errorf("awaiting %s: %+v %v", svc, c, err)
			}
		}
		all, _ := e.ListContainers(ctx, nil)
		if len(all) != started {
			return fmt.Errorf("awaiting %v: %d containers exist, %d started", services, len(all), started)
		}
		return nil
	}
	res, err := converge.Execute(ctx, e, p, a, converge.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(a.calls, stages, slices.Equal) {
		t.Errorf("awaited %q, want %q", a.calls, stages)
	}
	wantCreated := []string{"hactl_back", "hactl_front", "hactl_redis-1-data", "hactl_redis-2-data", "hactl_redis-3-data"}
	for _, st := range stages {
		for _, svc := range st {
			wantCreated = append(wantCreated, "hactl-"+svc)
		}
	}
	if !slices.Equal(res.Created, wantCreated) || len(res.Removed) != 0 {
		t.Errorf("result created %q removed %q", res.Created, res.Removed)
	}

	containers, _ := e.ListContainers(ctx, nil)
	if len(containers) != 9 {
		t.Fatalf("%d containers", len(containers))
	}
	for _, c := range containers {
		if c.State != "running" || c.Labels[labels.Project] != "hactl" {
			t.Errorf("%s: state %s labels %v", c.Name, c.State, c.Labels)
		}
	}
	spec, _ := e.Spec("hactl-web-app1")
	if len(spec.Networks) != 2 || spec.Networks[1].Network != "hactl_front" || !slices.Equal(spec.Networks[1].Aliases, []string{"web-app1"}) {
		t.Errorf("web-app1 networks = %+v", spec.Networks)
	}
	if f, ok := e.File("hactl-web-app1", "/run/secrets/redis_password"); !ok || string(f.Content) != secrets.Fixed().RedisPassword {
		t.Errorf("web-app1 secret = %+v, %v", f, ok)
	}
	if internal, ok := e.NetworkInternal("hactl_back"); !ok || !internal {
		t.Error("hactl_back is not internal")
	}

	// What the engine reports now is what was wanted.
	if again := makePlan(t, want, observe(t, e, "hactl")); !again.Empty() {
		t.Errorf("plan after execute: %v", again.Ops())
	}
}

func TestExecuteFailureCleansUp(t *testing.T) {
	tests := []struct {
		name   string
		await  *awaiter
		failOn func(op, name string) error
		err    error
		// left is what stays with KeepOnFailure: containers of these services.
		left []string
	}{
		{
			name:  "web app not ready",
			await: failAt("web-app1", errBoom),
			err:   errBoom,
			left:  []string{"redis-1", "redis-2", "redis-3", "sentinel-1", "sentinel-2", "sentinel-3", "web-app1", "web-app2"},
		},
		{
			name:  "redis not ready",
			await: failAt("redis-2", errBoom),
			err:   errBoom,
			left:  []string{"redis-1", "redis-2", "redis-3"},
		},
		{
			name:  "start of web-app1 fails",
			await: &awaiter{},
			failOn: func(op, name string) error {
				if op == memory.OpStartContainer && name == "hactl-web-app1" {
					return errBoom
				}
				return nil
			},
			err:  errBoom,
			left: []string{"redis-1", "redis-2", "redis-3", "sentinel-1", "sentinel-2", "sentinel-3", "web-app1"},
		},
		{
			name:  "create of a volume fails",
			await: &awaiter{},
			failOn: func(op, name string) error {
				if op == memory.OpCreateVolume && name == "hactl_redis-3-data" {
					return errBoom
				}
				return nil
			},
			err: errBoom,
		},
	}
	for _, tt := range tests {
		for _, keep := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/keep=%v", tt.name, keep), func(t *testing.T) {
				ctx := context.Background()
				e := memory.New()
				e.FailOn = tt.failOn
				p := makePlan(t, defaultState(t), plan.Observed{})
				tt.await.calls = nil
				_, err := converge.Execute(ctx, e, p, tt.await, converge.Options{KeepOnFailure: keep})
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				got := e.Objects()
				if !keep {
					if len(got) != 0 {
						t.Errorf("left after cleanup: %q", got)
					}
					checkUndoOrder(t, e.Calls())
					return
				}
				var containers []string
				for _, o := range got {
					if name, ok := strings.CutPrefix(o, "container hactl-"); ok {
						containers = append(containers, name)
					}
				}
				slices.Sort(containers)
				if !slices.Equal(containers, tt.left) {
					t.Errorf("containers kept = %q, want %q", containers, tt.left)
				}
				for _, c := range e.Calls() {
					if strings.HasPrefix(c, "remove-") {
						t.Errorf("KeepOnFailure removed something: %s", c)
					}
				}
			})
		}
	}
}

// checkUndoOrder checks that the removals after the failure undo the
// creations exactly: containers in reverse order, then networks, then
// volumes.
func checkUndoOrder(t *testing.T, calls []string) {
	t.Helper()
	var creates, removes []string
	for _, c := range calls {
		if rest, ok := strings.CutPrefix(c, "create-"); ok {
			creates = append(creates, rest)
		}
		if rest, ok := strings.CutPrefix(c, "remove-"); ok {
			removes = append(removes, rest)
		}
	}
	// When the failure was a create, that create made nothing to undo.
	made := creates
	if len(removes) == len(creates)-1 {
		made = creates[:len(creates)-1]
	}
	var want []string
	for _, kind := range []string{"container ", "network ", "volume "} {
		for i := len(made) - 1; i >= 0; i-- {
			if strings.HasPrefix(made[i], kind) {
				want = append(want, made[i])
			}
		}
	}
	if !slices.Equal(removes, want) {
		t.Errorf("removals = %q\nwant       %q", removes, want)
	}
}

func TestExecuteKeepsWhatExisted(t *testing.T) {
	ctx := context.Background()
	e := memory.New()
	want := defaultState(t)

	// Before the run: the back network, the data volumes and the Redis
	// containers, running.
	pre := want
	pre.Networks = want.Networks[:1]
	pre.Containers = nil
	for _, svc := range stages[0] {
		c, _ := want.Container(svc)
		pre.Containers = append(pre.Containers, c)
	}
	if pre.Networks[0].Name != "hactl_back" {
		t.Fatalf("first network is %s", pre.Networks[0].Name)
	}
	if _, err := converge.Execute(ctx, e, makePlan(t, pre, plan.Observed{}), nil, converge.Options{}); err != nil {
		t.Fatal(err)
	}
	before := e.Objects()
	ids := map[string]string{}
	for _, svc := range stages[0] {
		c, _ := e.InspectContainer(ctx, "hactl-"+svc)
		ids[svc] = c.ID
	}
	e.ResetCalls()

	p := makePlan(t, want, observe(t, e, "hactl"))
	if got := p.Unchanged; !slices.Equal(got, stages[0]) {
		t.Fatalf("unchanged = %q", got)
	}
	a := failAt("web-app2", errBoom)
	if _, err := converge.Execute(ctx, e, p, a, converge.Options{}); !errors.Is(err, errBoom) {
		t.Fatalf("err = %v", err)
	}
	if !slices.EqualFunc(a.calls, stages[1:3], slices.Equal) {
		t.Errorf("awaited %q", a.calls)
	}
	if after := e.Objects(); !slices.Equal(after, before) {
		t.Errorf("after the failed run:\n%q\nbefore:\n%q", after, before)
	}
	for _, svc := range stages[0] {
		c, err := e.InspectContainer(ctx, "hactl-"+svc)
		if err != nil || c.ID != ids[svc] || c.State != "running" {
			t.Errorf("%s: %+v %v", svc, c, err)
		}
	}
	for _, c := range e.Calls() {
		if strings.Contains(c, "redis") || strings.Contains(c, "hactl_back") {
			t.Errorf("the run touched a pre-existing object: %s", c)
		}
	}
}

func TestExecuteCancelled(t *testing.T) {
	for _, returnErr := range []bool{true, false} {
		t.Run(fmt.Sprintf("awaiter returns error=%v", returnErr), func(t *testing.T) {
			var out bytes.Buffer
			printer := ui.New(ui.ModePlain, &out)
			ctx, cancel := context.WithCancel(ui.With(context.Background(), printer))
			defer cancel()
			e := memory.New()
			a := &awaiter{fn: func(ctx context.Context, services []string) error {
				if services[0] != "sentinel-1" {
					return nil
				}
				cancel()
				if returnErr {
					return ctx.Err()
				}
				return nil
			}}
			_, err := converge.Execute(ctx, e, makePlan(t, defaultState(t), plan.Observed{}), a, converge.Options{})
			if err == nil || !strings.Contains(err.Error(), "cancelled") || !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v", err)
			}
			if len(a.calls) != 2 {
				t.Errorf("awaited %q after cancelling", a.calls)
			}
			if objs := e.Objects(); len(objs) != 0 {
				t.Errorf("left after a cancelled run: %q", objs)
			}
			// 2 networks, 3 volumes, 3 Redis and 3 Sentinel containers.
			if !strings.Contains(out.String(), "removed the 11 objects this run created") {
				t.Errorf("output:\n%s", out.String())
			}
			checkUndoOrder(t, e.Calls())
		})
	}
}

func TestExecuteCleanupFailure(t *testing.T) {
	ctx := context.Background()
	e := memory.New()
	e.FailOn = func(op, name string) error {
		if op == memory.OpRemoveNetwork && name == "hactl_front" {
			return errors.New("network busy")
		}
		return nil
	}
	_, err := converge.Execute(ctx, e, makePlan(t, defaultState(t), plan.Observed{}), failAt("haproxy", errBoom), converge.Options{})
	if !errors.Is(err, errBoom) || !strings.Contains(err.Error(), "cleaning up failed") || !strings.Contains(err.Error(), "network busy") {
		t.Fatalf("err = %v", err)
	}
	// The cleanup went on after the failure.
	if objs := e.Objects(); !slices.Equal(objs, []string{"network hactl_front"}) {
		t.Errorf("left = %q", objs)
	}
}

func TestExecuteReplaceAndRemove(t *testing.T) {
	ctx := context.Background()
	e := memory.New()
	want := defaultState(t)
	if _, err := converge.Execute(ctx, e, makePlan(t, want, plan.Observed{}), nil, converge.Options{}); err != nil {
		t.Fatal(err)
	}
	old, _ := e.InspectContainer(ctx, "hactl-web-app1")
	_, err := e.CreateNetwork(ctx, engine.NetworkSpec{Name: "hactl_old", Labels: labels.ForProject("hactl")})
	if err != nil {
		t.Fatal(err)
	}
	e.ResetCalls()

	// web-app1's config changes.
	for i := range want.Containers {
		if c := &want.Containers[i]; c.Service == "web-app1" {
			c.Hash = "new-hash"
			c.Spec.Labels[labels.ConfigHash] = "new-hash"
		}
	}
	a := &awaiter{}
	res, err := converge.Execute(ctx, e, makePlan(t, want, observe(t, e, "hactl")), a, converge.Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantCalls := []string{
		"stop-container hactl-web-app1",
		"remove-container hactl-web-app1",
		"create-container hactl-web-app1",
		"start-container hactl-web-app1",
		"remove-network hactl_old",
	}
	if got := e.Calls(); !slices.Equal(got, wantCalls) {
		t.Errorf("calls = %q\nwant %q", got, wantCalls)
	}
	if !slices.EqualFunc(a.calls, [][]string{{"web-app1"}}, slices.Equal) {
		t.Errorf("awaited %q", a.calls)
	}
	if !slices.Equal(res.Created, []string{"hactl-web-app1"}) || !slices.Equal(res.Removed, []string{"hactl-web-app1", "hactl_old"}) {
		t.Errorf("created %q removed %q", res.Created, res.Removed)
	}
	now, _ := e.InspectContainer(ctx, "hactl-web-app1")
	if now.ID == old.ID || now.Labels[labels.ConfigHash] != "new-hash" || now.State != "running" {
		t.Errorf("web-app1 not replaced: %+v", now)
	}
}
