package app

import (
	"context"
	"errors"
	"os"

	"github.com/hactl/hactl/cli/internal/engine"
	"github.com/hactl/hactl/cli/internal/engine/docker"
)

// daemonError is a missing daemon, said in one line; -v shows the cause.
type daemonError struct {
	host string
	err  error
}

func (e daemonError) Error() string {
	return "cannot reach the Docker daemon at " + e.host + ": is it running, and may this user use it?"
}

func (e daemonError) Unwrap() error { return e.err }

// openEngine connects to the Docker daemon and checks it answers.
func openEngine(ctx context.Context) (engine.Engine, error) {
	e, err := docker.New(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := e.Ping(ctx); err != nil {
		e.Close()
		if errors.Is(err, engine.ErrUnavailable) {
			host := os.Getenv("DOCKER_HOST")
			if host == "" {
				host = "unix:///var/run/docker.sock"
			}
			return nil, daemonError{host: host, err: err}
		}
		return nil, err
	}
	return e, nil
}
