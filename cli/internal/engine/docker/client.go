// Package docker implements engine.Engine on top of the Docker Engine API.
//
// It is the only package in hactl that imports the Docker SDK. It speaks API
// 1.41 (Docker 20.10) or newer and never pulls images.
package docker

import (
	"context"
	"fmt"

	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/client"

	"github.com/hactl/hactl/cli/internal/engine"
)

// Engine is an engine.Engine backed by a Docker daemon.
type Engine struct {
	cli *client.Client
}

var _ engine.Engine = (*Engine)(nil)

// New returns an Engine for the daemon named by the environment (DOCKER_HOST,
// DOCKER_TLS_VERIFY, DOCKER_CERT_PATH; the local socket by default). The API
// version is negotiated with the daemon on first use. New does not contact
// the daemon: call Ping to check that it answers.
func New(ctx context.Context) (*Engine, error) {
	return NewWithHost(ctx, "")
}

// NewWithHost is New with the daemon address given explicitly, e.g.
// "unix:///var/run/docker.sock" or "tcp://127.0.0.1:2375". An empty host
// falls back to the environment.
func NewWithHost(_ context.Context, host string) (*Engine, error) {
	opts := []client.Opt{client.FromEnv, client.WithAPIVersionNegotiation()}
	if host != "" {
		opts = append(opts, client.WithHost(host))
	}
	cli, err := client.NewClientWithOpts(opts...)
	if err != nil {
		return nil, fmt.Errorf("create Docker client: %w", err)
	}
	return &Engine{cli: cli}, nil
}

// Ping checks that the daemon answers and describes it. When no daemon
// answers, the error wraps engine.ErrUnavailable.
func (e *Engine) Ping(ctx context.Context) (engine.Info, error) {
	ping, err := e.cli.Ping(ctx)
	if err != nil {
		return engine.Info{}, fmt.Errorf("%w: cannot reach the Docker daemon at %s: %w",
			engine.ErrUnavailable, e.cli.DaemonHost(), err)
	}
	info, err := e.cli.Info(ctx)
	if err != nil {
		return engine.Info{}, wrapErr(err, "read Docker daemon info from %s", e.cli.DaemonHost())
	}
	osName := info.OperatingSystem
	if osName == "" {
		osName = info.OSType
	}
	api := e.cli.ClientVersion()
	if api == "" {
		api = ping.APIVersion
	}
	return engine.Info{
		ServerVersion: info.ServerVersion,
		APIVersion:    api,
		OS:            osName,
		CPUs:          info.NCPU,
		MemoryBytes:   info.MemTotal,
	}, nil
}

// Close releases the client's connections.
func (e *Engine) Close() error {
	return e.cli.Close()
}

// labelFilter turns a label map into "label" filters: k=v, or just k when
// the value is empty.
func labelFilter(labels map[string]string) filters.Args {
	args := filters.NewArgs()
	for k, v := range labels {
		if v == "" {
			args.Add("label", k)
		} else {
			args.Add("label", k+"="+v)
		}
	}
	return args
}
