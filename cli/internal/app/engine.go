package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/hactl/hactl/cli/internal/engine"
	"github.com/hactl/hactl/cli/internal/engine/docker"
)

// openEngine connects to the Docker daemon and checks it answers.
func openEngine(ctx context.Context) (engine.Engine, error) {
	e, err := docker.New(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := e.Ping(ctx); err != nil {
		e.Close()
		if errors.Is(err, engine.ErrUnavailable) {
			return nil, fmt.Errorf("%w (is the Docker daemon running, and may this user use it?)", err)
		}
		return nil, err
	}
	return e, nil
}
