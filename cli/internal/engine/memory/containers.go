package memory

import (
	"context"
	"fmt"
	"io"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hactl/hactl/cli/internal/engine"
)

// container is one container's record.
type container struct {
	info  engine.Container
	spec  engine.ContainerSpec
	files map[string]engine.File     // by path
	nets  []engine.NetworkAttachment // by network name, in attach order
}

// attached returns the index of the container's attachment to a network,
// or -1.
func (c *container) attached(network string) int {
	return slices.IndexFunc(c.nets, func(a engine.NetworkAttachment) bool { return a.Network == network })
}

// snapshot copies what the engine reports about c.
func (c *container) snapshot() engine.Container {
	out := c.info
	out.Labels = maps.Clone(c.info.Labels)
	out.Ports = slices.Clone(c.info.Ports)
	out.Networks = nil
	out.Endpoints = nil
	for _, a := range c.nets {
		out.Networks = append(out.Networks, a.Network)
		out.Endpoints = append(out.Endpoints, engine.NetworkAttachment{Network: a.Network, Aliases: slices.Clone(a.Aliases), IPv4: a.IPv4})
	}
	sort.Strings(out.Networks)
	return out
}

func (c *container) active() bool {
	return c.info.State == "running" || c.info.State == "paused" || c.info.State == "restarting"
}

func (e *Engine) container(nameOrID string) (*container, error) {
	c, ok := byIDOrName(e.containers, func(c *container) string { return c.info.ID }, nameOrID)
	if !ok {
		return nil, notFound("container")
	}
	return c, nil
}

// ListContainers returns every container, in any state, carrying all the
// given labels, sorted by name.
func (e *Engine) ListContainers(ctx context.Context, labels map[string]string) ([]engine.Container, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.available(ctx, "list containers"); err != nil {
		return nil, err
	}
	var out []engine.Container
	for _, name := range slices.Sorted(maps.Keys(e.containers)) {
		if c := e.containers[name]; matches(c.info.Labels, labels) {
			out = append(out, c.snapshot())
		}
	}
	return out, nil
}

// InspectContainer describes one container, found by name, ID or unique ID
// prefix.
func (e *Engine) InspectContainer(ctx context.Context, nameOrID string) (engine.Container, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.available(ctx, "inspect container "+nameOrID); err != nil {
		return engine.Container{}, err
	}
	c, err := e.container(nameOrID)
	if err != nil {
		return engine.Container{}, fmt.Errorf("inspect container %s: %w", nameOrID, err)
	}
	return c.snapshot(), nil
}

