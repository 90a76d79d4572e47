package docker

import (
	"fmt"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/client"

	"github.com/hactl/hactl/cli/internal/engine"
)

// opError reports what failed and matches an engine sentinel error as well as
// the daemon's own error.
type opError struct {
	op       string
	sentinel error
	err      error
}

func (e *opError) Error() string { return e.op + ": " + e.err.Error() }

func (e *opError) Unwrap() []error { return []error{e.sentinel, e.err} }

// wrapErr prefixes err with the operation that failed. "No such ..." errors
// match engine.ErrNotFound and connection failures match
// engine.ErrUnavailable.
func wrapErr(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	op := fmt.Sprintf(format, args...)
	switch {
	case cerrdefs.IsNotFound(err):
		return &opError{op: op, sentinel: engine.ErrNotFound, err: err}
	case client.IsErrConnectionFailed(err):
		return &opError{op: op, sentinel: engine.ErrUnavailable, err: err}
	}
	return fmt.Errorf("%s: %w", op, err)
}
