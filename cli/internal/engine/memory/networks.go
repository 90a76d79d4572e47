package memory

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hactl/hactl/cli/internal/engine"
)

// network is one network's record.
type network struct {
	info     engine.Network
	internal bool
}

func (e *Engine) network(nameOrID string) (*network, error) {
	n, ok := byIDOrName(e.networks, func(n *network) string { return n.info.ID }, nameOrID)
	if !ok {
		return nil, notFound("network")
	}
	return n, nil
}

// ListNetworks returns the networks carrying all the given labels (every
// network for nil), sorted by name.
func (e *Engine) ListNetworks(ctx context.Context, labels map[string]string) ([]engine.Network, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.available(ctx, "list networks"); err != nil {
		return nil, err
	}
	var out []engine.Network
	for _, name := range slices.Sorted(maps.Keys(e.networks)) {
		if n := e.networks[name]; matches(n.info.Labels, labels) {
			info := n.info
			info.Labels = maps.Clone(n.info.Labels)
			out = append(out, info)
		}
	}
	return out, nil
}

// CreateNetwork records a network ("bridge" unless spec.Driver says
// otherwise) and returns its ID. The name must be free.
func (e *Engine) CreateNetwork(ctx context.Context, spec engine.NetworkSpec) (string, error) {
	if err := e.begin(ctx, OpCreateNetwork, spec.Name); err != nil {
		return "", err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if spec.Name == "" {
		return "", opErr(OpCreateNetwork, spec.Name, fmt.Errorf("a network needs a name"))
	}
	if _, ok := e.networks[spec.Name]; ok {
		return "", opErr(OpCreateNetwork, spec.Name, fmt.Errorf("a network with that name already exists: %w", ErrConflict))
	}
	driver := spec.Driver
	if driver == "" {
		driver = "bridge"
	}
	labels := maps.Clone(spec.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	id := e.newID("network")
	e.networks[spec.Name] = &network{
		info:     engine.Network{ID: id, Name: spec.Name, Driver: driver, Internal: spec.Internal, Subnets: subnets(spec), Labels: labels},
		internal: spec.Internal,
	}
	return id, nil
}

// RemoveNetwork removes a network. It fails while any container, running
// or not, is attached to it.
func (e *Engine) RemoveNetwork(ctx context.Context, nameOrID string) error {
	if err := e.begin(ctx, OpRemoveNetwork, nameOrID); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	n, err := e.network(nameOrID)
	if err != nil {
		return opErr(OpRemoveNetwork, nameOrID, err)
	}
	if users := e.usedBy(func(c *container) bool { return c.attached(n.info.Name) >= 0 }); len(users) > 0 {
		return opErr(OpRemoveNetwork, nameOrID, fmt.Errorf("the network has active endpoints (%s): %w", strings.Join(users, ", "), ErrConflict))
	}
	delete(e.networks, n.info.Name)
	return nil
}

// ConnectNetwork attaches a container to a network under DNS aliases.
func (e *Engine) ConnectNetwork(ctx context.Context, containerName string, att engine.NetworkAttachment) error {
	networkName := att.Network
	what := networkName + " " + containerName
	if err := e.begin(ctx, OpConnectNetwork, what); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	n, err := e.network(networkName)
	if err != nil {
		return opErr(OpConnectNetwork, what, err)
	}
	c, err := e.container(containerName)
	if err != nil {
		return opErr(OpConnectNetwork, what, err)
	}
	if c.attached(n.info.Name) >= 0 {
		return opErr(OpConnectNetwork, what, fmt.Errorf("endpoint with name %s already exists in network %s: %w", c.info.Name, n.info.Name, ErrConflict))
	}
	c.nets = append(c.nets, engine.NetworkAttachment{Network: n.info.Name, Aliases: slices.Clone(att.Aliases), IPv4: att.IPv4})
	return nil
}

// DisconnectNetwork detaches a container from a network.
func (e *Engine) DisconnectNetwork(ctx context.Context, networkName, containerName string) error {
	what := networkName + " " + containerName
	if err := e.begin(ctx, OpDisconnectNetwork, what); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	n, err := e.network(networkName)
	if err != nil {
		return opErr(OpDisconnectNetwork, what, err)
	}
	c, err := e.container(containerName)
	if err != nil {
		return opErr(OpDisconnectNetwork, what, err)
	}
	i := c.attached(n.info.Name)
	if i < 0 {
		return opErr(OpDisconnectNetwork, what, fmt.Errorf("container %s is not connected to network %s: %w", c.info.Name, n.info.Name, ErrConflict))
	}
	c.nets = slices.Delete(c.nets, i, i+1)
	return nil
}

// NetworkInternal says whether a network exists and was created internal.
func (e *Engine) NetworkInternal(nameOrID string) (internal, ok bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	n, err := e.network(nameOrID)
	if err != nil {
		return false, false
	}
	return n.internal, true
}

func subnets(spec engine.NetworkSpec) []string {
	if spec.Subnet == "" {
		return nil
	}
	return []string{spec.Subnet}
}