// CreateContainer records a container in state "created" with the spec's
// labels, ports, files and network attachments. The name must be free, and
// every network and named volume the spec uses must exist.
func (e *Engine) CreateContainer(ctx context.Context, spec engine.ContainerSpec) (string, error) {
	name := strings.TrimPrefix(spec.Name, "/")
	if err := e.begin(ctx, OpCreateContainer, name); err != nil {
		return "", err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	fail := func(err error) (string, error) { return "", opErr(OpCreateContainer, name, err) }
	if old, ok := e.containers[name]; ok {
		return fail(fmt.Errorf("the container name %q is already in use by container %q: %w", "/"+name, old.info.ID, ErrConflict))
	}
	if e.RequireImages {
		if _, ok := e.image(spec.Image); !ok {
			return fail(fmt.Errorf("image %s: %w", spec.Image, notFound("image")))
		}
	}
	c := &container{files: map[string]engine.File{}}
	for _, att := range spec.Networks {
		n, err := e.network(att.Network)
		if err != nil {
			return fail(fmt.Errorf("network %s: %w", att.Network, err))
		}
		if c.attached(n.info.Name) >= 0 {
			return fail(fmt.Errorf("network %s is attached twice: %w", n.info.Name, ErrConflict))
		}
		c.nets = append(c.nets, engine.NetworkAttachment{Network: n.info.Name, Aliases: slices.Clone(att.Aliases)})
	}
	for _, m := range spec.Mounts {
		if m.Type != engine.MountVolume {
			continue
		}
		if _, ok := e.volumes[m.Source]; !ok {
			return fail(fmt.Errorf("volume %s: %w", m.Source, notFound("volume")))
		}
	}
	for _, f := range spec.Files {
		if !path.IsAbs(f.Path) || path.Clean(f.Path) == "/" {
			return fail(fmt.Errorf("file path %q is not an absolute file path", f.Path))
		}
		f.Content = slices.Clone(f.Content)
		c.files[path.Clean(f.Path)] = f
	}
	id := e.newID("container")
	if name == "" {
		name = "memory-" + id[:12]
	}
	c.spec = cloneSpec(spec)
	c.spec.Name = name
	c.info = engine.Container{
		ID:      id,
		Name:    name,
		Image:   spec.Image,
		Labels:  maps.Clone(spec.Labels),
		State:   "created",
		Ports:   slices.Clone(spec.Ports),
		Created: now(),
	}
	if c.info.Labels == nil {
		c.info.Labels = map[string]string{}
	}
	e.containers[name] = c
	return id, nil
}

// StartContainer moves a created or exited container to "running". Starting
// a running container is not an error; starting a paused one is. A host
// port that another running container publishes makes the start fail.
func (e *Engine) StartContainer(ctx context.Context, nameOrID string) error {
	return e.change(ctx, OpStartContainer, nameOrID, func(c *container) error {
		switch c.info.State {
		case "running":
			return nil
		case "paused":
			return fmt.Errorf("cannot start a paused container, try unpause instead: %w", ErrConflict)
		}
		if err := e.portsFree(c); err != nil {
			return err
		}
		c.info.State = "running"
		c.info.Started = now()
		c.info.ExitCode = 0
		c.info.Health = ""
		if c.spec.Healthcheck != nil {
			c.info.Health = "healthy"
		}
		return nil
	})
}

// portsFree checks that no other active container publishes one of c's host
// ports.
func (e *Engine) portsFree(c *container) error {
	for _, other := range e.containers {
		if other == c || !other.active() {
			continue
		}
		for _, p := range c.info.Ports {
			for _, q := range other.info.Ports {
				if p.HostPort != 0 && p.HostPort == q.HostPort && proto(p) == proto(q) && ipsOverlap(p.HostIP, q.HostIP) {
					return fmt.Errorf("bind for %s:%d failed: port is already allocated by %s: %w", hostIP(p.HostIP), p.HostPort, other.info.Name, ErrConflict)
				}
			}
		}
	}
	return nil
}

func proto(p engine.PortBinding) string {
	if p.Protocol == "" {
		return "tcp"
	}
	return p.Protocol
}

func hostIP(ip string) string {
	if ip == "" {
		return "127.0.0.1" // the Docker adapter's default
	}
	return ip
}

func ipsOverlap(a, b string) bool {
	a, b = hostIP(a), hostIP(b)
	wild := func(ip string) bool { return ip == "0.0.0.0" || ip == "::" }
	return a == b || wild(a) || wild(b)
}

// StopContainer moves a running or paused container to "exited" with exit
// code 0. Stopping a container that is not running is not an error.
func (e *Engine) StopContainer(ctx context.Context, nameOrID string, _ time.Duration) error {
	return e.change(ctx, OpStopContainer, nameOrID, func(c *container) error {
		if c.active() {
			c.info.State, c.info.ExitCode, c.info.Health = "exited", 0, ""
		}
		return nil
	})
}

// KillContainer signals a running or paused container. SIGKILL (also when
// signal is empty) leaves it "exited" with code 137, SIGTERM with 143 and
// SIGINT with 130; other signals leave it running. Killing a container that
// is not running is an error, as with Docker.
func (e *Engine) KillContainer(ctx context.Context, nameOrID, signal string) error {
	return e.change(ctx, OpKillContainer, nameOrID, func(c *container) error {
		if !c.active() {
			return fmt.Errorf("container %s is not running: %w", c.info.Name, ErrConflict)
		}
		codes := map[string]int{"": 137, "KILL": 137, "9": 137, "TERM": 143, "15": 143, "INT": 130, "2": 130}
		if code, ok := codes[strings.TrimPrefix(strings.ToUpper(signal), "SIG")]; ok {
			c.info.State, c.info.ExitCode, c.info.Health = "exited", code, ""
		}
		return nil
	})
}

// PauseContainer moves a running container to "paused".
func (e *Engine) PauseContainer(ctx context.Context, nameOrID string) error {
	return e.change(ctx, OpPauseContainer, nameOrID, func(c *container) error {
		if c.info.State != "running" {
			return fmt.Errorf("container %s is not running: %w", c.info.Name, ErrConflict)
		}
		c.info.State = "paused"
		return nil
	})
}

// UnpauseContainer moves a paused container back to "running".
func (e *Engine) UnpauseContainer(ctx context.Context, nameOrID string) error {
	return e.change(ctx, OpUnpauseContainer, nameOrID, func(c *container) error {
		if c.info.State != "paused" {
			return fmt.Errorf("container %s is not paused: %w", c.info.Name, ErrConflict)
		}
		c.info.State = "running"
		return nil
	})
}

// RemoveContainer removes a container in any state (a forced removal) and
// disconnects it from its networks.
func (e *Engine) RemoveContainer(ctx context.Context, nameOrID string) error {
	return e.change(ctx, OpRemoveContainer, nameOrID, func(c *container) error {
		delete(e.containers, c.info.Name)
		return nil
	})
}

// change runs a mutating call on one container with the lock held.
func (e *Engine) change(ctx context.Context, op, nameOrID string, f func(*container) error) error {
	if err := e.begin(ctx, op, nameOrID); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.container(nameOrID)
	if err == nil {
		err = f(c)
	}
	if err != nil {
		return opErr(op, nameOrID, err)
	}
	return nil
}

// Exec runs ExecFunc for a running container; by default the command exits
// 0 with no output.
func (e *Engine) Exec(ctx context.Context, nameOrID string, cmd []string, env []string) (engine.ExecResult, error) {
	e.mu.Lock()
	what := "exec in container " + nameOrID
	if err := e.available(ctx, what); err != nil {
		e.mu.Unlock()
		return engine.ExecResult{}, err
	}
	c, err := e.container(nameOrID)
	if err == nil && c.info.State != "running" {
		err = fmt.Errorf("container %s is %s, not running: %w", c.info.Name, c.info.State, ErrConflict)
	}
	if err != nil {
		e.mu.Unlock()
		return engine.ExecResult{}, fmt.Errorf("%s: %w", what, err)
	}
	name, hook := c.info.Name, e.ExecFunc
	e.mu.Unlock()
	if hook == nil {
		return engine.ExecResult{}, nil
	}
	return hook(name, slices.Clone(cmd), slices.Clone(env))
}

// SetLogs stores the text Logs writes for the container with this name. It
// survives the container's removal and recreation.
func (e *Engine) SetLogs(containerName, text string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.logs[containerName] = text
}

// Logs writes the text stored with SetLogs, only its last opts.Tail lines
// when Tail is positive. Other options are ignored.
func (e *Engine) Logs(ctx context.Context, nameOrID string, opts engine.LogOptions, w io.Writer) error {
	e.mu.Lock()
	what := "logs of container " + nameOrID
	if err := e.available(ctx, what); err != nil {
		e.mu.Unlock()
		return err
	}
	c, err := e.container(nameOrID)
	if err != nil {
		e.mu.Unlock()
		return fmt.Errorf("%s: %w", what, err)
	}
	text := e.logs[c.info.Name]
	e.mu.Unlock()
	if opts.Tail > 0 {
		lines := strings.SplitAfter(text, "\n")
		if lines[len(lines)-1] == "" {
			lines = lines[:len(lines)-1]
		}
		text = strings.Join(lines[max(0, len(lines)-opts.Tail):], "")
	}
	_, err = io.WriteString(w, text)
	return err
}

// Stats reports a zero sample.
func (e *Engine) Stats(ctx context.Context, nameOrID string) (engine.Stats, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	what := "stats of container " + nameOrID
	if err := e.available(ctx, what); err != nil {
		return engine.Stats{}, err
	}
	if _, err := e.container(nameOrID); err != nil {
		return engine.Stats{}, fmt.Errorf("%s: %w", what, err)
	}
	return engine.Stats{Read: now()}, nil
}

// Spec returns the spec a container was created from, with the network
// attachments it has now.
func (e *Engine) Spec(nameOrID string) (engine.ContainerSpec, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.container(nameOrID)
	if err != nil {
		return engine.ContainerSpec{}, false
	}
	spec := cloneSpec(c.spec)
	spec.Networks = cloneSpec(engine.ContainerSpec{Networks: c.nets}).Networks
	return spec, true
}

// File returns a file copied into a container at creation.
func (e *Engine) File(nameOrID, filePath string) (engine.File, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.container(nameOrID)
	if err != nil {
		return engine.File{}, false
	}
	f, ok := c.files[path.Clean(filePath)]
	f.Content = slices.Clone(f.Content)
	return f, ok
}

// SetHealth sets the health a container reports. A started container with a
// healthcheck reports "healthy" until told otherwise.
func (e *Engine) SetHealth(nameOrID, health string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.container(nameOrID)
	if err != nil {
		return fmt.Errorf("set health of container %s: %w", nameOrID, err)
	}
	c.info.Health = health
	return nil
}

// SetState forces a container's state, e.g. to "restarting" or "dead",
// which no call reaches. It is not logged.
func (e *Engine) SetState(nameOrID, state string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	c, err := e.container(nameOrID)
	if err != nil {
		return fmt.Errorf("set state of container %s: %w", nameOrID, err)
	}
	switch state {
	case "created", "running", "paused", "restarting", "exited", "dead":
	default:
		return fmt.Errorf("set state of container %s: %q is not a container state", nameOrID, state)
	}
	c.info.State = state
	return nil
}

// cloneSpec copies a spec deeply enough that neither the caller nor the
// engine can change the other's copy.
func cloneSpec(s engine.ContainerSpec) engine.ContainerSpec {
	s.Entrypoint = slices.Clone(s.Entrypoint)
	s.Cmd = slices.Clone(s.Cmd)
	s.Env = slices.Clone(s.Env)
	s.Labels = maps.Clone(s.Labels)
	s.Ports = slices.Clone(s.Ports)
	s.Mounts = slices.Clone(s.Mounts)
	s.Sysctls = maps.Clone(s.Sysctls)
	s.Networks = slices.Clone(s.Networks)
	for i := range s.Networks {
		s.Networks[i].Aliases = slices.Clone(s.Networks[i].Aliases)
	}
	s.Files = slices.Clone(s.Files)
	for i := range s.Files {
		s.Files[i].Content = slices.Clone(s.Files[i].Content)
	}
	if s.Healthcheck != nil {
		h := *s.Healthcheck
		h.Test = slices.Clone(h.Test)
		s.Healthcheck = &h
	}
	return s
}

// usedBy lists, sorted, the containers for which uses is true.
func (e *Engine) usedBy(uses func(*container) bool) []string {
	var names []string
	for _, c := range e.containers {
		if uses(c) {
			names = append(names, c.info.Name)
		}
	}
	sort.Strings(names)
	return names
}
