package render_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hactl/hactl/cli/internal/labels"
	"github.com/hactl/hactl/cli/internal/render"
	"github.com/hactl/hactl/cli/internal/secrets"
	"github.com/hactl/hactl/cli/internal/topology"
)

func renderDefault(t *testing.T) *render.Output {
	t.Helper()
	out, err := render.Render(topology.Default(), secrets.Fixed())
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func file(t *testing.T, out *render.Output, path string) string {
	t.Helper()
	data, ok := out.File(path)
	if !ok {
		t.Fatalf("%s was not rendered", path)
	}
	return string(data)
}

func TestRedisConfigs(t *testing.T) {
	out := renderDefault(t)
	master := file(t, out, "redis-1/redis.conf")
	if strings.Contains(master, "\nreplicaof ") {
		t.Error("the initial master has a replicaof line")
	}
	for _, want := range []string{"requirepass test-redis-password\n", "masterauth test-redis-password\n",
		"replica-announce-ip redis-1\n", "dir /data\n", "min-replicas-to-write 1\n"} {
		if !strings.Contains(master, want) {
			t.Errorf("redis-1/redis.conf lacks %q", want)
		}
	}
	for _, node := range []string{"redis-2", "redis-3"} {
		conf := file(t, out, node+"/redis.conf")
		for _, want := range []string{"replicaof redis-1 6379\n", "replica-announce-ip " + node + "\n"} {
			if !strings.Contains(conf, want) {
				t.Errorf("%s/redis.conf lacks %q", node, want)
			}
		}
	}
}

func TestSentinelConfig(t *testing.T) {
	out := renderDefault(t)
	conf := file(t, out, "sentinel-2/sentinel.conf")
	resolve := strings.Index(conf, "sentinel resolve-hostnames yes")
	monitor := strings.Index(conf, "sentinel monitor mymaster redis-1 6379 2\n")
	if resolve < 0 || monitor < 0 || resolve > monitor {
		t.Fatalf("sentinel.conf must enable resolve-hostnames before monitoring by name:\n%s", conf)
	}
	for _, want := range []string{"sentinel announce-hostnames yes\n", "sentinel announce-ip sentinel-2\n",
		"sentinel down-after-milliseconds mymaster 1000\n", "sentinel failover-timeout mymaster 10000\n",
		"sentinel parallel-syncs mymaster 1\n", "sentinel auth-pass mymaster test-redis-password\n",
		"requirepass test-sentinel-password\n"} {
		if !strings.Contains(conf, want) {
			t.Errorf("sentinel.conf lacks %q", want)
		}
	}
}

func TestHAProxyConfig(t *testing.T) {
	out := renderDefault(t)
	cfg := file(t, out, "haproxy/haproxy.cfg")
	for _, want := range []string{
		"bind :6301\n", "stats uri /web-app\n", "stats auth hactl:test-stats-password\n",
		"option redispatch", "retries 3\n", "nameserver dns 127.0.0.11:53\n",
		"http-check send meth GET uri /healthz\n",
		"server web-app1 web-app1:5000 check inter 2000 rise 2 fall 5 resolvers docker init-addr last,libc,none\n",
		"server web-app2 web-app2:5000 check inter 2000 rise 2 fall 5 resolvers docker init-addr last,libc,none\n",
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf("haproxy.cfg lacks %q", want)
		}
	}
}

func TestComposeProject(t *testing.T) {
	top := topology.Default()
	top.Web.Apps[0].HostPort = 5001
	out, err := render.Render(top, secrets.Fixed())
	if err != nil {
		t.Fatal(err)
	}
	p := out.Project
	if got := strings.Join(p.ServiceNames(), ","); got != "haproxy,redis-1,redis-2,redis-3,sentinel-1,sentinel-2,sentinel-3,web-app1,web-app2" {
		t.Fatalf("services = %s", got)
	}
	for name, svc := range p.Services {
		for _, l := range []string{labels.Project, labels.Service, labels.ContainerNumber, labels.OneOff, labels.ConfigHash, labels.Role} {
			if svc.Labels[l] == "" {
				t.Errorf("%s lacks label %s", name, l)
			}
		}
		if svc.Labels[labels.OneOff] != "False" || svc.Labels[labels.Service] != name {
			t.Errorf("%s labels = %v", name, svc.Labels)
		}
		for _, port := range svc.Ports {
			if port.HostIP != "127.0.0.1" {
				t.Errorf("%s publishes %s on %q, want 127.0.0.1", name, port.Published, port.HostIP)
			}
		}
		if svc.HealthCheck == nil {
			t.Errorf("%s has no healthcheck", name)
		}
		for key, v := range svc.Environment {
			if v != nil && (strings.Contains(*v, "test-redis-password") || strings.Contains(*v, "test-sentinel-password")) {
				t.Errorf("%s passes a secret in its environment (%s)", name, key)
			}
		}
	}
	if len(p.Services["web-app1"].Ports) != 1 || len(p.Services["web-app2"].Ports) != 0 {
		t.Error("only web-app1 should publish a port")
	}
	if !p.Networks["back"].Internal || p.Networks["front"].Internal {
		t.Error("back must be internal and front not")
	}
	if _, ok := p.Services["haproxy"].Networks["back"]; ok {
		t.Error("HAProxy must not reach the Redis network")
	}
	if dep := p.Services["sentinel-1"].DependsOn["redis-1"]; dep.Condition != "service_healthy" {
		t.Errorf("sentinel-1 depends on redis-1 with %q", dep.Condition)
	}
	compose := file(t, out, render.ComposeFile)
	if strings.Contains(compose, "test-redis-password") || strings.Contains(compose, "test-stats-password") {
		t.Error("compose.yaml holds a secret")
	}
	if !strings.Contains(compose, "- 127.0.0.1:6301:6301/tcp") {
		t.Error("compose.yaml does not publish 6301 on loopback in the short syntax")
	}
}

