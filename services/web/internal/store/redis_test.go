package store

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

const (
	testPassword         = "test-redis-pw"
	testSentinelPassword = "test-sentinel-pw"
)

// redisServer is a redis-server (or Sentinel) process started by a test.
type redisServer struct {
	addr    string
	port    int
	logFile string
	cmd     *exec.Cmd
	once    sync.Once
}

// stop kills the process and waits for it; it is safe to call twice.
func (r *redisServer) stop() {
	r.once.Do(func() {
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
	})
}

func (r *redisServer) logTail() string {
	b, err := os.ReadFile(r.logFile)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// redisServerPath returns the redis-server binary or skips the test.
func redisServerPath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server is not on PATH; skipping the real-Redis store tests (apt-get install redis-server to run them)")
	}
	return p
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	return ln.Addr().(*net.TCPAddr).Port
}

// startProcess runs bin with args, registers its cleanup and waits until
// ready reports nil.
func startProcess(t *testing.T, bin string, port int, logFile string, args []string, ready func(addr string) error) *redisServer {
	t.Helper()
	r := &redisServer{addr: "127.0.0.1:" + strconv.Itoa(port), port: port, logFile: logFile}
	r.cmd = exec.Command(bin, args...)
	if err := r.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	t.Cleanup(r.stop)
	waitFor(t, 10*time.Second, "redis on "+r.addr+" to start", func() error { return ready(r.addr) }, r)
	return r
}

// startRedis starts a password-protected redis-server on a free port with
// persistence off, plus any extra arguments (such as --replicaof).
func startRedis(t *testing.T, bin string, extra ...string) *redisServer {
	t.Helper()
	dir := t.TempDir()
	port := freePort(t)
	logFile := filepath.Join(dir, "redis.log")
	args := append([]string{
		"--port", strconv.Itoa(port),
		"--bind", "127.0.0.1",
		"--daemonize", "no",
		"--save", "",
		"--appendonly", "no",
		"--dir", dir,
		"--logfile", logFile,
		"--requirepass", testPassword,
		"--masterauth", testPassword,
		"--repl-diskless-sync-delay", "0",
	}, extra...)
	return startProcess(t, bin, port, logFile, args, func(addr string) error {
		c := plainClient(addr)
		defer func() { _ = c.Close() }()
		return c.Ping(shortCtx(t)).Err()
	})
}

// startSentinel starts one Sentinel monitoring master as "mymaster" with
// quorum 1 and a 1s down-after period.
func startSentinel(t *testing.T, bin string, master *redisServer) *redisServer {
	t.Helper()
	dir := t.TempDir()
	port := freePort(t)
	logFile := filepath.Join(dir, "sentinel.log")
	conf := filepath.Join(dir, "sentinel.conf")
	text := fmt.Sprintf(`port %d
bind 127.0.0.1
daemonize no
dir %s
logfile %s
requirepass %s
sentinel monitor mymaster 127.0.0.1 %d 1
sentinel auth-pass mymaster %s
sentinel down-after-milliseconds mymaster 1000
sentinel failover-timeout mymaster 10000
`, port, dir, logFile, testSentinelPassword, master.port, testPassword)
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return startProcess(t, bin, port, logFile, []string{conf, "--sentinel"}, func(addr string) error {
		c := redis.NewSentinelClient(&redis.Options{Addr: addr, Password: testSentinelPassword, MaxRetries: -1})
		defer func() { _ = c.Close() }()
		return c.GetMasterAddrByName(shortCtx(t), "mymaster").Err()
	})
}

// plainClient is a direct client used by the tests to inspect servers.
func plainClient(addr string) *redis.Client {
	return redis.NewClient(&redis.Options{
		Addr: addr, Password: testPassword, MaxRetries: -1,
		DialTimeout: time.Second, ReadTimeout: time.Second, DisableIdentity: true,
	})
}

func shortCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// waitFor polls fn until it returns nil or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, fn func() error, logs ...*redisServer) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := fn()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			var tails strings.Builder
			for _, l := range logs {
				fmt.Fprintf(&tails, "\n--- %s ---\n%s", l.logFile, l.logTail())
			}
			t.Fatalf("timed out after %s waiting for %s: %v%s", timeout, what, err, tails.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// startPair starts a master and one replica and waits until the
// replication link is up.
func startPair(t *testing.T, bin string) (master, replica *redisServer) {
	t.Helper()
	master = startRedis(t, bin)
	replica = startRedis(t, bin, "--replicaof", "127.0.0.1", strconv.Itoa(master.port))
	mc, rc := plainClient(master.addr), plainClient(replica.addr)
	defer func() { _ = mc.Close(); _ = rc.Close() }()
	waitFor(t, 15*time.Second, "the replica to link to the master", func() error {
		ri, err := rc.Info(shortCtx(t), "replication").Result()
		if err != nil {
			return err
		}
		mi, err := mc.Info(shortCtx(t), "replication").Result()
		if err != nil {
			return err
		}
		if !strings.Contains(ri, "master_link_status:up") || !strings.Contains(mi, "connected_slaves:1") {
			return errors.New("replication not up yet")
		}
		return nil
	}, master, replica)
	return master, replica
}

func testOptions() Options {
	return Options{
		Password:        testPassword,
		MasterName:      "mymaster",
		DialTimeout:     250 * time.Millisecond,
		ReadTimeout:     500 * time.Millisecond,
		WriteTimeout:    500 * time.Millisecond,
		MaxRetries:      2,
		PoolSize:        8,
		DurableReplicas: 1,
		DurableTimeout:  time.Second,
	}
}

func TestRedisStore(t *testing.T) {
	bin := redisServerPath(t)
	master, replica := startPair(t, bin)

	o := testOptions()
	o.Addr = master.addr
	s := New(o)
	defer func() { _ = s.Close() }()

	if err := s.Ping(shortCtx(t)); err != nil {
		t.Fatalf("Ping: %v", err)
	}
	if err := s.Set(shortCtx(t), "greeting", "hello world"); err != nil {
		t.Fatalf("durable Set with 1 replica: %v", err)
	}
	rc := plainClient(replica.addr)
	defer func() { _ = rc.Close() }()
	if v, err := rc.Get(shortCtx(t), "greeting").Result(); err != nil || v != "hello world" {
		t.Fatalf("replica has %q, %v right after an acknowledged Set", v, err)
	}
	if v, err := s.Get(shortCtx(t), "greeting"); err != nil || v != "hello world" {
		t.Fatalf("Get = %q, %v", v, err)
	}
	if err := s.Set(shortCtx(t), "empty", ""); err != nil {
		t.Fatalf("Set empty: %v", err)
	}
	if v, err := s.Get(shortCtx(t), "empty"); err != nil || v != "" {
		t.Fatalf("Get empty = %q, %v", v, err)
	}
	if _, err := s.Get(shortCtx(t), "missing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get missing: %v, want ErrNotFound", err)
	}

	t.Run("not acknowledged", func(t *testing.T) {
		o2 := o
		o2.DurableReplicas = 2
		o2.DurableTimeout = 200 * time.Millisecond
		s2 := New(o2)
		defer func() { _ = s2.Close() }()
		start := time.Now()
		err := s2.Set(shortCtx(t), "k2", "v2")
		var na *NotAcknowledgedError
		if !errors.As(err, &na) {
			t.Fatalf("Set with 2 replicas required, 1 present: %v, want *NotAcknowledgedError", err)
		}
		if na.Want != 2 || na.Got != 1 || na.Timeout != 200*time.Millisecond {
			t.Fatalf("got %+v", *na)
		}
		if want := "write not acknowledged by 2 replica(s) within 200ms"; err.Error() != want {
			t.Fatalf("Error() = %q, want %q", err.Error(), want)
		}
		if d := time.Since(start); d < 150*time.Millisecond || d > 2*time.Second {
			t.Fatalf("WAIT took %s, want about 200ms", d)
		}
	})

	t.Run("durability off", func(t *testing.T) {
		o0 := o
		o0.DurableReplicas = 0
		s0 := New(o0)
		defer func() { _ = s0.Close() }()
		if err := s0.Set(shortCtx(t), "k0", "v0"); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("wrong password", func(t *testing.T) {
		ob := o
		ob.Password = "wrong"
		sb := New(ob)
		defer func() { _ = sb.Close() }()
		err := sb.Ping(shortCtx(t))
		var ue *UnavailableError
		if !errors.As(err, &ue) || ue.Reason != "authentication failed" {
			t.Fatalf("Ping with a wrong password: %v", err)
		}
	})

	t.Run("server down", func(t *testing.T) {
		master.stop()
		ops := map[string]func(context.Context) error{
			"Set":  func(ctx context.Context) error { return s.Set(ctx, "k", "v") },
			"Get":  func(ctx context.Context) error { _, err := s.Get(ctx, "greeting"); return err },
			"Ping": s.Ping,
		}
		for name, op := range ops {
			start := time.Now()
			err := op(shortCtx(t))
			if !errors.Is(err, ErrUnavailable) {
				t.Errorf("%s after the server died: %v, want ErrUnavailable", name, err)
				continue
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("%s took %s to fail", name, d)
			}
			if msg := err.Error(); strings.Contains(msg, "127.0.0.1") || strings.Contains(msg, testPassword) {
				t.Errorf("%s error leaks details: %q", name, msg)
			}
		}
	})
}

func TestRedisStoreSentinel(t *testing.T) {
	bin := redisServerPath(t)
	master, replica := startPair(t, bin)
	sentinel := startSentinel(t, bin, master)

	o := testOptions()
	o.Sentinels = []string{sentinel.addr}
	o.SentinelPassword = testSentinelPassword
	s := New(o)
	defer func() { _ = s.Close() }()

	if err := s.Ping(shortCtx(t)); err != nil {
		t.Fatalf("Ping through Sentinel: %v", err)
	}
	if err := s.Set(shortCtx(t), "before", "failover"); err != nil {
		t.Fatalf("durable Set through Sentinel: %v", err)
	}
	if v, err := s.Get(shortCtx(t), "before"); err != nil || v != "failover" {
		t.Fatalf("Get through Sentinel = %q, %v", v, err)
	}

	t.Run("unknown master name", func(t *testing.T) {
		ou := o
		ou.MasterName = "nosuchmaster"
		su := New(ou)
		defer func() { _ = su.Close() }()
		_, err := su.Get(shortCtx(t), "before")
		if errors.Is(err, ErrNotFound) || !errors.Is(err, ErrUnavailable) {
			t.Fatalf("Get with an unknown master name: %v, want ErrUnavailable", err)
		}
	})

	t.Run("failover", func(t *testing.T) {
		o0 := o
		o0.DurableReplicas = 0
		s0 := New(o0)
		defer func() { _ = s0.Close() }()
		if err := s0.Ping(shortCtx(t)); err != nil {
			t.Fatal(err)
		}
		master.stop()
		waitFor(t, 45*time.Second, "a write to succeed after the failover", func() error {
			return s0.Set(shortCtx(t), "after", "failover")
		}, sentinel, replica)
		if v, err := s0.Get(shortCtx(t), "before"); err != nil || v != "failover" {
			t.Fatalf("acknowledged write lost in failover: %q, %v", v, err)
		}
		rc := plainClient(replica.addr)
		defer func() { _ = rc.Close() }()
		if v, err := rc.Get(shortCtx(t), "after").Result(); err != nil || v != "failover" {
			t.Fatalf("the promoted replica has %q, %v", v, err)
		}
	})
}
