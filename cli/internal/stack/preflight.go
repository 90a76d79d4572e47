package stack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"

	"github.com/hactl/hactl/cli/internal/desired"
	"github.com/hactl/hactl/cli/internal/engine"
	"github.com/hactl/hactl/cli/internal/labels"
	"github.com/hactl/hactl/cli/internal/plan"
)

// Preflight checks, before anything is created, that the plan can succeed:
// no container or network of another project holds one of our names, and
// every port to publish is free.
func Preflight(ctx context.Context, e Engine, want desired.State, p plan.Plan, have plan.Observed) error {
	ours := map[string]bool{}
	for _, c := range have.Containers {
		ours[c.Name] = true
	}
	for _, op := range p.Ops() {
		if op.Action != plan.CreateContainer || ours[op.Name] {
			continue
		}
		c, err := e.InspectContainer(ctx, op.Name)
		if errors.Is(err, engine.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		owner := c.Labels[labels.Project]
		if owner == "" {
			owner = "no compose project"
		} else {
			owner = "project " + owner
		}
		return fmt.Errorf("a container named %s already exists and belongs to %s: remove it or choose another project name", op.Name, owner)
	}
	if err := networkClash(ctx, e, want, have); err != nil {
		return err
	}
	return portsFree(want, p, have)
}

func networkClash(ctx context.Context, e Engine, want desired.State, have plan.Observed) error {
	ours := map[string]bool{}
	for _, n := range have.Networks {
		ours[n.Name] = true
	}
	all, err := e.ListNetworks(ctx, nil)
	if err != nil {
		return err
	}
	for _, n := range want.Networks {
		if ours[n.Name] {
			continue
		}
		for _, other := range all {
			if other.Name == n.Name {
				return fmt.Errorf("a network named %s already exists and belongs to another project (%q): remove it or choose another project name",
					n.Name, other.Labels[labels.Project])
			}
			if clash := overlap(n.Subnet, other.Subnets); clash != "" {
				return fmt.Errorf("subnet %s of network %s overlaps network %s (%s): set networks.back.subnet in the topology file to a free range",
					n.Subnet, n.Name, other.Name, clash)
			}
		}
	}
	return nil
}

// overlap returns the first of subnets that overlaps subnet.
func overlap(subnet string, subnets []string) string {
	if subnet == "" {
		return ""
	}
	p, err := netip.ParsePrefix(subnet)
	if err != nil {
		return ""
	}
	for _, s := range subnets {
		if q, err := netip.ParsePrefix(s); err == nil && p.Overlaps(q) {
			return s
		}
	}
	return ""
}

// portsFree checks that each port a new container publishes can be bound,
// except ports that one of the project's own running containers holds and
// this plan replaces.
func portsFree(want desired.State, p plan.Plan, have plan.Observed) error {
	replaced := map[string]bool{}
	for _, op := range p.Ops() {
		if op.Action == plan.RemoveContainer {
			replaced[op.Name] = true
		}
	}
	held := map[string]bool{}
	for _, c := range have.Containers {
		// A stopped container holds no port, and one that stays keeps its
		// own: only those the plan removes free their ports for the new ones.
		if !replaced[c.Name] || (c.State != "running" && c.State != "paused" && c.State != "restarting") {
			continue
		}
		for _, b := range c.Ports {
			held[net.JoinHostPort(hostIP(b.HostIP), strconv.Itoa(int(b.HostPort)))] = true
		}
	}
	for _, op := range p.Ops() {
		if op.Action != plan.CreateContainer {
			continue
		}
		for _, b := range op.Container.Spec.Ports {
			addr := net.JoinHostPort(hostIP(b.HostIP), strconv.Itoa(int(b.HostPort)))
			if held[addr] || b.HostPort == 0 {
				continue
			}
			l, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("port %s for %s is already in use by another program: free it or change the port in the topology file", addr, op.Service)
			}
			l.Close()
		}
	}
	return nil
}

func hostIP(ip string) string {
	if ip == "" {
		return "127.0.0.1"
	}
	return ip
}