func TestConfigHashFollowsWhatAServiceReads(t *testing.T) {
	base := renderDefault(t)
	top := topology.Default()
	top.Web.DurableTimeout = 700 * time.Millisecond
	changed, err := render.Render(top, secrets.Fixed())
	if err != nil {
		t.Fatal(err)
	}
	for name, svc := range base.Project.Services {
		same := svc.Labels[labels.ConfigHash] == changed.Project.Services[name].Labels[labels.ConfigHash]
		isWeb := strings.HasPrefix(name, "web-app")
		if isWeb == same {
			t.Errorf("%s: hash unchanged = %v after a web-only change", name, same)
		}
	}
	other := secrets.Fixed()
	other.StatsPassword = "another-stats-password"
	rotated, err := render.Render(topology.Default(), other)
	if err != nil {
		t.Fatal(err)
	}
	for name, svc := range base.Project.Services {
		same := svc.Labels[labels.ConfigHash] == rotated.Project.Services[name].Labels[labels.ConfigHash]
		if (name == "haproxy") == same {
			t.Errorf("%s: hash unchanged = %v after the stats password changed", name, same)
		}
	}
}

func TestSecretFileModes(t *testing.T) {
	out := renderDefault(t)
	for _, f := range out.Files {
		switch {
		case strings.HasPrefix(f.Path, render.SecretsDir+"/"):
			if f.Mode != 0o644 {
				t.Errorf("%s mode %o", f.Path, f.Mode)
			}
		case strings.HasSuffix(f.Path, ".conf") || strings.HasSuffix(f.Path, ".cfg"):
			if f.Mode != 0o600 {
				t.Errorf("%s holds credentials but has mode %o", f.Path, f.Mode)
			}
		}
	}
}

func TestRenderRejectsBadInput(t *testing.T) {
	top := topology.Default()
	top.Redis.Replicas = 0
	if _, err := render.Render(top, secrets.Fixed()); err == nil {
		t.Error("an invalid topology rendered")
	}
	bad := secrets.Fixed()
	bad.RedisPassword = "has space"
	if _, err := render.Render(topology.Default(), bad); err == nil {
		t.Error("a password with a space rendered")
	}
}

func TestDurationAndBufSize(t *testing.T) {
	cases := map[time.Duration]string{2 * time.Second: "2s", 1500 * time.Millisecond: "1500ms", time.Minute: "60s"}
	for d, want := range cases {
		if got := render.Duration(d); got != want {
			t.Errorf("Duration(%s) = %s, want %s", d, got, want)
		}
	}
	if got := render.BufSize(1); got != 16<<10 {
		t.Errorf("BufSize(1) = %d, want HAProxy's default", got)
	}
	if got := render.BufSize(16 << 10); got < 3*(16<<10) || got%4096 != 0 {
		t.Errorf("BufSize(16KiB) = %d: too small for a percent-encoded value or not page-aligned", got)
	}
}

func TestWriteDirKeepsCredentialsOwnerOnly(t *testing.T) {
	out := renderDefault(t)
	dir := t.TempDir()
	if err := render.WriteDir(dir, out); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"secrets", "redis-1", "sentinel-2", "haproxy"} {
		info, err := os.Stat(filepath.Join(dir, sub))
		if err != nil || info.Mode().Perm() != 0o700 {
			t.Errorf("%s: mode %v, err %v; want 0700", sub, info.Mode().Perm(), err)
		}
	}
	info, err := os.Stat(filepath.Join(dir, "compose.yaml"))
	if err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("compose.yaml: %v %v", info.Mode(), err)
	}
}
