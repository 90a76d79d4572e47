package store

import (
	"context"
	"errors"
	"net"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// WaitReadMargin is how much longer than the WAIT timeout the socket read
// timeout must be, so that a WAIT that runs its full course is not cut off
// by the client before the server answers.
const WaitReadMargin = 250 * time.Millisecond

// Options configures a Redis store.
type Options struct {
	// Sentinels lists Sentinel host:port addresses. When non-empty the
	// store finds the master named MasterName through them and follows
	// failovers; Addr is ignored.
	Sentinels []string
	// MasterName is the Sentinel master group name.
	MasterName string
	// Addr is a single Redis host:port, used when Sentinels is empty.
	Addr string
	// Password is the Redis servers' requirepass.
	Password string
	// SentinelPassword is the Sentinels' requirepass (may be empty).
	SentinelPassword string

	// DialTimeout, ReadTimeout and WriteTimeout bound each network
	// operation; ReadTimeout is raised to DurableTimeout+WaitReadMargin
	// when it is shorter.
	DialTimeout, ReadTimeout, WriteTimeout time.Duration
	// MaxRetries is how many times a failed command is retried (0: never).
	MaxRetries int
	// PoolSize is the maximum number of connections to the master.
	PoolSize int

	// DurableReplicas is how many replicas must acknowledge a Set before
	// it succeeds (0 disables the WAIT).
	DurableReplicas int
	// DurableTimeout is the WAIT timeout.
	DurableTimeout time.Duration
}

// Redis is a Store backed by go-redis. It is safe for concurrent use.
type Redis struct {
	c           *redis.Client
	replicas    int
	waitTimeout time.Duration
}

var _ Store = (*Redis)(nil)

// New returns a Redis store. It does not connect: connections are opened
// on first use, so New succeeds even while Redis is down.
func New(o Options) *Redis {
	read := o.ReadTimeout
	if o.DurableReplicas > 0 && read < o.DurableTimeout+WaitReadMargin {
		read = o.DurableTimeout + WaitReadMargin
	}
	retries := o.MaxRetries
	if retries <= 0 {
		retries = -1 // go-redis reads 0 as "default (3)" and -1 as "none".
	}

	var c *redis.Client
	if len(o.Sentinels) > 0 {
		c = redis.NewFailoverClient(&redis.FailoverOptions{
			MasterName:            o.MasterName,
			SentinelAddrs:         o.Sentinels,
			SentinelPassword:      o.SentinelPassword,
			Password:              o.Password,
			DialTimeout:           o.DialTimeout,
			DialerRetries:         1,
			ReadTimeout:           read,
			WriteTimeout:          o.WriteTimeout,
			ContextTimeoutEnabled: true,
			MaxRetries:            retries,
			PoolSize:              o.PoolSize,
			DisableIdentity:       true,
		})
	} else {
		c = redis.NewClient(&redis.Options{
			Addr:                  o.Addr,
			Password:              o.Password,
			DialTimeout:           o.DialTimeout,
			DialerRetries:         1,
			ReadTimeout:           read,
			WriteTimeout:          o.WriteTimeout,
			ContextTimeoutEnabled: true,
			MaxRetries:            retries,
			PoolSize:              o.PoolSize,
			DisableIdentity:       true,
		})
	}
	return &Redis{c: c, replicas: o.DurableReplicas, waitTimeout: o.DurableTimeout}
}

// Set stores value under key. With DurableReplicas > 0 it sends SET and
// WAIT in one pipeline on one connection (not MULTI: WAIT does not block
// inside a transaction) and returns a *NotAcknowledgedError when fewer
// replicas than required confirmed the write in time.
func (s *Redis) Set(ctx context.Context, key, value string) error {
	if s.replicas <= 0 {
		return classify(s.c.Set(ctx, key, value, 0).Err())
	}
	wait := redis.NewIntCmd(ctx, "wait", s.replicas, s.waitTimeout.Milliseconds())
	pipe := s.c.Pipeline()
	pipe.Set(ctx, key, value, 0)
	_ = pipe.Process(ctx, wait)
	if _, err := pipe.Exec(ctx); err != nil {
		return classify(err)
	}
	if got := int(wait.Val()); got < s.replicas {
		return &NotAcknowledgedError{Want: s.replicas, Got: got, Timeout: s.waitTimeout}
	}
	return nil
}

// Get returns the value stored under key, or ErrNotFound.
func (s *Redis) Get(ctx context.Context, key string) (string, error) {
	v, err := s.c.Get(ctx, key).Result()
	// Compared by identity on purpose: a Sentinel lookup failure can wrap
	// redis.Nil (an unknown master name), which must not read as a miss.
	if err == redis.Nil {
		return "", ErrNotFound
	}
	if err != nil {
		return "", classify(err)
	}
	return v, nil
}

// Ping checks that the master answers.
func (s *Redis) Ping(ctx context.Context) error {
	return classify(s.c.Ping(ctx).Err())
}

// Close closes the connection pool and, with Sentinel, the Sentinel
// connection.
func (s *Redis) Close() error {
	return s.c.Close()
}

// classify wraps a go-redis error in an *UnavailableError.
func classify(err error) error {
	if err == nil {
		return nil
	}
	return &UnavailableError{Reason: reason(err), Cause: err}
}

// reason maps an error to a short phrase that is safe to show to clients.
func reason(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "request canceled"
	case errors.Is(err, redis.ErrClosed):
		return "client closed"
	case errors.Is(err, redis.ErrPoolTimeout):
		return "connection pool exhausted"
	}
	msg := err.Error()
	if strings.Contains(msg, "sentinels") {
		return "no master address from sentinels"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timeout"
	}
	var re redis.Error
	if errors.As(err, &re) {
		switch code, _, _ := strings.Cut(re.Error(), " "); code {
		case "READONLY":
			return "master is read-only (failover in progress)"
		case "LOADING":
			return "server is loading its dataset"
		case "MASTERDOWN":
			return "replica lost its master"
		case "NOAUTH", "WRONGPASS":
			return "authentication failed"
		case "OOM":
			return "server out of memory"
		case "BUSY":
			return "server busy"
		default:
			return "server error"
		}
	}
	return "connection failed"
}
