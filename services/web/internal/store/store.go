// Package store defines the key-value store the web service talks to and
// a Redis implementation of it that can find its master through Sentinel.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Store is what the HTTP handlers need from a key-value backend.
//
// Implementations return ErrNotFound from Get for a missing key, an error
// matching ErrUnavailable when the backend cannot be reached or cannot serve
// the request in time, and a *NotAcknowledgedError from Set when the write
// was not confirmed by enough replicas.
type Store interface {
	Set(ctx context.Context, key, value string) error
	Get(ctx context.Context, key string) (string, error)
	Ping(ctx context.Context) error
}

// ErrNotFound is returned by Get when the key does not exist.
var ErrNotFound = errors.New("key not found")

// ErrUnavailable is matched (with errors.Is) by every error that means the
// backend could not serve the request: unreachable, no master known,
// timeout, failover in progress, authentication failure.
var ErrUnavailable = errors.New("redis unavailable")

// UnavailableError is an ErrUnavailable with a short, safe-to-publish
// reason. Error never includes addresses or credentials; the underlying
// error, which may, is kept in Cause for logs.
type UnavailableError struct {
	// Reason is a short fixed phrase such as "timeout" or "no master known".
	Reason string
	// Cause is the error reported by the client library.
	Cause error
}

// Error returns "redis unavailable: <reason>".
func (e *UnavailableError) Error() string {
	return ErrUnavailable.Error() + ": " + e.Reason
}

// Unwrap lets errors.Is match both ErrUnavailable and the cause.
func (e *UnavailableError) Unwrap() []error {
	return []error{ErrUnavailable, e.Cause}
}

// NotAcknowledgedError is returned by Set when the master applied the write
// but fewer than Want replicas confirmed it within Timeout, so the write may
// be lost if the master fails now.
type NotAcknowledgedError struct {
	// Want is the number of replica acknowledgements required.
	Want int
	// Got is the number of replicas that acknowledged in time.
	Got int
	// Timeout is how long the master waited for them.
	Timeout time.Duration
}

// Error returns "write not acknowledged by N replica(s) within T".
func (e *NotAcknowledgedError) Error() string {
	return fmt.Sprintf("write not acknowledged by %d replica(s) within %s", e.Want, e.Timeout)
}
