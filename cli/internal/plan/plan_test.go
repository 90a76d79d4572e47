package plan_test

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/hactl/hactl/cli/internal/desired"
	"github.com/hactl/hactl/cli/internal/engine"
	"github.com/hactl/hactl/cli/internal/labels"
	"github.com/hactl/hactl/cli/internal/plan"
	"github.com/hactl/hactl/cli/internal/render"
	"github.com/hactl/hactl/cli/internal/secrets"
	"github.com/hactl/hactl/cli/internal/topology"
)

// defaultState is the desired state of the default topology.
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

// observedAsWanted is what the engine reports once want is up: every
// container running with its labels, every network and volume present.
func observedAsWanted(want desired.State) plan.Observed {
	var have plan.Observed
	for _, n := range want.Networks {
		have.Networks = append(have.Networks, engine.Network{ID: "id-" + n.Name, Name: n.Name, Driver: "bridge", Labels: maps.Clone(n.Labels)})
	}
	for _, v := range want.Volumes {
		have.Volumes = append(have.Volumes, engine.Volume{Name: v.Name, Labels: maps.Clone(v.Labels)})
	}
	for _, c := range want.Containers {
		var nets []string
		for _, a := range c.Spec.Networks {
			nets = append(nets, a.Network)
		}
		have.Containers = append(have.Containers, engine.Container{
			ID: "id-" + c.Spec.Name, Name: c.Spec.Name, Image: c.Spec.Image, Labels: maps.Clone(c.Spec.Labels),
			State: "running", Ports: slices.Clone(c.Spec.Ports), Networks: nets,
		})
	}
	return have
}

// container returns a pointer to the observed container of a service.
func container(t *testing.T, have *plan.Observed, service string) *engine.Container {
	t.Helper()
	for i := range have.Containers {
		if have.Containers[i].Labels[labels.Service] == service {
			return &have.Containers[i]
		}
	}
	t.Fatalf("no observed container for %s", service)
	return nil
}

// opStrings renders ops as "action name (reason)".
func opStrings(ops []plan.Op) []string {
	out := []string{}
	for _, op := range ops {
		out = append(out, op.String())
	}
	return out
}

// started lists the services a stage starts or unpauses.
func started(st plan.Stage) []string {
	var out []string
	for _, op := range st.Ops {
		if op.Action == plan.StartContainer || op.Action == plan.Unpause {
			out = append(out, op.Service)
		}
	}
	return out
}

var allServices = []string{
	"redis-1", "redis-2", "redis-3",
	"sentinel-1", "sentinel-2", "sentinel-3",
	"web-app1", "web-app2", "haproxy",
}

