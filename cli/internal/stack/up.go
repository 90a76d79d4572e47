package stack

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/hactl/hactl/cli/internal/converge"
	"github.com/hactl/hactl/cli/internal/desired"
	"github.com/hactl/hactl/cli/internal/plan"
)

// ImageEnsurer makes sure images exist, building those hactl can build.
type ImageEnsurer interface {
	Ensure(ctx context.Context, refs []string) error
}

// UpOptions tune Up.
type UpOptions struct {
	KeepOnFailure bool
	Images        ImageEnsurer
	Waiter        converge.Awaiter
}

// UpResult says what Up did.
type UpResult struct {
	Plan    plan.Plan
	Result  converge.Result
	Elapsed time.Duration
}

// Up converges the engine to the desired state: it observes, plans, checks
// the plan can succeed, builds missing images, then executes.
func Up(ctx context.Context, e Engine, want desired.State, opts UpOptions) (UpResult, error) {
	start := time.Now()
	have, err := Observe(ctx, e, want.Project)
	if err != nil {
		return UpResult{}, err
	}
	p, err := plan.Make(want, have)
	if err != nil {
		return UpResult{}, fmt.Errorf("plan project %s: %w", want.Project, err)
	}
	res := UpResult{Plan: p}
	if p.Empty() {
		res.Elapsed = time.Since(start)
		return res, nil
	}
	if err := Preflight(ctx, e, want, p, have); err != nil {
		return res, err
	}
	if opts.Images != nil {
		if err := opts.Images.Ensure(ctx, imagesToCreate(p)); err != nil {
			return res, err
		}
	}
	res.Result, err = converge.Execute(ctx, e, p, opts.Waiter, converge.Options{KeepOnFailure: opts.KeepOnFailure})
	res.Elapsed = time.Since(start)
	return res, err
}

func imagesToCreate(p plan.Plan) []string {
	seen := map[string]bool{}
	var refs []string
	for _, op := range p.Ops() {
		if op.Action == plan.CreateContainer && !seen[op.Container.Spec.Image] {
			seen[op.Container.Spec.Image] = true
			refs = append(refs, op.Container.Spec.Image)
		}
	}
	sort.Strings(refs)
	return refs
}
