// Package engine defines what hactl needs from a container runtime, in hactl's
// own terms. The Docker adapter in engine/docker is the only implementation
// that talks to a real daemon; nothing outside it imports the Docker SDK.
package engine

import (
	"errors"
	"time"
)

// ErrNotFound is returned (wrapped) when a container, network, volume or image
// does not exist.
var ErrNotFound = errors.New("not found")

// ErrUnavailable is returned (wrapped) when the engine does not answer.
var ErrUnavailable = errors.New("container engine unavailable")

// Info describes the engine that answered a Ping.
type Info struct {
	ServerVersion string
	APIVersion    string
	OS            string
	CPUs          int
	MemoryBytes   int64
}

// PortBinding publishes a container port on the host.
type PortBinding struct {
	HostIP        string // "127.0.0.1" unless the user asked otherwise
	HostPort      uint16 // 0 lets the engine choose
	ContainerPort uint16
	Protocol      string // "tcp" (default) or "udp"
}

// MountType says what a Mount's Source names.
type MountType string

const (
	MountVolume MountType = "volume"
	MountBind   MountType = "bind"
	MountTmpfs  MountType = "tmpfs"
)

// Mount attaches storage to a container.
type Mount struct {
	Type     MountType
	Source   string // volume name or host path; empty for tmpfs
	Target   string
	ReadOnly bool
}

// File is copied into a container after it is created and before it starts.
// Files live in the container's writable layer: the process may rewrite
// them, a restart keeps them, and recreating the container resets them.
type File struct {
	Path    string // absolute path inside the container
	Mode    int64  // permission bits, e.g. 0o644
	Content []byte
}

// NetworkAttachment connects a container to a network under DNS aliases,
// at a fixed address when IPv4 is set.
type NetworkAttachment struct {
	Network string
	Aliases []string
	IPv4    string
}

// Healthcheck mirrors Docker's HEALTHCHECK.
type Healthcheck struct {
	Test        []string // e.g. ["CMD", "redis-cli", "ping"]
	Interval    time.Duration
	Timeout     time.Duration
	StartPeriod time.Duration
	Retries     int
}

// ContainerSpec is everything needed to create one container.
type ContainerSpec struct {
	Name        string
	Hostname    string
	Image       string
	Entrypoint  []string // nil keeps the image's entrypoint
	Cmd         []string // nil keeps the image's command
	Env         []string // KEY=VALUE
	User        string
	WorkingDir  string
	Labels      map[string]string
	Networks    []NetworkAttachment // the first one is used at create time
	Ports       []PortBinding
	Mounts      []Mount
	Files       []File
	Healthcheck *Healthcheck
	StopSignal  string
	StopTimeout time.Duration
	Restart     string // "no", "always", "unless-stopped", "on-failure"
	Init        bool
	Sysctls     map[string]string
	MemoryBytes int64    // 0 means unlimited
	ExtraHosts  []string // "name:address" lines for /etc/hosts
}

// Container is what the engine reports about an existing container.
type Container struct {
	ID       string
	Name     string
	Image    string
	Labels   map[string]string
	State    string // created, running, paused, restarting, exited, dead
	Health   string // "", starting, healthy, unhealthy
	Ports    []PortBinding
	Networks []string
	// Endpoints are the container's network attachments, with the aliases
	// and fixed address they were configured with.
	Endpoints []NetworkAttachment
	Created   time.Time
	Started   time.Time
	ExitCode  int
}

// Network is a user-defined network.
type Network struct {
	ID       string
	Name     string
	Driver   string
	Internal bool
	Subnets  []string // CIDRs
	Labels   map[string]string
}

// NetworkSpec creates a network.
type NetworkSpec struct {
	Name     string
	Driver   string // "bridge" when empty
	Internal bool
	Subnet   string // CIDR; empty lets the engine choose
	IPRange  string // CIDR within Subnet for addresses the engine assigns
	Labels   map[string]string
}

// Volume is a named volume.
type Volume struct {
	Name   string
	Labels map[string]string
}

// VolumeSpec creates a named volume.
type VolumeSpec struct {
	Name   string
	Labels map[string]string
}

// Image is a local image.
type Image struct {
	ID     string
	Tags   []string
	Size   int64
	Labels map[string]string
}

// ExecResult is the outcome of a command run inside a container.
type ExecResult struct {
	ExitCode int
	Stdout   []byte
	Stderr   []byte
}

// LogOptions selects container log lines.
type LogOptions struct {
	Since      time.Time // zero means from the start
	Tail       int       // 0 means all lines
	Follow     bool
	Timestamps bool
}

// Stats is one sample of a container's resource use.
type Stats struct {
	Read          time.Time
	CPUPercent    float64 // of one core: 100 means one full core
	MemoryBytes   uint64  // usage minus page cache
	MemoryLimit   uint64
	NetworkRxByte uint64
	NetworkTxByte uint64
}

// BuildProgress receives one line of image build or import output at a time.
type BuildProgress func(line string)