func TestMakeFromNothing(t *testing.T) {
	want := defaultState(t)
	p, err := plan.Make(want, plan.Observed{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Project != "hactl" || p.Empty() || len(p.Unchanged) != 0 {
		t.Fatalf("project %q empty %v unchanged %v", p.Project, p.Empty(), p.Unchanged)
	}
	wantStages := [][]string{
		{
			"create-network hactl_back", "create-network hactl_front",
			"create-volume hactl_redis-1-data", "create-volume hactl_redis-2-data", "create-volume hactl_redis-3-data",
		},
		{
			"create-container hactl-redis-1 (new)", "start-container hactl-redis-1",
			"create-container hactl-redis-2 (new)", "start-container hactl-redis-2",
			"create-container hactl-redis-3 (new)", "start-container hactl-redis-3",
		},
		{
			"create-container hactl-sentinel-1 (new)", "start-container hactl-sentinel-1",
			"create-container hactl-sentinel-2 (new)", "start-container hactl-sentinel-2",
			"create-container hactl-sentinel-3 (new)", "start-container hactl-sentinel-3",
		},
		{
			"create-container hactl-web-app1 (new)", "start-container hactl-web-app1",
			"create-container hactl-web-app2 (new)", "start-container hactl-web-app2",
		},
		{"create-container hactl-haproxy (new)", "start-container hactl-haproxy"},
		{},
	}
	wantAwait := [][]string{
		nil,
		{"redis-1", "redis-2", "redis-3"},
		{"sentinel-1", "sentinel-2", "sentinel-3"},
		{"web-app1", "web-app2"},
		{"haproxy"},
		nil,
	}
	if len(p.Stages) != len(wantStages) {
		t.Fatalf("%d stages, want %d: %+v", len(p.Stages), len(wantStages), p.Stages)
	}
	for i, st := range p.Stages {
		if got := opStrings(st.Ops); !slices.Equal(got, wantStages[i]) {
			t.Errorf("stage %d ops:\n got %q\nwant %q", i, got, wantStages[i])
		}
		if !slices.Equal(st.Await, wantAwait[i]) {
			t.Errorf("stage %d awaits %q, want %q", i, st.Await, wantAwait[i])
		}
		if got := started(st); !slices.Equal(got, st.Await) {
			t.Errorf("stage %d starts %q but awaits %q", i, got, st.Await)
		}
	}
	// Each create carries the desired container, each network and volume
	// create its spec.
	for _, op := range p.Ops() {
		switch op.Action {
		case plan.CreateContainer:
			if op.Container == nil || op.Container.Spec.Name != op.Name || op.Container.Service != op.Service {
				t.Errorf("%s: container %+v", op, op.Container)
			}
		case plan.CreateNetwork:
			if op.Network == nil || op.Network.Name != op.Name {
				t.Errorf("%s: network %+v", op, op.Network)
			}
		case plan.CreateVolume:
			if op.Volume == nil || op.Volume.Name != op.Name {
				t.Errorf("%s: volume %+v", op, op.Volume)
			}
		}
	}
}

func TestMakeUpToDate(t *testing.T) {
	want := defaultState(t)
	p, err := plan.Make(want, observedAsWanted(want))
	if err != nil {
		t.Fatal(err)
	}
	if !p.Empty() {
		t.Errorf("plan not empty: %q", opStrings(p.Ops()))
	}
	if !slices.Equal(p.Unchanged, allServices) {
		t.Errorf("unchanged = %q, want %q", p.Unchanged, allServices)
	}
	for i, st := range p.Stages {
		if len(st.Await) != 0 {
			t.Errorf("stage %d awaits %q", i, st.Await)
		}
	}
}

// TestMakeOneService covers a single service whose container is not as
// wanted: only that service gets operations, in its own dependency stage.
func TestMakeOneService(t *testing.T) {
	tests := []struct {
		name    string
		service string
		change  func(c *engine.Container)
		stage   int
		ops     []string
	}{
		{
			name: "config changed", service: "web-app1", stage: 3,
			change: func(c *engine.Container) { c.Labels[labels.ConfigHash] = "old" },
			ops: []string{
				"remove-container hactl-web-app1 (config changed)",
				"create-container hactl-web-app1 (config changed)",
				"start-container hactl-web-app1",
			},
		},
		{
			name: "exited", service: "redis-2", stage: 1,
			change: func(c *engine.Container) { c.State, c.ExitCode = "exited", 137 },
			ops:    []string{"start-container hactl-redis-2 (exited)"},
		},
		{
			name: "created", service: "sentinel-3", stage: 2,
			change: func(c *engine.Container) { c.State = "created" },
			ops:    []string{"start-container hactl-sentinel-3 (created)"},
		},
		{
			name: "paused", service: "haproxy", stage: 4,
			change: func(c *engine.Container) { c.State = "paused" },
			ops:    []string{"unpause-container hactl-haproxy (paused)"},
		},
		{
			name: "dead", service: "redis-1", stage: 1,
			change: func(c *engine.Container) { c.State = "dead" },
			ops: []string{
				"remove-container hactl-redis-1 (state dead)",
				"create-container hactl-redis-1 (state dead)",
				"start-container hactl-redis-1",
			},
		},
		{
			name: "image changed", service: "web-app2", stage: 3,
			change: func(c *engine.Container) { c.Image = "web:v0" },
			ops: []string{
				"remove-container hactl-web-app2 (image changed)",
				"create-container hactl-web-app2 (image changed)",
				"start-container hactl-web-app2",
			},
		},
		{
			name: "renamed", service: "sentinel-1", stage: 2,
			change: func(c *engine.Container) { c.Name = "old-sentinel-1" },
			ops: []string{
				"remove-container old-sentinel-1 (renamed)",
				"create-container hactl-sentinel-1 (renamed)",
				"start-container hactl-sentinel-1",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := defaultState(t)
			have := observedAsWanted(want)
			tt.change(container(t, &have, tt.service))
			p, err := plan.Make(want, have)
			if err != nil {
				t.Fatal(err)
			}
			for i, st := range p.Stages {
				var wantOps []string
				var wantAwait []string
				if i == tt.stage {
					wantOps, wantAwait = tt.ops, []string{tt.service}
				}
				if got := opStrings(st.Ops); !slices.Equal(got, wantOps) {
					t.Errorf("stage %d ops:\n got %q\nwant %q", i, got, wantOps)
				}
				if !slices.Equal(st.Await, wantAwait) {
					t.Errorf("stage %d awaits %q, want %q", i, st.Await, wantAwait)
				}
			}
			wantUnchanged := slices.DeleteFunc(slices.Clone(allServices), func(s string) bool { return s == tt.service })
			if !slices.Equal(p.Unchanged, wantUnchanged) {
				t.Errorf("unchanged = %q, want %q", p.Unchanged, wantUnchanged)
			}
		})
	}
}

// An image reported by ID (the tag moved to another image) is not a change.
func TestMakeImageByID(t *testing.T) {
	want := defaultState(t)
	have := observedAsWanted(want)
	container(t, &have, "redis-3").Image = "sha256:0123456789abcdef"
	p, err := plan.Make(want, have)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Empty() {
		t.Errorf("plan = %q", opStrings(p.Ops()))
	}
}

func TestMakeLeftovers(t *testing.T) {
	want := defaultState(t)
	project := map[string]string{labels.Project: "hactl"}
	withLabels := func(extra map[string]string) map[string]string {
		l := maps.Clone(project)
		maps.Copy(l, extra)
		return l
	}

	t.Run("service no longer desired", func(t *testing.T) {
		have := observedAsWanted(want)
		have.Containers = append(have.Containers, engine.Container{
			Name: "hactl-web-app3", State: "running", Image: "web:v1",
			Labels: withLabels(map[string]string{labels.Service: "web-app3", labels.OneOff: "False"}),
		})
		p, err := plan.Make(want, have)
		if err != nil {
			t.Fatal(err)
		}
		if got := opStrings(p.Ops()); !slices.Equal(got, []string{"remove-container hactl-web-app3 (no longer in the topology)"}) {
			t.Errorf("ops = %q", got)
		}
		if got := opStrings(p.Stages[0].Ops); len(got) != 1 {
			t.Errorf("the removal is not in the first stage: %q", got)
		}
		if op := p.Stages[0].Ops[0]; op.Action != plan.RemoveContainer || op.Service != "web-app3" {
			t.Errorf("op = %+v", op)
		}
	})

	t.Run("network no longer desired", func(t *testing.T) {
		have := observedAsWanted(want)
		have.Networks = append(have.Networks, engine.Network{Name: "hactl_old", Labels: withLabels(nil)})
		p, err := plan.Make(want, have)
		if err != nil {
			t.Fatal(err)
		}
		last := p.Stages[len(p.Stages)-1]
		if got := opStrings(last.Ops); !slices.Equal(got, []string{"remove-network hactl_old (no longer in the topology)"}) {
			t.Errorf("last stage = %q", got)
		}
		if n := len(p.Ops()); n != 1 {
			t.Errorf("%d ops, want 1: %q", n, opStrings(p.Ops()))
		}
	})

	t.Run("one-off containers are ignored", func(t *testing.T) {
		have := observedAsWanted(want)
		have.Containers = append(have.Containers,
			engine.Container{Name: "hactl-redis-1-run-1234", State: "exited",
				Labels: withLabels(map[string]string{labels.Service: "redis-1", labels.OneOff: "True"})},
			engine.Container{Name: "hactl-debug-run-1", State: "running",
				Labels: withLabels(map[string]string{labels.Service: "debug", labels.OneOff: "True"})},
		)
		p, err := plan.Make(want, have)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Empty() {
			t.Errorf("plan = %q", opStrings(p.Ops()))
		}
	})

	for _, extraFirst := range []bool{false, true} {
		name := "duplicate container listed after"
		if extraFirst {
			name = "duplicate container listed first"
		}
		t.Run(name, func(t *testing.T) {
			have := observedAsWanted(want)
			extra := *container(t, &have, "sentinel-2")
			extra.Name, extra.ID = "hactl-sentinel-2-copy", "id-copy"
			extra.Labels = maps.Clone(extra.Labels)
			if extraFirst {
				have.Containers = append([]engine.Container{extra}, have.Containers...)
			} else {
				have.Containers = append(have.Containers, extra)
			}
			p, err := plan.Make(want, have)
			if err != nil {
				t.Fatal(err)
			}
			if got := opStrings(p.Ops()); !slices.Equal(got, []string{"remove-container hactl-sentinel-2-copy (duplicate container)"}) {
				t.Errorf("ops = %q", got)
			}
			if got := opStrings(p.Stages[2].Ops); len(got) != 1 {
				t.Errorf("the removal is not in sentinel-2's stage: %q", got)
			}
			if !slices.Contains(p.Unchanged, "sentinel-2") {
				t.Errorf("sentinel-2 not unchanged: %q", p.Unchanged)
			}
		})
	}

	t.Run("missing network and volume only", func(t *testing.T) {
		have := observedAsWanted(want)
		have.Networks = have.Networks[:1]                // hactl_back
		have.Volumes = slices.Delete(have.Volumes, 1, 2) // hactl_redis-2-data
		p, err := plan.Make(want, have)
		if err != nil {
			t.Fatal(err)
		}
		if got := opStrings(p.Ops()); !slices.Equal(got, []string{"create-network hactl_front", "create-volume hactl_redis-2-data"}) {
			t.Errorf("ops = %q", got)
		}
	})
}

// chain builds a desired state by hand: each entry is a service with the
// services it needs started (plain names) or ready ("name!").
func chain(deps map[string][]string) desired.State {
	st := desired.State{Project: "p"}
	for _, svc := range slices.Sorted(maps.Keys(deps)) {
		c := desired.Container{Service: svc, Spec: engine.ContainerSpec{Name: "p-" + svc}}
		for _, d := range deps[svc] {
			name, ready := strings.CutSuffix(d, "!")
			c.After = append(c.After, name)
			if ready {
				c.Ready = append(c.Ready, name)
			}
		}
		st.Containers = append(st.Containers, c)
	}
	return st
}

func TestLevels(t *testing.T) {
	tests := []struct {
		name string
		deps map[string][]string
		want [][]string
		err  string
	}{
		{
			name: "started only stays in the stage, after its dependency",
			deps: map[string][]string{"b": {"a"}, "a": nil, "c": {"a!"}},
			want: [][]string{{"a", "b"}, {"c"}},
		},
		{
			name: "ready chains make stages",
			deps: map[string][]string{"d": {"c!"}, "c": {"b!"}, "b": {"a!"}, "a": nil},
			want: [][]string{{"a"}, {"b"}, {"c"}, {"d"}},
		},
		{
			name: "the highest dependency wins",
			deps: map[string][]string{"a": nil, "b": {"a!"}, "c": {"a!", "b!"}, "d": {"a", "b"}},
			want: [][]string{{"a"}, {"b", "d"}, {"c"}},
		},
		{
			name: "cycle",
			deps: map[string][]string{"a": {"b"}, "b": {"c!"}, "c": {"a"}},
			err:  "cycle: a -> b -> c -> a",
		},
		{
			name: "depends on itself",
			deps: map[string][]string{"a": {"a"}},
			err:  "cycle: a -> a",
		},
		{
			name: "missing dependency",
			deps: map[string][]string{"a": nil, "b": {"a", "ghost!"}},
			err:  "service b depends on ghost, which does not exist",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := plan.Levels(chain(tt.deps))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.err)
				}
				if _, err := plan.Make(chain(tt.deps), plan.Observed{}); err == nil {
					t.Error("Make accepted the state")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(got, tt.want, slices.Equal) {
				t.Errorf("levels = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLevelsDefault(t *testing.T) {
	got, err := plan.Levels(defaultState(t))
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"redis-1", "redis-2", "redis-3"},
		{"sentinel-1", "sentinel-2", "sentinel-3"},
		{"web-app1", "web-app2"},
		{"haproxy"},
	}
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("levels = %q, want %q", got, want)
	}
}
