// Package plan compares what a stack should have with what the engine
// reports and lists the operations that close the gap. It is a pure
// function: no engine, no I/O.
package plan

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hactl/hactl/cli/internal/desired"
	"github.com/hactl/hactl/cli/internal/engine"
	"github.com/hactl/hactl/cli/internal/labels"
)

// Action is one kind of engine call.
type Action string

const (
	CreateNetwork   Action = "create-network"
	CreateVolume    Action = "create-volume"
	RemoveContainer Action = "remove-container"
	CreateContainer Action = "create-container"
	StartContainer  Action = "start-container"
	Unpause         Action = "unpause-container"
	RemoveNetwork   Action = "remove-network"
)

// Op is one operation: one engine call.
type Op struct {
	Action  Action
	Name    string // engine name of the object
	Service string // for container operations
	Reason  string
	// Container is set for CreateContainer.
	Container *desired.Container
	Network   *engine.NetworkSpec
	Volume    *engine.VolumeSpec
}

func (o Op) String() string {
	s := fmt.Sprintf("%s %s", o.Action, o.Name)
	if o.Reason != "" {
		s += " (" + o.Reason + ")"
	}
	return s
}

// Stage is a group of operations followed by a readiness gate on the
// services it started.
type Stage struct {
	Ops   []Op
	Await []string
}

// Plan is the ordered list of stages.
type Plan struct {
	Project string
	Stages  []Stage
	// Unchanged lists the services whose containers are already as wanted.
	Unchanged []string
}

// Empty says whether the stack is already as wanted.
func (p Plan) Empty() bool {
	for _, s := range p.Stages {
		if len(s.Ops) > 0 {
			return false
		}
	}
	return true
}

// Ops lists every operation in order.
func (p Plan) Ops() []Op {
	var ops []Op
	for _, s := range p.Stages {
		ops = append(ops, s.Ops...)
	}
	return ops
}

// Observed is what the engine reports for one project.
type Observed struct {
	Containers []engine.Container
	Networks   []engine.Network
	Volumes    []engine.Volume
}

// Make plans the operations that turn have into want.
func Make(want desired.State, have Observed) (Plan, error) {
	levels, err := Levels(want)
	if err != nil {
		return Plan{}, err
	}
	p := Plan{Project: want.Project}

	byService := map[string][]engine.Container{}
	var first Stage
	for _, c := range have.Containers {
		if c.Labels[labels.OneOff] == "True" {
			continue
		}
		svc := c.Labels[labels.Service]
		if _, ok := want.Container(svc); !ok {
			first.Ops = append(first.Ops, Op{Action: RemoveContainer, Name: c.Name, Service: svc, Reason: "no longer in the topology"})
			continue
		}
		byService[svc] = append(byService[svc], c)
	}
	haveNet := map[string]bool{}
	for _, n := range have.Networks {
		haveNet[n.Name] = true
	}
	for i := range want.Networks {
		if n := want.Networks[i]; !haveNet[n.Name] {
			first.Ops = append(first.Ops, Op{Action: CreateNetwork, Name: n.Name, Network: &want.Networks[i]})
		}
	}
	haveVol := map[string]bool{}
	for _, v := range have.Volumes {
		haveVol[v.Name] = true
	}
	for i := range want.Volumes {
		if v := want.Volumes[i]; !haveVol[v.Name] {
			first.Ops = append(first.Ops, Op{Action: CreateVolume, Name: v.Name, Volume: &want.Volumes[i]})
		}
	}
	p.Stages = append(p.Stages, first)

	for _, level := range levels {
		var st Stage
		for _, svc := range level {
			c, _ := want.Container(svc)
			ops, changed := containerOps(c, byService[svc])
			st.Ops = append(st.Ops, ops...)
			if changed {
				st.Await = append(st.Await, svc)
			} else {
				p.Unchanged = append(p.Unchanged, svc)
			}
		}
		p.Stages = append(p.Stages, st)
	}

	var last Stage
	wantNet := map[string]bool{}
	for _, n := range want.Networks {
		wantNet[n.Name] = true
	}
	for _, n := range have.Networks {
		if !wantNet[n.Name] {
			last.Ops = append(last.Ops, Op{Action: RemoveNetwork, Name: n.Name, Reason: "no longer in the topology"})
		}
	}
	p.Stages = append(p.Stages, last)
	return p, nil
}

