// Package verify runs the write-up's end-to-end checks against a running
// stack, and more: each check is one line with its outcome and its time.
package verify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/hactl/hactl/cli/internal/probe"
)

// Result is the outcome of one check.
type Result struct {
	Name     string        `json:"name"`
	OK       bool          `json:"ok"`
	Detail   string        `json:"detail,omitempty"`
	Duration time.Duration `json:"-"`
	Millis   float64       `json:"duration_ms"`
}

// Report is the outcome of every check.
type Report struct {
	Project string   `json:"project"`
	Master  string   `json:"master,omitempty"`
	Checks  []Result `json:"checks"`
}

// OK says whether every check passed.
func (r Report) OK() bool {
	for _, c := range r.Checks {
		if !c.OK {
			return false
		}
	}
	return len(r.Checks) > 0
}

// Passed counts the checks that passed.
func (r Report) Passed() int {
	n := 0
	for _, c := range r.Checks {
		if c.OK {
			n++
		}
	}
	return n
}

// KeyPrefix starts every key verify writes.
const KeyPrefix = "hactl:verify:"

// Options tune Run.
type Options struct {
	// Each is called after each check, to show progress as it goes.
	Each func(Result)
	// Replication bounds the wait for a write to reach every replica.
	Replication time.Duration
}

type checker struct {
	p      *probe.Prober
	key    string
	value  string
	master string
	opts   Options
	report Report
}

// Run runs every check in order. A failed check does not stop the others.
func Run(ctx context.Context, p *probe.Prober, opts Options) Report {
	if opts.Replication <= 0 {
		opts.Replication = 3 * time.Second
	}
	c := &checker{p: p, key: KeyPrefix + token(), value: "v-" + token(), opts: opts,
		report: Report{Project: p.Topology.Project}}
	apps := p.Topology.Web.Apps
	first, second := apps[0].Name, apps[len(apps)-1].Name
	c.run(ctx, fmt.Sprintf("set via %s (%s)", first, p.AppRoute(first)), func(ctx context.Context) (string, error) {
		return c.expect(p.App(ctx, first, setPath(c.key, c.value)))(200, fmt.Sprintf("OK. We have set %s to be %s", c.key, c.value))
	})
	c.run(ctx, fmt.Sprintf("get via %s (%s)", second, p.AppRoute(second)), func(ctx context.Context) (string, error) {
		return c.expect(p.App(ctx, second, getPath(c.key)))(200, c.value)
	})
	c.run(ctx, "get via HAProxy "+strings.TrimPrefix(p.BaseURL(), "http://"), func(ctx context.Context) (string, error) {
		return c.expect(p.Front(ctx, getPath(c.key)))(200, c.value)
	})
	c.run(ctx, "all Sentinels name the same master", c.sentinelsAgree)
	c.run(ctx, "the write is on every replica", c.onEveryReplica)
	c.run(ctx, "HAProxy stats show every backend UP", c.backendsUp)
	c.run(ctx, "a missing key answers 404 through HAProxy", func(ctx context.Context) (string, error) {
		code, _, err := p.Front(ctx, getPath(KeyPrefix+"missing-"+token()))
		return statusOnly(code, err, 404)
	})
	c.run(ctx, "a request without a key answers 400 through HAProxy", func(ctx context.Context) (string, error) {
		code, _, err := p.Front(ctx, "/set?value=x")
		return statusOnly(code, err, 400)
	})
	c.run(ctx, "a value over the limit answers 413 through HAProxy", func(ctx context.Context) (string, error) {
		big := strings.Repeat("x", int(p.Topology.Web.MaxValueBytes)+1)
		code, _, err := p.Front(ctx, setPath(KeyPrefix+"big", big))
		return statusOnly(code, err, 413)
	})
	c.cleanup(ctx)
	return c.report
}

func (c *checker) run(ctx context.Context, name string, check func(context.Context) (string, error)) {
	start := time.Now()
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	detail, err := check(cctx)
	cancel()
	r := Result{Name: name, OK: err == nil, Detail: detail, Duration: time.Since(start)}
	r.Millis = float64(r.Duration.Microseconds()) / 1000
	if err != nil {
		r.Detail = err.Error()
	}
	c.report.Checks = append(c.report.Checks, r)
	if c.opts.Each != nil {
		c.opts.Each(r)
	}
}

func (c *checker) expect(code int, body string, err error) func(int, string) (string, error) {
	return func(wantCode int, wantBody string) (string, error) {
		if err != nil {
			return "", err
		}
		if code != wantCode || body != wantBody {
			return "", fmt.Errorf("answered %d %q, want %d %q", code, clip(body), wantCode, clip(wantBody))
		}
		return fmt.Sprintf("%d %s", code, clip(body)), nil
	}
}

func statusOnly(code int, err error, want int) (string, error) {
	if err != nil {
		return "", err
	}
	if code != want {
		return "", fmt.Errorf("answered %d, want %d", code, want)
	}
	return fmt.Sprintf("%d", code), nil
}

func (c *checker) sentinelsAgree(ctx context.Context) (string, error) {
	master, err := c.p.CurrentMasterUnanimous(ctx)
	if err != nil {
		return "", err
	}
	c.master = master
	c.report.Master = master
	return fmt.Sprintf("%d Sentinels name %s", len(c.p.Topology.Redis.SentinelNames()), master), nil
}

func (c *checker) onEveryReplica(ctx context.Context) (string, error) {
	if c.master == "" {
		m, err := c.p.CurrentMaster(ctx)
		if err != nil {
			return "", fmt.Errorf("cannot tell the replicas from the master: %w", err)
		}
		c.master = m
	}
	deadline := time.Now().Add(c.opts.Replication)
	var missing []string
	for {
		missing = missing[:0]
		for _, n := range c.p.Topology.Redis.Nodes() {
			v, ok, err := c.p.RedisGet(ctx, n.Name, c.key)
			switch {
			case err != nil:
				missing = append(missing, n.Name+" ("+err.Error()+")")
			case !ok || v != c.value:
				missing = append(missing, n.Name)
			}
		}
		if len(missing) == 0 {
			return fmt.Sprintf("%d nodes hold it; master %s", len(c.p.Topology.Redis.Nodes()), c.master), nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return "", fmt.Errorf("missing on %s", strings.Join(missing, ", "))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (c *checker) backendsUp(ctx context.Context) (string, error) {
	backends, err := c.p.Backends(ctx)
	if err != nil {
		return "", err
	}
	var up, down []string
	for _, b := range backends {
		if b.Up() {
			up = append(up, b.Server)
		} else {
			down = append(down, b.Server+" "+b.Status)
		}
	}
	if len(down) > 0 || len(up) != len(c.p.Topology.Web.Apps) {
		return "", fmt.Errorf("UP: %s; not UP: %s", strings.Join(up, ", "), strings.Join(down, ", "))
	}
	return strings.Join(up, ", ") + " UP", nil
}

// cleanup deletes the key verify wrote, on the master.
func (c *checker) cleanup(ctx context.Context) {
	if c.master == "" {
		return
	}
	_ = c.p.RedisDel(ctx, c.master, c.key)
}

func setPath(key, value string) string {
	return "/set?key=" + url.QueryEscape(key) + "&value=" + url.QueryEscape(value)
}

func getPath(key string) string {
	return "/get?key=" + url.QueryEscape(key)
}

func token() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}
