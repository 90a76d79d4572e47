package stack

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hactl/hactl/cli/internal/engine"
	"github.com/hactl/hactl/cli/internal/ui"
)

// DownOptions tune Down.
type DownOptions struct {
	Volumes     bool
	StopTimeout time.Duration
}

// DownResult counts what Down removed.
type DownResult struct {
	Containers, Networks, Volumes int
}

// Empty says whether there was nothing to remove.
func (r DownResult) Empty() bool { return r.Containers+r.Networks+r.Volumes == 0 }

// Down removes the project's containers and networks, found by label, and
// its volumes when asked. A project with nothing left is not an error.
func Down(ctx context.Context, e Engine, project string, opts DownOptions) (DownResult, error) {
	have, err := Observe(ctx, e, project)
	if err != nil {
		return DownResult{}, err
	}
	var res DownResult
	timeout := opts.StopTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	errs := make(chan error, len(have.Containers))
	for _, c := range have.Containers {
		c := c
		go func() {
			done := ui.Step(ctx, c.Name, "stopping and removing")
			err := e.StopContainer(ctx, c.Name, timeout)
			if err == nil || errors.Is(err, engine.ErrNotFound) {
				err = e.RemoveContainer(ctx, c.Name)
			}
			if errors.Is(err, engine.ErrNotFound) {
				err = nil
			}
			done(err, "removed")
			errs <- err
		}()
	}
	var all []error
	for range have.Containers {
		if err := <-errs; err != nil {
			all = append(all, err)
		} else {
			res.Containers++
		}
	}
	if len(all) > 0 {
		return res, errors.Join(all...)
	}
	for _, n := range have.Networks {
		done := ui.Step(ctx, n.Name, "removing network")
		err := e.RemoveNetwork(ctx, n.Name)
		if errors.Is(err, engine.ErrNotFound) {
			err = nil
		}
		done(err, "removed")
		if err != nil {
			return res, fmt.Errorf("remove network %s: %w", n.Name, err)
		}
		res.Networks++
	}
	if opts.Volumes {
		for _, v := range have.Volumes {
			done := ui.Step(ctx, v.Name, "removing volume")
			err := e.RemoveVolume(ctx, v.Name)
			if errors.Is(err, engine.ErrNotFound) {
				err = nil
			}
			done(err, "removed")
			if err != nil {
				return res, err
			}
			res.Volumes++
		}
	}
	return res, nil
}
