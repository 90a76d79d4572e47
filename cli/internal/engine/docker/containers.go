package docker

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/go-connections/nat"

	"github.com/hactl/hactl/cli/internal/engine"
)

// ListContainers returns every container, running or not, carrying all the
// given labels.
func (e *Engine) ListContainers(ctx context.Context, labels map[string]string) ([]engine.Container, error) {
	summaries, err := e.cli.ContainerList(ctx, container.ListOptions{All: true, Filters: labelFilter(labels)})
	if err != nil {
		return nil, wrapErr(err, "list containers")
	}
	out := make([]engine.Container, 0, len(summaries))
	for _, s := range summaries {
		c, err := e.InspectContainer(ctx, s.ID)
		if errors.Is(err, engine.ErrNotFound) {
			continue // removed since it was listed
		}
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// InspectContainer describes one container.
func (e *Engine) InspectContainer(ctx context.Context, nameOrID string) (engine.Container, error) {
	resp, err := e.cli.ContainerInspect(ctx, nameOrID)
	if err != nil {
		return engine.Container{}, wrapErr(err, "inspect container %s", nameOrID)
	}
	return containerFromInspect(resp), nil
}

func containerFromInspect(resp container.InspectResponse) engine.Container {
	c := engine.Container{}
	if base := resp.ContainerJSONBase; base != nil {
		c.ID = base.ID
		c.Name = strings.TrimPrefix(base.Name, "/")
		c.Image = base.Image
		c.Created = parseTime(base.Created)
		if st := base.State; st != nil {
			c.State = string(st.Status)
			c.ExitCode = st.ExitCode
			c.Started = parseTime(st.StartedAt)
			if st.Health != nil {
				c.Health = string(st.Health.Status)
			}
		}
	}
	if cfg := resp.Config; cfg != nil {
		c.Labels = cfg.Labels
		if cfg.Image != "" {
			c.Image = cfg.Image
		}
	}
	var published nat.PortMap
	if ns := resp.NetworkSettings; ns != nil {
		published = ns.Ports
		for name := range ns.Networks {
			c.Networks = append(c.Networks, name)
		}
		sort.Strings(c.Networks)
		for _, name := range c.Networks {
			ep := ns.Networks[name]
			att := engine.NetworkAttachment{Network: name}
			if ep != nil {
				for _, a := range ep.Aliases {
					if !strings.HasPrefix(resp.ID, a) {
						att.Aliases = append(att.Aliases, a)
					}
				}
				if ep.IPAMConfig != nil {
					att.IPv4 = ep.IPAMConfig.IPv4Address
				}
			}
			c.Endpoints = append(c.Endpoints, att)
		}
	}
	if !hasBindings(published) && resp.ContainerJSONBase != nil && resp.HostConfig != nil {
		published = resp.HostConfig.PortBindings
	}
	c.Ports = portsFromMap(published)
	return c
}

func hasBindings(m nat.PortMap) bool {
	for _, b := range m {
		if len(b) > 0 {
			return true
		}
	}
	return false
}

// portsFromMap lists the published bindings of m, sorted.
func portsFromMap(m nat.PortMap) []engine.PortBinding {
	var out []engine.PortBinding
	for port, bindings := range m {
		for _, b := range bindings {
			hostPort, _ := strconv.ParseUint(b.HostPort, 10, 16)
			out = append(out, engine.PortBinding{
				HostIP:        b.HostIP,
				HostPort:      uint16(hostPort),
				ContainerPort: uint16(port.Int()),
				Protocol:      port.Proto(),
			})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.ContainerPort != b.ContainerPort {
			return a.ContainerPort < b.ContainerPort
		}
		if a.Protocol != b.Protocol {
			return a.Protocol < b.Protocol
		}
		return a.HostIP < b.HostIP
	})
	return out
}

// parseTime reads a daemon timestamp; the daemon's "never" is the zero time.
func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.Year() <= 1 {
		return time.Time{}
	}
	return t
}

// StartContainer starts a created or stopped container. Starting a running
// container is not an error.
func (e *Engine) StartContainer(ctx context.Context, nameOrID string) error {
	return wrapErr(e.cli.ContainerStart(ctx, nameOrID, container.StartOptions{}), "start container %s", nameOrID)
}

// StopContainer sends the container's stop signal and kills it after
// timeout, rounded up to whole seconds. A negative timeout uses the
// container's own stop timeout. Stopping a stopped container is not an error.
func (e *Engine) StopContainer(ctx context.Context, nameOrID string, timeout time.Duration) error {
	opts := container.StopOptions{}
	if timeout >= 0 {
		secs := int((timeout + time.Second - 1) / time.Second)
		opts.Timeout = &secs
	}
	return wrapErr(e.cli.ContainerStop(ctx, nameOrID, opts), "stop container %s", nameOrID)
}

// KillContainer sends signal (e.g. "SIGKILL", "HUP"; SIGKILL when empty) to
// the container's main process.
func (e *Engine) KillContainer(ctx context.Context, nameOrID, signal string) error {
	if signal == "" {
		signal = "SIGKILL"
	}
	return wrapErr(e.cli.ContainerKill(ctx, nameOrID, signal), "kill container %s with %s", nameOrID, signal)
}

// PauseContainer freezes every process in the container.
func (e *Engine) PauseContainer(ctx context.Context, nameOrID string) error {
	return wrapErr(e.cli.ContainerPause(ctx, nameOrID), "pause container %s", nameOrID)
}

// UnpauseContainer thaws a paused container.
func (e *Engine) UnpauseContainer(ctx context.Context, nameOrID string) error {
	return wrapErr(e.cli.ContainerUnpause(ctx, nameOrID), "unpause container %s", nameOrID)
}

// RemoveContainer force-removes the container with its anonymous volumes.
func (e *Engine) RemoveContainer(ctx context.Context, nameOrID string) error {
	err := e.cli.ContainerRemove(ctx, nameOrID, container.RemoveOptions{Force: true, RemoveVolumes: true})
	return wrapErr(err, "remove container %s", nameOrID)
}
