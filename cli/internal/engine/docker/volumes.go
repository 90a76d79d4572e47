package docker

import (
	"context"
	"fmt"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/volume"

	"github.com/hactl/hactl/cli/internal/engine"
)

// ListVolumes returns the named volumes carrying all the given labels.
func (e *Engine) ListVolumes(ctx context.Context, labels map[string]string) ([]engine.Volume, error) {
	resp, err := e.cli.VolumeList(ctx, volume.ListOptions{Filters: labelFilter(labels)})
	if err != nil {
		return nil, wrapErr(err, "list volumes")
	}
	out := make([]engine.Volume, 0, len(resp.Volumes))
	for _, v := range resp.Volumes {
		if v == nil {
			continue
		}
		out = append(out, engine.Volume{Name: v.Name, Labels: v.Labels})
	}
	return out, nil
}

// CreateVolume creates a named local volume. Creating a volume that already
// exists leaves it (and its labels) as it is.
func (e *Engine) CreateVolume(ctx context.Context, spec engine.VolumeSpec) error {
	_, err := e.cli.VolumeCreate(ctx, volume.CreateOptions{Name: spec.Name, Labels: spec.Labels})
	return wrapErr(err, "create volume %s", spec.Name)
}

// RemoveVolume removes a named volume and its data. It refuses to remove a
// volume that a container (even a stopped one) still uses.
func (e *Engine) RemoveVolume(ctx context.Context, name string) error {
	err := e.cli.VolumeRemove(ctx, name, false)
	if cerrdefs.IsConflict(err) {
		return fmt.Errorf("remove volume %s: the volume is in use by a container: %w", name, err)
	}
	return wrapErr(err, "remove volume %s", name)
}
