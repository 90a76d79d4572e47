// Package stack runs the commands that act on a whole stack: up, down and
// status. It finds everything through labels.
package stack

import (
	"context"
	"fmt"

	"github.com/hactl/hactl/cli/internal/engine"
	"github.com/hactl/hactl/cli/internal/labels"
	"github.com/hactl/hactl/cli/internal/plan"
)

// Engine is what stack commands need from the runtime.
type Engine interface {
	engine.Containers
	engine.Networks
	engine.Volumes
}

// Observe lists what the engine has of one project.
func Observe(ctx context.Context, e Engine, project string) (plan.Observed, error) {
	sel := labels.ForProject(project)
	var o plan.Observed
	var err error
	if o.Containers, err = e.ListContainers(ctx, sel); err != nil {
		return o, fmt.Errorf("list containers of project %s: %w", project, err)
	}
	if o.Networks, err = e.ListNetworks(ctx, sel); err != nil {
		return o, fmt.Errorf("list networks of project %s: %w", project, err)
	}
	if o.Volumes, err = e.ListVolumes(ctx, sel); err != nil {
		return o, fmt.Errorf("list volumes of project %s: %w", project, err)
	}
	return o, nil
}
