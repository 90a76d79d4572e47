// Package converge executes a plan against the engine: one engine call per
// operation, a readiness gate after each stage, and, when anything fails or
// the user cancels, removal of what this run created.
package converge

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hactl/hactl/cli/internal/engine"
	"github.com/hactl/hactl/cli/internal/plan"
	"github.com/hactl/hactl/cli/internal/ui"
)

// Engine is what executing a plan needs from the runtime.
type Engine interface {
	engine.Containers
	engine.Networks
	engine.Volumes
}

// Awaiter waits until services are ready.
type Awaiter interface {
	Await(ctx context.Context, services []string) error
}

// Options tune execution.
type Options struct {
	// KeepOnFailure leaves what this run created in place when it fails.
	KeepOnFailure bool
	// StopTimeout bounds the graceful stop of a container being replaced.
	StopTimeout time.Duration
	// CleanupTimeout bounds the removal of what a failed run created.
	CleanupTimeout time.Duration
}

// Result reports what a run did.
type Result struct {
	Created []string // containers, networks and volumes this run created
	Removed []string // containers and networks this run removed
}

type created struct {
	kind, name string
}

// Execute runs the plan.
func Execute(ctx context.Context, e Engine, p plan.Plan, a Awaiter, opts Options) (res Result, err error) {
	var made []created
	defer func() {
		if err == nil || opts.KeepOnFailure || len(made) == 0 {
			return
		}
		timeout := opts.CleanupTimeout
		if timeout <= 0 {
			timeout = time.Minute
		}
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
		defer cancel()
		if cerr := undo(cctx, e, made); cerr != nil {
			err = fmt.Errorf("%w (and cleaning up failed: %v)", err, cerr)
		} else {
			ui.From(ctx).Infof("removed the %d objects this run created", len(made))
		}
	}()
	for _, st := range p.Stages {
		for _, op := range st.Ops {
			if err := ctx.Err(); err != nil {
				return res, fmt.Errorf("up cancelled: %w", err)
			}
			if err := apply(ctx, e, op, opts, &made, &res); err != nil {
				return res, err
			}
		}
		if len(st.Await) > 0 && a != nil {
			if err := a.Await(ctx, st.Await); err != nil {
				if errors.Is(err, context.Canceled) {
					return res, fmt.Errorf("up cancelled: %w", err)
				}
				return res, err
			}
		}
	}
	return res, nil
}

func apply(ctx context.Context, e Engine, op plan.Op, opts Options, made *[]created, res *Result) error {
	object := op.Service
	if object == "" {
		object = op.Name
	}
	switch op.Action {
	case plan.CreateNetwork:
		done := ui.Step(ctx, object, "creating network")
		_, err := e.CreateNetwork(ctx, *op.Network)
		done(err, "network created")
		if err != nil {
			return err
		}
		*made = append(*made, created{"network", op.Name})
		res.Created = append(res.Created, op.Name)
	case plan.CreateVolume:
		done := ui.Step(ctx, object, "creating volume")
		err := e.CreateVolume(ctx, *op.Volume)
		done(err, "volume created")
		if err != nil {
			return err
		}
		*made = append(*made, created{"volume", op.Name})
		res.Created = append(res.Created, op.Name)
	case plan.RemoveContainer:
		done := ui.Step(ctx, object, "removing container ("+op.Reason+")")
		err := stopAndRemove(ctx, e, op.Name, opts.StopTimeout)
		done(err, "removed")
		if err != nil {
			return err
		}
		res.Removed = append(res.Removed, op.Name)
	case plan.CreateContainer:
		done := ui.Step(ctx, object, "creating container ("+op.Reason+")")
		_, err := e.CreateContainer(ctx, op.Container.Spec)
		done(err, "created")
		if err != nil {
			return err
		}
		*made = append(*made, created{"container", op.Name})
		res.Created = append(res.Created, op.Name)
	case plan.StartContainer:
		done := ui.Step(ctx, object, "starting")
		err := e.StartContainer(ctx, op.Name)
		done(err, "started")
		return err
	case plan.Unpause:
		done := ui.Step(ctx, object, "unpausing")
		err := e.UnpauseContainer(ctx, op.Name)
		done(err, "unpaused")
		return err
	case plan.RemoveNetwork:
		done := ui.Step(ctx, object, "removing network ("+op.Reason+")")
		err := e.RemoveNetwork(ctx, op.Name)
		if errors.Is(err, engine.ErrNotFound) {
			err = nil
		}
		done(err, "removed")
		if err != nil {
			return err
		}
		res.Removed = append(res.Removed, op.Name)
	default:
		return fmt.Errorf("unknown operation %s", op.Action)
	}
	return nil
}

func stopAndRemove(ctx context.Context, e Engine, name string, timeout time.Duration) error {
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	if err := e.StopContainer(ctx, name, timeout); err != nil && !errors.Is(err, engine.ErrNotFound) {
		return err
	}
	if err := e.RemoveContainer(ctx, name); err != nil && !errors.Is(err, engine.ErrNotFound) {
		return err
	}
	return nil
}

// undo removes what a run created: containers first, then networks and
// volumes.
func undo(ctx context.Context, e Engine, made []created) error {
	var errs []error
	for _, kind := range []string{"container", "network", "volume"} {
		for i := len(made) - 1; i >= 0; i-- {
			m := made[i]
			if m.kind != kind {
				continue
			}
			var err error
			switch kind {
			case "container":
				err = e.RemoveContainer(ctx, m.name)
			case "network":
				err = e.RemoveNetwork(ctx, m.name)
			case "volume":
				err = e.RemoveVolume(ctx, m.name)
			}
			if err != nil && !errors.Is(err, engine.ErrNotFound) {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}
