package docker

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/pkg/stdcopy"

	"github.com/hactl/hactl/cli/internal/engine"
)

// Logs writes the container's stdout and stderr to w, demultiplexed (the
// containers hactl creates have no TTY). With opts.Follow it keeps writing
// until the container stops or ctx is cancelled; cancellation is not an
// error.
func (e *Engine) Logs(ctx context.Context, nameOrID string, opts engine.LogOptions, w io.Writer) error {
	lo := container.LogsOptions{
		ShowStdout: true,
		ShowStderr: true,
		Follow:     opts.Follow,
		Timestamps: opts.Timestamps,
		Tail:       "all",
	}
	if opts.Tail > 0 {
		lo.Tail = strconv.Itoa(opts.Tail)
	}
	if !opts.Since.IsZero() {
		lo.Since = fmt.Sprintf("%d.%09d", opts.Since.Unix(), opts.Since.Nanosecond())
	}
	rc, err := e.cli.ContainerLogs(ctx, nameOrID, lo)
	if err != nil {
		if opts.Follow && ctx.Err() != nil {
			return nil
		}
		return wrapErr(err, "read logs of container %s", nameOrID)
	}
	defer rc.Close()
	if _, err := stdcopy.StdCopy(w, w, rc); err != nil {
		if opts.Follow && ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("read logs of container %s: %w", nameOrID, err)
	}
	return nil
}
