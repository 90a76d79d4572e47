package docker

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/mount"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/strslice"
	"github.com/docker/go-connections/nat"

	"github.com/hactl/hactl/cli/internal/engine"
)

// defaultHostIP is where ports are published unless the spec says otherwise.
const defaultHostIP = "127.0.0.1"

// CreateContainer creates the container without starting it, connects it to
// every network in spec.Networks and copies spec.Files into it. If any step
// after the create fails, the container is removed again. It returns the
// container ID.
func (e *Engine) CreateContainer(ctx context.Context, spec engine.ContainerSpec) (string, error) {
	cfg, hostCfg, netCfg, err := buildCreateConfig(spec)
	if err != nil {
		return "", fmt.Errorf("create container %s: %w", spec.Name, err)
	}
	var archive *bytes.Buffer
	if len(spec.Files) > 0 {
		if archive, err = filesArchive(spec.Files, time.Now()); err != nil {
			return "", fmt.Errorf("create container %s: %w", spec.Name, err)
		}
	}
	resp, err := e.cli.ContainerCreate(ctx, cfg, hostCfg, netCfg, nil, spec.Name)
	if err != nil {
		return "", wrapErr(err, "create container %s", spec.Name)
	}
	if err := e.finishCreate(ctx, resp.ID, spec, archive); err != nil {
		cleanupCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if rmErr := e.RemoveContainer(cleanupCtx, resp.ID); rmErr != nil {
			return "", fmt.Errorf("%w (and removing the half-created container failed: %v)", err, rmErr)
		}
		return "", err
	}
	return resp.ID, nil
}

// finishCreate connects the extra networks and copies the files archive, if
// any, into the container.
func (e *Engine) finishCreate(ctx context.Context, id string, spec engine.ContainerSpec, archive *bytes.Buffer) error {
	if len(spec.Networks) > 1 {
		for _, att := range spec.Networks[1:] {
			if err := e.ConnectNetwork(ctx, id, att); err != nil {
				return fmt.Errorf("create container %s: %w", spec.Name, err)
			}
		}
	}
	if archive != nil {
		err := e.cli.CopyToContainer(ctx, id, "/", archive, container.CopyToContainerOptions{})
		if err != nil {
			return wrapErr(err, "create container %s: copy %d file(s) into it", spec.Name, len(spec.Files))
		}
	}
	return nil
}

// buildCreateConfig translates spec into the three create-request documents.
// Only the first network goes into the request: API 1.41 accepts a single
// endpoint at create time.
func buildCreateConfig(spec engine.ContainerSpec) (*container.Config, *container.HostConfig, *network.NetworkingConfig, error) {
	exposed, bindings, err := portConfig(spec.Ports)
	if err != nil {
		return nil, nil, nil, err
	}
	mounts, err := mountConfig(spec.Mounts)
	if err != nil {
		return nil, nil, nil, err
	}
	restart, err := restartPolicy(spec.Restart)
	if err != nil {
		return nil, nil, nil, err
	}

	cfg := &container.Config{
		Hostname:     spec.Hostname,
		User:         spec.User,
		Env:          spec.Env,
		Image:        spec.Image,
		WorkingDir:   spec.WorkingDir,
		Labels:       spec.Labels,
		ExposedPorts: exposed,
		Healthcheck:  healthConfig(spec.Healthcheck),
		StopSignal:   spec.StopSignal,
	}
	if spec.Cmd != nil {
		cfg.Cmd = strslice.StrSlice(spec.Cmd)
	}
	if spec.Entrypoint != nil {
		cfg.Entrypoint = strslice.StrSlice(spec.Entrypoint)
	}
	if spec.StopTimeout > 0 {
		secs := int((spec.StopTimeout + time.Second - 1) / time.Second)
		cfg.StopTimeout = &secs
	}

	hostCfg := &container.HostConfig{
		PortBindings:  bindings,
		Mounts:        mounts,
		RestartPolicy: restart,
		Sysctls:       spec.Sysctls,
		ExtraHosts:    spec.ExtraHosts,
	}
	hostCfg.Memory = spec.MemoryBytes
	if spec.Init {
		init := true
		hostCfg.Init = &init
	}

	var netCfg *network.NetworkingConfig
	if len(spec.Networks) > 0 {
		first := spec.Networks[0]
		hostCfg.NetworkMode = container.NetworkMode(first.Network)
		netCfg = &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{
			first.Network: endpoint(first),
		}}
	}
	return cfg, hostCfg, netCfg, nil
}

