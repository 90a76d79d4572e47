package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/hactl/hactl/cli/internal/engine"
)

// presentImages checks that every image exists locally; nothing is pulled.
type presentImages struct{ e engine.Engine }

func newImageBuilder(e engine.Engine) *presentImages { return &presentImages{e: e} }

func (b *presentImages) Ensure(ctx context.Context, refs []string) error {
	for _, ref := range refs {
		if _, err := b.e.InspectImage(ctx, ref); err != nil {
			if errors.Is(err, engine.ErrNotFound) {
				return fmt.Errorf("image %s is not present and no registry is reachable: load it with docker load", ref)
			}
			return err
		}
	}
	return nil
}
