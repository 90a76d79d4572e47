// Package desired translates a rendered compose project into the engine's
// terms: the networks, volumes and containers a stack should have. It is a
// pure function of the rendered output.
package desired

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/hactl/hactl/cli/internal/engine"
	"github.com/hactl/hactl/cli/internal/labels"
	"github.com/hactl/hactl/cli/internal/render"
)

// Container is one service's container as it should be.
type Container struct {
	Service string
	Role    string
	Hash    string
	// After lists the services that must be started first; Ready lists
	// those that must also be ready (compose's service_healthy).
	After []string
	Ready []string
	Spec  engine.ContainerSpec
}

// State is everything one stack should have.
type State struct {
	Project    string
	Networks   []engine.NetworkSpec
	Volumes    []engine.VolumeSpec
	Containers []Container // by service name
}

// Container finds the desired container of a service.
func (s State) Container(service string) (Container, bool) {
	for _, c := range s.Containers {
		if c.Service == service {
			return c, true
		}
	}
	return Container{}, false
}

// FileMode is the mode of config files copied into containers.
const FileMode = 0o644

// FromOutput translates the rendered output.
func FromOutput(out *render.Output) (State, error) {
	p := out.Project
	st := State{Project: p.Name}
	for _, key := range sortedKeys(p.Networks) {
		n := p.Networks[key]
		spec := engine.NetworkSpec{Name: n.Name, Driver: n.Driver, Internal: n.Internal, Labels: copyLabels(n.Labels)}
		if len(n.Ipam.Config) > 0 {
			spec.Subnet, spec.IPRange = n.Ipam.Config[0].Subnet, n.Ipam.Config[0].IPRange
		}
		st.Networks = append(st.Networks, spec)
	}
	for _, key := range sortedKeys(p.Volumes) {
		v := p.Volumes[key]
		st.Volumes = append(st.Volumes, engine.VolumeSpec{Name: v.Name, Labels: copyLabels(v.Labels)})
	}
	for _, name := range p.ServiceNames() {
		c, err := container(p, out.Files, p.Services[name])
		if err != nil {
			return State{}, fmt.Errorf("service %s: %w", name, err)
		}
		st.Containers = append(st.Containers, c)
	}
	return st, nil
}

func container(p *types.Project, files []render.File, svc types.ServiceConfig) (Container, error) {
	spec := engine.ContainerSpec{
		Name:       svc.ContainerName,
		Hostname:   svc.Hostname,
		Image:      svc.Image,
		Entrypoint: nilIfEmpty(svc.Entrypoint),
		Cmd:        nilIfEmpty(svc.Command),
		User:       svc.User,
		WorkingDir: svc.WorkingDir,
		Labels:     copyLabels(svc.Labels),
		StopSignal: svc.StopSignal,
		Restart:    svc.Restart,
		Init:       svc.Init != nil && *svc.Init,
		Sysctls:    map[string]string(svc.Sysctls),
	}
	for _, host := range sortedKeys(svc.ExtraHosts) {
		for _, addr := range svc.ExtraHosts[host] {
			spec.ExtraHosts = append(spec.ExtraHosts, host+":"+addr)
		}
	}
	if svc.StopGracePeriod != nil {
		spec.StopTimeout = time.Duration(*svc.StopGracePeriod)
	}
	for _, k := range sortedKeys(svc.Environment) {
		if v := svc.Environment[k]; v != nil {
			spec.Env = append(spec.Env, k+"="+*v)
		}
	}
	for _, key := range sortedKeys(svc.Networks) {
		n, ok := p.Networks[key]
		if !ok {
			return Container{}, fmt.Errorf("network %s is not defined", key)
		}
		att := engine.NetworkAttachment{Network: n.Name, Aliases: []string{svc.Name}}
		if cfg := svc.Networks[key]; cfg != nil {
			att.Aliases = append(att.Aliases, cfg.Aliases...)
			att.IPv4 = cfg.Ipv4Address
		}
		spec.Networks = append(spec.Networks, att)
	}
	for _, port := range svc.Ports {
		b, err := binding(port)
		if err != nil {
			return Container{}, err
		}
		spec.Ports = append(spec.Ports, b)
	}
	if err := mounts(p, files, svc, &spec); err != nil {
		return Container{}, err
	}
	if err := secretFiles(files, svc, &spec); err != nil {
		return Container{}, err
	}
	spec.Healthcheck = healthcheck(svc.HealthCheck)
	c := Container{
		Service: svc.Name,
		Role:    svc.Labels[labels.Role],
		Hash:    svc.Labels[labels.ConfigHash],
		Spec:    spec,
	}
	for _, dep := range sortedKeys(svc.DependsOn) {
		c.After = append(c.After, dep)
		if svc.DependsOn[dep].Condition == types.ServiceConditionHealthy {
			c.Ready = append(c.Ready, dep)
		}
	}
	return c, nil
}

