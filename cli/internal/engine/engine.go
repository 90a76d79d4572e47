package engine

import (
	"context"
	"io"
	"time"
)

// Containers manages containers.
type Containers interface {
	ListContainers(ctx context.Context, labels map[string]string) ([]Container, error)
	InspectContainer(ctx context.Context, nameOrID string) (Container, error)
	// CreateContainer creates the container, copies spec.Files into it and
	// connects it to every network in spec.Networks. It does not start it.
	CreateContainer(ctx context.Context, spec ContainerSpec) (string, error)
	StartContainer(ctx context.Context, nameOrID string) error
	// StopContainer sends the stop signal and kills after timeout.
	StopContainer(ctx context.Context, nameOrID string, timeout time.Duration) error
	KillContainer(ctx context.Context, nameOrID, signal string) error
	PauseContainer(ctx context.Context, nameOrID string) error
	UnpauseContainer(ctx context.Context, nameOrID string) error
	// RemoveContainer force-removes the container; anonymous volumes go with it.
	RemoveContainer(ctx context.Context, nameOrID string) error
	Exec(ctx context.Context, nameOrID string, cmd []string, env []string) (ExecResult, error)
	// Logs writes the container's stdout and stderr, demultiplexed, to w.
	Logs(ctx context.Context, nameOrID string, opts LogOptions, w io.Writer) error
	Stats(ctx context.Context, nameOrID string) (Stats, error)
}

// Networks manages networks.
type Networks interface {
	ListNetworks(ctx context.Context, labels map[string]string) ([]Network, error)
	CreateNetwork(ctx context.Context, spec NetworkSpec) (string, error)
	RemoveNetwork(ctx context.Context, nameOrID string) error
	// ConnectNetwork attaches a container to att.Network with att's aliases
	// and fixed address.
	ConnectNetwork(ctx context.Context, container string, att NetworkAttachment) error
	DisconnectNetwork(ctx context.Context, network, container string) error
}

// Volumes manages named volumes.
type Volumes interface {
	ListVolumes(ctx context.Context, labels map[string]string) ([]Volume, error)
	CreateVolume(ctx context.Context, spec VolumeSpec) error
	RemoveVolume(ctx context.Context, name string) error
}

// Images manages local images. Nothing is ever pulled.
type Images interface {
	InspectImage(ctx context.Context, ref string) (Image, error)
	ListImages(ctx context.Context, labels map[string]string) ([]Image, error)
	// BuildImage builds from a tar build context holding a Dockerfile.
	BuildImage(ctx context.Context, buildContext io.Reader, tag string, labels map[string]string, progress BuildProgress) error
	// ImportImage creates an image from a tar of a root filesystem.
	ImportImage(ctx context.Context, rootfs io.Reader, tag string, changes []string, progress BuildProgress) error
	RemoveImage(ctx context.Context, ref string) error
}

// Engine is the whole runtime.
type Engine interface {
	Ping(ctx context.Context) (Info, error)
	Containers
	Networks
	Volumes
	Images
	Close() error
}
