package drill

import (
	"context"
	"fmt"
	"time"

	"github.com/hactl/hactl/cli/internal/engine"
)

// Mode is how a fault is injected.
type Mode string

const (
	// Kill sends SIGKILL: a crash.
	Kill Mode = "kill"
	// Stop sends SIGTERM and waits: a graceful shutdown.
	Stop Mode = "stop"
	// Pause freezes every process of the container: a hung server.
	Pause Mode = "pause"
	// Disconnect cuts the container from its networks: a partition.
	Disconnect Mode = "disconnect"
)

// Modes lists every mode.
var Modes = []Mode{Kill, Stop, Pause, Disconnect}

// ParseMode reads a --mode value.
func ParseMode(s string) (Mode, error) {
	for _, m := range Modes {
		if string(m) == s {
			return m, nil
		}
	}
	return "", fmt.Errorf("--mode must be kill, stop, pause or disconnect, got %q", s)
}

// Faulter is what injecting and healing faults needs from the engine.
type Faulter interface {
	InspectContainer(ctx context.Context, nameOrID string) (engine.Container, error)
	StartContainer(ctx context.Context, nameOrID string) error
	StopContainer(ctx context.Context, nameOrID string, timeout time.Duration) error
	KillContainer(ctx context.Context, nameOrID, signal string) error
	PauseContainer(ctx context.Context, nameOrID string) error
	UnpauseContainer(ctx context.Context, nameOrID string) error
	ConnectNetwork(ctx context.Context, container string, att engine.NetworkAttachment) error
	DisconnectNetwork(ctx context.Context, network, container string) error
}

// Fault is one injected fault, ready to be healed.
type Fault struct {
	Mode      Mode
	Service   string
	Container string
	At        time.Time
	endpoints []engine.NetworkAttachment
}

// Inject breaks a container. For Disconnect it remembers the network
// attachments, aliases and fixed addresses included, so that Heal can
// reconnect them as they were.
func Inject(ctx context.Context, e Faulter, mode Mode, service, container string) (*Fault, error) {
	f := &Fault{Mode: mode, Service: service, Container: container}
	if mode == Disconnect {
		c, err := e.InspectContainer(ctx, container)
		if err != nil {
			return nil, err
		}
		f.endpoints = c.Endpoints
	}
	f.At = time.Now()
	var err error
	switch mode {
	case Kill:
		err = e.KillContainer(ctx, container, "SIGKILL")
	case Stop:
		err = e.StopContainer(ctx, container, 10*time.Second)
	case Pause:
		err = e.PauseContainer(ctx, container)
	case Disconnect:
		for _, ep := range f.endpoints {
			if err = e.DisconnectNetwork(ctx, ep.Network, container); err != nil {
				break
			}
		}
	default:
		err = fmt.Errorf("unknown fault mode %q", mode)
	}
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", mode, service, err)
	}
	return f, nil
}

// Heal undoes the fault: restart, unpause or reconnect.
func Heal(ctx context.Context, e Faulter, f *Fault) error {
	var err error
	switch f.Mode {
	case Kill, Stop:
		err = e.StartContainer(ctx, f.Container)
	case Pause:
		err = e.UnpauseContainer(ctx, f.Container)
	case Disconnect:
		for _, ep := range f.endpoints {
			if err = e.ConnectNetwork(ctx, f.Container, ep); err != nil {
				break
			}
		}
	}
	if err != nil {
		return fmt.Errorf("heal %s after %s: %w", f.Service, f.Mode, err)
	}
	return nil
}
