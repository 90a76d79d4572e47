// Package ready waits until services are really ready: Redis answers and
// each replica's link is up, every Sentinel sees the master, its replicas
// and the other Sentinels, each web app passes its health check, and HAProxy
// reports every backend UP.
package ready

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/hactl/hactl/cli/internal/engine"
	"github.com/hactl/hactl/cli/internal/labels"
	"github.com/hactl/hactl/cli/internal/probe"
	"github.com/hactl/hactl/cli/internal/ui"
)

// NotReadyError says which service is not ready, why, and what it logged last.
type NotReadyError struct {
	Service string
	After   time.Duration
	Reason  error
	Logs    string
}

func (e *NotReadyError) Error() string {
	return fmt.Sprintf("%s is not ready after %s: %v", e.Service, e.After.Round(time.Second), e.Reason)
}

func (e *NotReadyError) Unwrap() error { return e.Reason }

// Waiter waits for services of one stack.
type Waiter struct {
	Probe   *probe.Prober
	Logs    func(ctx context.Context, container string, tail int) string
	Timeout time.Duration // per service
	Every   time.Duration // between attempts
	// Roles maps each service to its role.
	Roles map[string]string
}

// Await waits for every service, in parallel, then checks that the
// Sentinels agree with each other.
func (w *Waiter) Await(ctx context.Context, services []string) error {
	g, gctx := errgroup.WithContext(ctx)
	sentinels := 0
	for _, svc := range services {
		svc := svc
		if w.Roles[svc] == labels.RoleSentinel {
			sentinels++
		}
		g.Go(func() error { return w.one(gctx, svc) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if sentinels > 0 {
		return w.poll(ctx, "sentinels", func(ctx context.Context) error {
			_, err := w.Probe.CurrentMasterUnanimous(ctx)
			return err
		})
	}
	return nil
}

func (w *Waiter) one(ctx context.Context, svc string) error {
	done := ui.Step(ctx, svc, "waiting until ready")
	err := w.poll(ctx, svc, func(ctx context.Context) error { return w.Check(ctx, svc) })
	done(err, "ready")
	return err
}

func (w *Waiter) poll(ctx context.Context, svc string, check func(context.Context) error) error {
	timeout, every := w.Timeout, w.Every
	if timeout <= 0 {
		timeout = time.Minute
	}
	if every <= 0 {
		every = 200 * time.Millisecond
	}
	start := time.Now()
	deadline, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	var last error
	for {
		attempt, cancelAttempt := context.WithTimeout(deadline, 5*time.Second)
		last = check(attempt)
		cancelAttempt()
		if last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline.Done():
			e := &NotReadyError{Service: svc, After: time.Since(start), Reason: last}
			if w.Logs != nil && svc != "sentinels" {
				e.Logs = w.Logs(context.WithoutCancel(ctx), w.Probe.Container(svc), 15)
			}
			return e
		case <-ticker.C:
		}
	}
}

// Check makes one readiness check of one service.
func (w *Waiter) Check(ctx context.Context, svc string) error {
	switch w.Roles[svc] {
	case labels.RoleRedis:
		return w.redis(ctx, svc)
	case labels.RoleSentinel:
		return w.sentinel(ctx, svc)
	case labels.RoleWeb:
		return w.Probe.WebHealthy(ctx, svc)
	case labels.RoleHAProxy:
		return w.haproxy(ctx)
	}
	return fmt.Errorf("service %s has no known role", svc)
}

func (w *Waiter) redis(ctx context.Context, node string) error {
	r, err := w.Probe.Replication(ctx, node)
	if err != nil {
		return err
	}
	if r.Role == "slave" && !r.LinkUp {
		return fmt.Errorf("replica link to %s:%d is down", r.MasterHost, r.MasterPort)
	}
	return nil
}

func (w *Waiter) sentinel(ctx context.Context, s string) error {
	t := w.Probe.Topology.Redis
	m, err := w.Probe.SentinelMaster(ctx, s)
	if err != nil {
		return err
	}
	if m.Down() {
		return fmt.Errorf("it sees master %s as down (%s)", m.Host, strings.Join(m.Flags, ","))
	}
	if m.NumOtherSentinels < t.Sentinels-1 {
		return fmt.Errorf("it knows %d other Sentinels, want %d", m.NumOtherSentinels, t.Sentinels-1)
	}
	reps, err := w.Probe.SentinelReplicas(ctx, s)
	if err != nil {
		return err
	}
	up := 0
	for _, r := range reps {
		if !slices.Contains(r.Flags, "s_down") && !slices.Contains(r.Flags, "disconnected") && r.MasterLinkUp {
			up++
		}
	}
	if up < t.Replicas {
		return fmt.Errorf("it sees %d healthy replicas of %s, want %d", up, m.Host, t.Replicas)
	}
	return nil
}

func (w *Waiter) haproxy(ctx context.Context) error {
	backends, err := w.Probe.Backends(ctx)
	if err != nil {
		return err
	}
	want := len(w.Probe.Topology.Web.Apps)
	var down []string
	for _, b := range backends {
		if !b.Up() {
			down = append(down, b.Server+" "+b.Status)
		}
	}
	if len(down) > 0 {
		return fmt.Errorf("backends not UP: %s", strings.Join(down, ", "))
	}
	if len(backends) != want {
		return fmt.Errorf("HAProxy lists %d backends, want %d", len(backends), want)
	}
	return nil
}

// LogTail reads a container's last log lines for error reports.
type LogTail interface {
	Logs(ctx context.Context, nameOrID string, opts engine.LogOptions, w io.Writer) error
}

// LastLogs returns a function that reads a container's last log lines.
func LastLogs(e LogTail) func(ctx context.Context, container string, tail int) string {
	return func(ctx context.Context, container string, tail int) string {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		var buf bytes.Buffer
		if err := e.Logs(ctx, container, engine.LogOptions{Tail: tail}, &buf); err != nil {
			return "(no logs: " + err.Error() + ")"
		}
		return strings.TrimRight(buf.String(), "\n")
	}
}
