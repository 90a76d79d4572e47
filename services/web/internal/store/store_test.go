package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// replyError mimics a Redis error reply (it satisfies redis.Error).
type replyError string

func (e replyError) Error() string { return string(e) }
func (replyError) RedisError()     {}

func TestReason(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{context.DeadlineExceeded, "timeout"},
		{fmt.Errorf("wrapped: %w", context.Canceled), "request canceled"},
		{os.ErrDeadlineExceeded, "timeout"},
		{redis.ErrClosed, "client closed"},
		{redis.ErrPoolTimeout, "connection pool exhausted"},
		{replyError("READONLY You can't write against a read only replica."), "master is read-only (failover in progress)"},
		{replyError("LOADING Redis is loading the dataset in memory"), "server is loading its dataset"},
		{replyError("MASTERDOWN Link with MASTER is down"), "replica lost its master"},
		{replyError("WRONGPASS invalid username-password pair"), "authentication failed"},
		{replyError("NOAUTH Authentication required."), "authentication failed"},
		{replyError("ERR something else"), "server error"},
		{fmt.Errorf("redis: all sentinels specified in configuration are unreachable: %w", redis.Nil), "no master address from sentinels"},
		{errors.New("dial tcp 10.0.0.1:6379: connect: connection refused"), "connection failed"},
	}
	for _, tt := range tests {
		err := classify(tt.err)
		var ue *UnavailableError
		if !errors.As(err, &ue) || !errors.Is(err, ErrUnavailable) || !errors.Is(err, tt.err) {
			t.Errorf("classify(%v) = %v: not an UnavailableError wrapping the cause", tt.err, err)
			continue
		}
		if ue.Reason != tt.want {
			t.Errorf("reason(%v) = %q, want %q", tt.err, ue.Reason, tt.want)
		}
		if got, want := err.Error(), "redis unavailable: "+tt.want; got != want {
			t.Errorf("Error() = %q, want %q", got, want)
		}
	}
	if classify(nil) != nil {
		t.Error("classify(nil) != nil")
	}
}

func TestNotAcknowledgedError(t *testing.T) {
	err := &NotAcknowledgedError{Want: 1, Got: 0, Timeout: 500 * time.Millisecond}
	if got, want := err.Error(), "write not acknowledged by 1 replica(s) within 500ms"; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
}
