package ready

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hactl/hactl/cli/internal/engine"
	"github.com/hactl/hactl/cli/internal/labels"
	"github.com/hactl/hactl/cli/internal/probe"
	"github.com/hactl/hactl/cli/internal/secrets"
	"github.com/hactl/hactl/cli/internal/topology"
)

// fakeExec answers the commands the prober runs, from captured outputs.
type fakeExec struct {
	replicaInfo string // INFO replication of replicas
	sentinel    string // SENTINEL MASTER
	webExit     int
}

func fixture(name string) string {
	data, err := os.ReadFile("../probe/testdata/" + name)
	if err != nil {
		panic(err)
	}
	return string(data)
}

func (f *fakeExec) Exec(_ context.Context, container string, cmd []string, env []string) (engine.ExecResult, error) {
	joined := strings.Join(cmd, " ")
	switch {
	case strings.Contains(joined, "INFO replication") && strings.HasSuffix(container, "redis-1"):
		return engine.ExecResult{Stdout: []byte(fixture("info-master.txt"))}, nil
	case strings.Contains(joined, "INFO replication"):
		return engine.ExecResult{Stdout: []byte(f.replicaInfo)}, nil
	case strings.Contains(joined, "SENTINEL MASTER"):
		return engine.ExecResult{Stdout: []byte(f.sentinel)}, nil
	case strings.Contains(joined, "SENTINEL REPLICAS"):
		return engine.ExecResult{Stdout: []byte(fixture("sentinel-replicas.json"))}, nil
	case strings.Contains(joined, "/web healthcheck"):
		return engine.ExecResult{ExitCode: f.webExit, Stderr: []byte("healthz: 503")}, nil
	}
	return engine.ExecResult{}, errors.New("unexpected command " + joined)
}

func waiter(t *testing.T, f *fakeExec, stats string) *Waiter {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if user, pass, ok := r.BasicAuth(); !ok || user != "hactl" || pass != "test-stats-password" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Write([]byte(stats))
	}))
	t.Cleanup(srv.Close)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	top := topology.Default()
	top.HAProxy.Port, _ = strconv.Atoi(port)
	roles := map[string]string{"redis-1": labels.RoleRedis, "redis-2": labels.RoleRedis, "sentinel-1": labels.RoleSentinel,
		"web-app1": labels.RoleWeb, "haproxy": labels.RoleHAProxy}
	return &Waiter{Probe: probe.New(f, top, secrets.Fixed()), Roles: roles, Timeout: 300 * time.Millisecond, Every: 20 * time.Millisecond,
		Logs: func(context.Context, string, int) string { return "last line of the log" }}
}

func healthy() *fakeExec {
	return &fakeExec{replicaInfo: fixture("info-replica.txt"), sentinel: fixture("sentinel-master.json")}
}

func TestChecksPassOnAHealthyStack(t *testing.T) {
	w := waiter(t, healthy(), fixture("haproxy-stats.csv"))
	for _, svc := range []string{"redis-1", "redis-2", "sentinel-1", "web-app1", "haproxy"} {
		if err := w.Check(context.Background(), svc); err != nil {
			t.Errorf("%s: %v", svc, err)
		}
	}
}

func TestChecksSayWhatIsNotReady(t *testing.T) {
	cases := []struct {
		name, svc, want string
		breakIt         func(*fakeExec) string
	}{
		{"replica link down", "redis-2", "replica link to redis-1:6379 is down", func(f *fakeExec) string {
			f.replicaInfo = strings.Replace(f.replicaInfo, "master_link_status:up", "master_link_status:down", 1)
			return ""
		}},
		{"sentinel alone", "sentinel-1", "it knows 1 other Sentinels, want 2", func(f *fakeExec) string {
			f.sentinel = strings.Replace(f.sentinel, `"num-other-sentinels","2"`, `"num-other-sentinels","1"`, 1)
			return ""
		}},
		{"master down", "sentinel-1", "sees master redis-1 as down", func(f *fakeExec) string {
			f.sentinel = strings.Replace(f.sentinel, `"flags","master"`, `"flags","master,s_down"`, 1)
			return ""
		}},
		{"web unhealthy", "web-app1", "web-app1 health check failed", func(f *fakeExec) string {
			f.webExit = 1
			return ""
		}},
		{"backend down", "haproxy", "backends not UP: web-app2 DOWN", func(*fakeExec) string {
			return strings.Replace(fixture("haproxy-stats.csv"), ",UP,1,1,0,20,", ",DOWN,1,1,0,20,", 1)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := healthy()
			stats := c.breakIt(f)
			if stats == "" {
				stats = fixture("haproxy-stats.csv")
			}
			w := waiter(t, f, stats)
			err := w.Check(context.Background(), c.svc)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
		})
	}
}

func TestAwaitTimesOutWithLogs(t *testing.T) {
	f := healthy()
	f.webExit = 1
	w := waiter(t, f, fixture("haproxy-stats.csv"))
	start := time.Now()
	err := w.Await(context.Background(), []string{"redis-1", "web-app1"})
	var nr *NotReadyError
	if !errors.As(err, &nr) || nr.Service != "web-app1" || nr.Logs != "last line of the log" {
		t.Fatalf("Await: %v", err)
	}
	if !strings.HasPrefix(err.Error(), "web-app1 is not ready after") {
		t.Fatalf("error %q", err)
	}
	if time.Since(start) > 3*time.Second {
		t.Fatalf("Await took %s with a 300ms timeout", time.Since(start))
	}
}

func TestAwaitChecksSentinelsAgree(t *testing.T) {
	w := waiter(t, healthy(), fixture("haproxy-stats.csv"))
	if err := w.Await(context.Background(), []string{"sentinel-1"}); err != nil {
		t.Fatalf("Await of a healthy Sentinel: %v", err)
	}
}

func TestAwaitStopsWhenCancelled(t *testing.T) {
	f := healthy()
	f.webExit = 1
	w := waiter(t, f, fixture("haproxy-stats.csv"))
	w.Timeout = time.Minute
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	if err := w.Await(ctx, []string{"web-app1"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Await after cancel: %v, want context.Canceled", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatalf("Await took %s to notice the cancel", time.Since(start))
	}
}