// containerOps plans one service. changed says whether its container will
// be (re)started, and so must be awaited.
func containerOps(want desired.Container, have []engine.Container) ([]Op, bool) {
	name := want.Spec.Name
	create := []Op{
		{Action: CreateContainer, Name: name, Service: want.Service, Container: &want},
		{Action: StartContainer, Name: name, Service: want.Service},
	}
	sort.Slice(have, func(i, j int) bool { return have[i].Name == name && have[j].Name != name })
	var ops []Op
	for _, extra := range have[min(len(have), 1):] {
		ops = append(ops, Op{Action: RemoveContainer, Name: extra.Name, Service: want.Service, Reason: "duplicate container"})
	}
	if len(have) == 0 {
		create[0].Reason = "new"
		return append(ops, create...), true
	}
	cur := have[0]
	switch {
	case cur.Name != name:
		create[0].Reason = "renamed"
	case cur.Labels[labels.ConfigHash] != want.Hash:
		create[0].Reason = "config changed"
	case cur.Image != want.Spec.Image && !strings.HasPrefix(cur.Image, "sha256:"):
		create[0].Reason = "image changed"
	case cur.State == "running":
		return ops, false
	case cur.State == "paused":
		return append(ops, Op{Action: Unpause, Name: name, Service: want.Service, Reason: "paused"}), true
	case cur.State == "created" || cur.State == "exited":
		return append(ops, Op{Action: StartContainer, Name: name, Service: want.Service, Reason: cur.State}), true
	default:
		create[0].Reason = "state " + cur.State
	}
	ops = append(ops, Op{Action: RemoveContainer, Name: cur.Name, Service: want.Service, Reason: create[0].Reason})
	return append(ops, create...), true
}

// Levels groups services into start stages: a service comes in a later
// stage than every service it needs ready, and in no earlier stage than
// those it only needs started. Within a stage, services are in start order.
func Levels(want desired.State) ([][]string, error) {
	level := map[string]int{}
	state := map[string]int{} // 0 new, 1 visiting, 2 done
	var visit func(svc string, path []string) error
	visit = func(svc string, path []string) error {
		switch state[svc] {
		case 1:
			return fmt.Errorf("services depend on each other in a cycle: %s", strings.Join(append(path, svc), " -> "))
		case 2:
			return nil
		}
		c, ok := want.Container(svc)
		if !ok {
			return fmt.Errorf("service %s depends on %s, which does not exist", path[len(path)-1], svc)
		}
		state[svc] = 1
		l := 0
		for _, dep := range c.After {
			if err := visit(dep, append(path, svc)); err != nil {
				return err
			}
			d := level[dep]
			if slices.Contains(c.Ready, dep) {
				d++
			}
			l = max(l, d)
		}
		level[svc] = l
		state[svc] = 2
		return nil
	}
	for _, c := range want.Containers {
		if err := visit(c.Service, nil); err != nil {
			return nil, err
		}
	}
	var levels [][]string
	order := topoOrder(want)
	for _, svc := range order {
		l := level[svc]
		for len(levels) <= l {
			levels = append(levels, nil)
		}
		levels[l] = append(levels[l], svc)
	}
	return levels, nil
}

// topoOrder lists services so that each comes after those it depends on,
// ties broken by name.
func topoOrder(want desired.State) []string {
	done := map[string]bool{}
	var out []string
	var visit func(string)
	visit = func(svc string) {
		if done[svc] {
			return
		}
		done[svc] = true
		c, _ := want.Container(svc)
		for _, dep := range c.After {
			visit(dep)
		}
		out = append(out, svc)
	}
	for _, c := range want.Containers {
		visit(c.Service)
	}
	return out
}
