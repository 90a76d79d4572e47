package memory

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hactl/hactl/cli/internal/engine"
)

// volume is one named volume's record.
type volume struct {
	info engine.Volume
}

// ListVolumes returns the volumes carrying all the given labels (every
// volume for nil), sorted by name.
func (e *Engine) ListVolumes(ctx context.Context, labels map[string]string) ([]engine.Volume, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.available(ctx, "list volumes"); err != nil {
		return nil, err
	}
	var out []engine.Volume
	for _, name := range slices.Sorted(maps.Keys(e.volumes)) {
		if v := e.volumes[name]; matches(v.info.Labels, labels) {
			out = append(out, engine.Volume{Name: v.info.Name, Labels: maps.Clone(v.info.Labels)})
		}
	}
	return out, nil
}

// CreateVolume records a named volume. Unlike Docker, which leaves an
// existing volume alone, the fake refuses a name that is taken, so tests
// notice a plan that creates a volume twice.
func (e *Engine) CreateVolume(ctx context.Context, spec engine.VolumeSpec) error {
	if err := e.begin(ctx, OpCreateVolume, spec.Name); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if spec.Name == "" {
		return opErr(OpCreateVolume, spec.Name, fmt.Errorf("a volume needs a name"))
	}
	if _, ok := e.volumes[spec.Name]; ok {
		return opErr(OpCreateVolume, spec.Name, fmt.Errorf("a volume with that name already exists: %w", ErrConflict))
	}
	labels := maps.Clone(spec.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	e.volumes[spec.Name] = &volume{info: engine.Volume{Name: spec.Name, Labels: labels}}
	return nil
}

// RemoveVolume removes a named volume. It fails while any container,
// running or not, mounts it.
func (e *Engine) RemoveVolume(ctx context.Context, name string) error {
	if err := e.begin(ctx, OpRemoveVolume, name); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.volumes[name]; !ok {
		return opErr(OpRemoveVolume, name, notFound("volume"))
	}
	users := e.usedBy(func(c *container) bool {
		return slices.ContainsFunc(c.spec.Mounts, func(m engine.Mount) bool {
			return m.Type == engine.MountVolume && m.Source == name
		})
	})
	if len(users) > 0 {
		return opErr(OpRemoveVolume, name, fmt.Errorf("the volume is in use by %s: %w", strings.Join(users, ", "), ErrConflict))
	}
	delete(e.volumes, name)
	return nil
}
