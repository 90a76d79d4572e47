package docker

import (
	"context"
	"fmt"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/network"

	"github.com/hactl/hactl/cli/internal/engine"
)

// ListNetworks returns the networks carrying all the given labels.
func (e *Engine) ListNetworks(ctx context.Context, labels map[string]string) ([]engine.Network, error) {
	list, err := e.cli.NetworkList(ctx, network.ListOptions{Filters: labelFilter(labels)})
	if err != nil {
		return nil, wrapErr(err, "list networks")
	}
	out := make([]engine.Network, 0, len(list))
	for _, n := range list {
		net := engine.Network{ID: n.ID, Name: n.Name, Driver: n.Driver, Internal: n.Internal, Labels: n.Labels}
		for _, pool := range n.IPAM.Config {
			if pool.Subnet != "" {
				net.Subnets = append(net.Subnets, pool.Subnet)
			}
		}
		out = append(out, net)
	}
	return out, nil
}

// CreateNetwork creates a network (a bridge unless spec.Driver says
// otherwise) and returns its ID. A network with the same name must not
// exist already.
func (e *Engine) CreateNetwork(ctx context.Context, spec engine.NetworkSpec) (string, error) {
	driver := spec.Driver
	if driver == "" {
		driver = "bridge"
	}
	// The client asks the daemon to reject duplicate names (CheckDuplicate)
	// on API versions that need it.
	opts := network.CreateOptions{
		Driver:   driver,
		Internal: spec.Internal,
		Labels:   spec.Labels,
	}
	if spec.Subnet != "" {
		opts.IPAM = &network.IPAM{Driver: "default", Config: []network.IPAMConfig{{Subnet: spec.Subnet, IPRange: spec.IPRange}}}
	}
	resp, err := e.cli.NetworkCreate(ctx, spec.Name, opts)
	if cerrdefs.IsConflict(err) {
		return "", fmt.Errorf("create network %s: a network with that name already exists: %w", spec.Name, err)
	}
	if err != nil {
		return "", wrapErr(err, "create network %s", spec.Name)
	}
	return resp.ID, nil
}

// RemoveNetwork removes a network. It fails while containers are connected.
func (e *Engine) RemoveNetwork(ctx context.Context, nameOrID string) error {
	return wrapErr(e.cli.NetworkRemove(ctx, nameOrID), "remove network %s", nameOrID)
}

// ConnectNetwork connects a container to a network under the given DNS
// aliases, at the given fixed address if any. The network must exist even
// when the container is not running (the daemon itself would only notice at
// the next start).
func (e *Engine) ConnectNetwork(ctx context.Context, containerName string, att engine.NetworkAttachment) error {
	if _, err := e.cli.NetworkInspect(ctx, att.Network, network.InspectOptions{}); err != nil {
		return wrapErr(err, "connect container %s to network %s", containerName, att.Network)
	}
	err := e.cli.NetworkConnect(ctx, att.Network, containerName, endpoint(att))
	return wrapErr(err, "connect container %s to network %s", containerName, att.Network)
}

// DisconnectNetwork disconnects a container from a network, even a stopped
// one.
func (e *Engine) DisconnectNetwork(ctx context.Context, networkName, containerName string) error {
	err := e.cli.NetworkDisconnect(ctx, networkName, containerName, true)
	return wrapErr(err, "disconnect container %s from network %s", containerName, networkName)
}