func binding(port types.ServicePortConfig) (engine.PortBinding, error) {
	published, err := strconv.ParseUint(port.Published, 10, 16)
	if err != nil {
		return engine.PortBinding{}, fmt.Errorf("published port %q is not a port number", port.Published)
	}
	proto := port.Protocol
	if proto == "" {
		proto = "tcp"
	}
	return engine.PortBinding{
		HostIP: port.HostIP, HostPort: uint16(published), ContainerPort: uint16(port.Target), Protocol: proto,
	}, nil
}

// mounts turns named volumes into mounts and bind-mounted config directories
// into files copied into the container, so the stack needs no host state.
func mounts(p *types.Project, files []render.File, svc types.ServiceConfig, spec *engine.ContainerSpec) error {
	for _, v := range svc.Volumes {
		switch v.Type {
		case types.VolumeTypeVolume:
			vol, ok := p.Volumes[v.Source]
			if !ok {
				return fmt.Errorf("volume %s is not defined", v.Source)
			}
			spec.Mounts = append(spec.Mounts, engine.Mount{Type: engine.MountVolume, Source: vol.Name, Target: v.Target, ReadOnly: v.ReadOnly})
		case types.VolumeTypeBind:
			dir := strings.TrimPrefix(v.Source, "./") + "/"
			found := false
			for _, f := range files {
				if rel, ok := strings.CutPrefix(f.Path, dir); ok {
					spec.Files = append(spec.Files, engine.File{Path: path.Join(v.Target, rel), Mode: FileMode, Content: f.Content})
					found = true
				}
			}
			if !found {
				return fmt.Errorf("bind mount %s names no rendered files", v.Source)
			}
		default:
			return fmt.Errorf("volume type %s is not supported", v.Type)
		}
	}
	return nil
}

func secretFiles(files []render.File, svc types.ServiceConfig, spec *engine.ContainerSpec) error {
	for _, s := range svc.Secrets {
		var content []byte
		found := false
		for _, f := range files {
			if f.Path == render.SecretsDir+"/"+s.Source {
				content, found = f.Content, true
			}
		}
		if !found {
			return fmt.Errorf("secret %s is not rendered", s.Source)
		}
		target := s.Target
		if target == "" {
			target = s.Source
		}
		if !path.IsAbs(target) {
			target = path.Join(render.SecretDir, target)
		}
		mode := int64(0o444)
		if s.Mode != nil {
			mode = int64(*s.Mode)
		}
		spec.Files = append(spec.Files, engine.File{Path: target, Mode: mode, Content: content})
	}
	return nil
}

func healthcheck(h *types.HealthCheckConfig) *engine.Healthcheck {
	if h == nil || h.Disable {
		return nil
	}
	out := &engine.Healthcheck{Test: append([]string(nil), h.Test...)}
	if h.Interval != nil {
		out.Interval = time.Duration(*h.Interval)
	}
	if h.Timeout != nil {
		out.Timeout = time.Duration(*h.Timeout)
	}
	if h.StartPeriod != nil {
		out.StartPeriod = time.Duration(*h.StartPeriod)
	}
	if h.Retries != nil {
		out.Retries = int(*h.Retries)
	}
	return out
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func copyLabels(l map[string]string) map[string]string {
	out := make(map[string]string, len(l))
	for k, v := range l {
		out[k] = v
	}
	return out
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return append([]string(nil), s...)
}