// portConfig builds the exposed-port set and the bindings. An empty HostIP
// means 127.0.0.1 and HostPort 0 lets the engine pick a free port.
func portConfig(ports []engine.PortBinding) (nat.PortSet, nat.PortMap, error) {
	if len(ports) == 0 {
		return nil, nil, nil
	}
	exposed := nat.PortSet{}
	bindings := nat.PortMap{}
	for _, p := range ports {
		proto := p.Protocol
		if proto == "" {
			proto = "tcp"
		}
		if proto != "tcp" && proto != "udp" {
			return nil, nil, fmt.Errorf("port %d: unsupported protocol %q", p.ContainerPort, p.Protocol)
		}
		if p.ContainerPort == 0 {
			return nil, nil, fmt.Errorf("port binding without a container port")
		}
		port, err := nat.NewPort(proto, strconv.Itoa(int(p.ContainerPort)))
		if err != nil {
			return nil, nil, fmt.Errorf("port %d/%s: %w", p.ContainerPort, proto, err)
		}
		hostIP := p.HostIP
		if hostIP == "" {
			hostIP = defaultHostIP
		}
		hostPort := ""
		if p.HostPort != 0 {
			hostPort = strconv.Itoa(int(p.HostPort))
		}
		exposed[port] = struct{}{}
		bindings[port] = append(bindings[port], nat.PortBinding{HostIP: hostIP, HostPort: hostPort})
	}
	return exposed, bindings, nil
}

func mountConfig(mounts []engine.Mount) ([]mount.Mount, error) {
	out := make([]mount.Mount, 0, len(mounts))
	for _, m := range mounts {
		if m.Target == "" {
			return nil, fmt.Errorf("%s mount of %q has no target", m.Type, m.Source)
		}
		mm := mount.Mount{Source: m.Source, Target: m.Target, ReadOnly: m.ReadOnly}
		switch m.Type {
		case engine.MountVolume:
			mm.Type = mount.TypeVolume
		case engine.MountBind:
			mm.Type = mount.TypeBind
		case engine.MountTmpfs:
			mm.Type = mount.TypeTmpfs
			mm.Source = ""
		default:
			return nil, fmt.Errorf("mount at %s: unknown mount type %q", m.Target, m.Type)
		}
		out = append(out, mm)
	}
	return out, nil
}

// restartPolicy parses "no", "always", "unless-stopped", "on-failure" and
// "on-failure:N".
func restartPolicy(s string) (container.RestartPolicy, error) {
	name, count, hasCount := strings.Cut(s, ":")
	p := container.RestartPolicy{Name: container.RestartPolicyMode(name)}
	switch p.Name {
	case "", container.RestartPolicyDisabled, container.RestartPolicyAlways, container.RestartPolicyUnlessStopped:
		if hasCount {
			return p, fmt.Errorf("restart policy %q takes no retry count", name)
		}
	case container.RestartPolicyOnFailure:
		if hasCount {
			n, err := strconv.Atoi(count)
			if err != nil || n < 0 {
				return p, fmt.Errorf("restart policy %q: bad retry count", s)
			}
			p.MaximumRetryCount = n
		}
	default:
		return p, fmt.Errorf("unknown restart policy %q", s)
	}
	return p, nil
}

// healthConfig converts a healthcheck. A test that does not start with CMD,
// CMD-SHELL or NONE is taken as an exec-form command.
func healthConfig(h *engine.Healthcheck) *container.HealthConfig {
	if h == nil || len(h.Test) == 0 {
		return nil
	}
	test := h.Test
	switch test[0] {
	case "CMD", "CMD-SHELL", "NONE":
	default:
		test = append([]string{"CMD"}, test...)
	}
	return &container.HealthConfig{
		Test:        test,
		Interval:    h.Interval,
		Timeout:     h.Timeout,
		StartPeriod: h.StartPeriod,
		Retries:     h.Retries,
	}
}

// endpoint is the endpoint configuration of one network attachment.
func endpoint(att engine.NetworkAttachment) *network.EndpointSettings {
	ep := &network.EndpointSettings{Aliases: att.Aliases}
	if att.IPv4 != "" {
		ep.IPAMConfig = &network.EndpointIPAMConfig{IPv4Address: att.IPv4}
	}
	return ep
}
