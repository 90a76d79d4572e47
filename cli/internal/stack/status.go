package stack

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/hactl/hactl/cli/internal/engine"
	"github.com/hactl/hactl/cli/internal/labels"
	"github.com/hactl/hactl/cli/internal/probe"
)

// ServiceStatus is one row of `hactl status`.
type ServiceStatus struct {
	Service   string   `json:"service"`
	Container string   `json:"container"`
	Role      string   `json:"role"`
	LiveRole  string   `json:"live_role"`
	State     string   `json:"state"`
	Health    string   `json:"health"`
	Ports     []string `json:"ports"`
	Detail    string   `json:"detail,omitempty"`
}

// Status lists the project's containers with their live role, read from
// Redis and the Sentinels rather than from labels.
func Status(ctx context.Context, e Engine, p *probe.Prober) ([]ServiceStatus, error) {
	have, err := Observe(ctx, e, p.Topology.Project)
	if err != nil {
		return nil, err
	}
	var rows []ServiceStatus
	for _, c := range have.Containers {
		if c.Labels[labels.OneOff] == "True" {
			continue
		}
		row := ServiceStatus{
			Service:   c.Labels[labels.Service],
			Container: c.Name,
			Role:      c.Labels[labels.Role],
			State:     c.State,
			Health:    c.Health,
			Ports:     ports(c.Ports),
		}
		if c.State == "running" {
			row.LiveRole, row.Detail = liveRole(ctx, p, row.Service, row.Role)
		} else {
			row.LiveRole = "-"
		}
		rows = append(rows, row)
	}
	sort.Slice(rows, func(i, j int) bool {
		if rank(rows[i].Role) != rank(rows[j].Role) {
			return rank(rows[i].Role) < rank(rows[j].Role)
		}
		return rows[i].Service < rows[j].Service
	})
	return rows, nil
}

func rank(role string) int {
	return map[string]int{labels.RoleHAProxy: 0, labels.RoleWeb: 1, labels.RoleRedis: 2, labels.RoleSentinel: 3}[role]
}

func liveRole(ctx context.Context, p *probe.Prober, service, role string) (string, string) {
	switch role {
	case labels.RoleRedis:
		r, err := p.Replication(ctx, service)
		if err != nil {
			return "unknown", err.Error()
		}
		if r.Role == "master" {
			return "master", fmt.Sprintf("%d replicas connected", r.ConnectedReplicas)
		}
		link := "down"
		if r.LinkUp {
			link = "up"
		}
		return "replica", fmt.Sprintf("of %s, link %s", r.MasterHost, link)
	case labels.RoleSentinel:
		m, err := p.SentinelMaster(ctx, service)
		if err != nil {
			return "unknown", err.Error()
		}
		state := "sees master " + m.Host
		if m.Down() {
			state += " DOWN (" + strings.Join(m.Flags, ",") + ")"
		}
		return "sentinel", fmt.Sprintf("%s, %d replicas, %d other Sentinels", state, m.NumReplicas, m.NumOtherSentinels)
	case labels.RoleHAProxy:
		backends, err := p.Backends(ctx)
		if err != nil {
			return "load balancer", err.Error()
		}
		var parts []string
		for _, b := range backends {
			parts = append(parts, b.Server+" "+b.Status)
		}
		return "load balancer", strings.Join(parts, ", ")
	case labels.RoleWeb:
		if err := p.WebHealthy(ctx, service); err != nil {
			return "web app", err.Error()
		}
		return "web app", "healthy"
	}
	return role, ""
}

func ports(bs []engine.PortBinding) []string {
	out := []string{}
	for _, b := range bs {
		if b.HostPort == 0 {
			continue
		}
		out = append(out, b.HostIP+":"+strconv.Itoa(int(b.HostPort))+"->"+strconv.Itoa(int(b.ContainerPort)))
	}
	return out
}
