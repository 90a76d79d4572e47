package desired_test

import (
	"slices"
	"testing"
	"time"

	"github.com/hactl/hactl/cli/internal/desired"
	"github.com/hactl/hactl/cli/internal/engine"
	"github.com/hactl/hactl/cli/internal/labels"
	"github.com/hactl/hactl/cli/internal/render"
	"github.com/hactl/hactl/cli/internal/secrets"
	"github.com/hactl/hactl/cli/internal/topology"
)

func build(t *testing.T, topo topology.Topology, sec secrets.Secrets) (desired.State, *render.Output) {
	t.Helper()
	out, err := render.Render(topo, sec)
	if err != nil {
		t.Fatal(err)
	}
	st, err := desired.FromOutput(out)
	if err != nil {
		t.Fatal(err)
	}
	return st, out
}

func mustContainer(t *testing.T, st desired.State, service string) desired.Container {
	t.Helper()
	c, ok := st.Container(service)
	if !ok {
		t.Fatalf("no container for %s", service)
	}
	return c
}

func file(spec engine.ContainerSpec, path string) (engine.File, bool) {
	for _, f := range spec.Files {
		if f.Path == path {
			return f, true
		}
	}
	return engine.File{}, false
}

func TestFromOutputDefault(t *testing.T) {
	st, out := build(t, topology.Default(), secrets.Fixed())
	if st.Project != "hactl" {
		t.Errorf("project = %q", st.Project)
	}

	var names []string
	for _, c := range st.Containers {
		names = append(names, c.Spec.Name)
		if c.Spec.Name != "hactl-"+c.Service || c.Spec.Hostname != c.Service {
			t.Errorf("%s: name %q hostname %q", c.Service, c.Spec.Name, c.Spec.Hostname)
		}
		if c.Hash == "" || c.Spec.Labels[labels.ConfigHash] != c.Hash {
			t.Errorf("%s: hash %q, label %q", c.Service, c.Hash, c.Spec.Labels[labels.ConfigHash])
		}
		if c.Spec.Labels[labels.Project] != "hactl" || c.Spec.Labels[labels.Service] != c.Service || c.Spec.Labels[labels.Role] != c.Role {
			t.Errorf("%s: labels %v, role %q", c.Service, c.Spec.Labels, c.Role)
		}
		if c.Spec.Healthcheck == nil {
			t.Errorf("%s: no healthcheck", c.Service)
		}
		if c.Spec.Restart != "unless-stopped" || c.Spec.StopTimeout != 10*time.Second {
			t.Errorf("%s: restart %q stop timeout %s", c.Service, c.Spec.Restart, c.Spec.StopTimeout)
		}
	}
	wantNames := []string{
		"hactl-haproxy", "hactl-redis-1", "hactl-redis-2", "hactl-redis-3",
		"hactl-sentinel-1", "hactl-sentinel-2", "hactl-sentinel-3", "hactl-web-app1", "hactl-web-app2",
	}
	if !slices.Equal(names, wantNames) {
		t.Errorf("containers = %q\nwant %q", names, wantNames)
	}

	if len(st.Networks) != 2 {
		t.Fatalf("networks = %+v", st.Networks)
	}
	for _, n := range st.Networks {
		wantInternal := map[string]bool{"hactl_back": true, "hactl_front": false}
		internal, known := wantInternal[n.Name]
		if !known || n.Internal != internal || n.Labels[labels.Project] != "hactl" {
			t.Errorf("network %+v", n)
		}
	}
	var vols []string
	for _, v := range st.Volumes {
		vols = append(vols, v.Name)
		if v.Labels[labels.Project] != "hactl" {
			t.Errorf("volume %s labels %v", v.Name, v.Labels)
		}
	}
	if !slices.Equal(vols, []string{"hactl_redis-1-data", "hactl_redis-2-data", "hactl_redis-3-data"}) {
		t.Errorf("volumes = %q", vols)
	}

	// Web apps: on both networks under their service name, with the secret.
	for _, app := range []string{"web-app1", "web-app2"} {
		c := mustContainer(t, st, app)
		want := []engine.NetworkAttachment{
			{Network: "hactl_back", Aliases: []string{app}},
			{Network: "hactl_front", Aliases: []string{app}},
		}
		if !slices.EqualFunc(c.Spec.Networks, want, func(a, b engine.NetworkAttachment) bool {
			return a.Network == b.Network && slices.Equal(a.Aliases, b.Aliases)
		}) {
			t.Errorf("%s networks = %+v", app, c.Spec.Networks)
		}
		f, ok := file(c.Spec, "/run/secrets/redis_password")
		if !ok || f.Mode != 0o444 || string(f.Content) != secrets.Fixed().RedisPassword {
			t.Errorf("%s redis password file = %+v, %v", app, f, ok)
		}
		if len(c.Spec.Ports) != 0 || c.Role != labels.RoleWeb {
			t.Errorf("%s: ports %v role %q", app, c.Spec.Ports, c.Role)
		}
		if !slices.Contains(c.Spec.Env, "REDIS_PASSWORD_FILE=/run/secrets/redis_password") {
			t.Errorf("%s env = %q", app, c.Spec.Env)
		}
		if !slices.Equal(c.Spec.Healthcheck.Test, []string{"CMD", "/web", "healthcheck"}) {
			t.Errorf("%s healthcheck = %q", app, c.Spec.Healthcheck.Test)
		}
	}

	// HAProxy: publishes 127.0.0.1:6301, only on the front network.
	hp := mustContainer(t, st, "haproxy")
	if want := []engine.PortBinding{{HostIP: "127.0.0.1", HostPort: 6301, ContainerPort: 6301, Protocol: "tcp"}}; !slices.Equal(hp.Spec.Ports, want) {
		t.Errorf("haproxy ports = %+v", hp.Spec.Ports)
	}
	if len(hp.Spec.Networks) != 1 || hp.Spec.Networks[0].Network != "hactl_front" {
		t.Errorf("haproxy networks = %+v", hp.Spec.Networks)
	}
	cfg, _ := out.File("haproxy/haproxy.cfg")
	if f, ok := file(hp.Spec, "/etc/hactl/haproxy.cfg"); !ok || string(f.Content) != string(cfg) || f.Mode != desired.FileMode {
		t.Errorf("haproxy.cfg = %+v, %v", f, ok)
	}

	// Redis: config file, data volume, no published port, healthcheck.
	for _, node := range []string{"redis-1", "redis-2", "redis-3"} {
		c := mustContainer(t, st, node)
		conf, ok := out.File(node + "/redis.conf")
		if !ok {
			t.Fatalf("no rendered %s/redis.conf", node)
		}
		f, ok := file(c.Spec, "/etc/hactl/redis.conf")
		if !ok || string(f.Content) != string(conf) || f.Mode != desired.FileMode {
			t.Errorf("%s redis.conf = %d bytes mode %o, %v", node, len(f.Content), f.Mode, ok)
		}
		if len(c.Spec.Files) != 1 {
			t.Errorf("%s files = %d, want 1", node, len(c.Spec.Files))
		}
		want := []engine.Mount{{Type: engine.MountVolume, Source: "hactl_" + node + "-data", Target: "/data"}}
		if !slices.Equal(c.Spec.Mounts, want) {
			t.Errorf("%s mounts = %+v", node, c.Spec.Mounts)
		}
		if !slices.Equal(c.Spec.Cmd, []string{"redis-server", "/etc/hactl/redis.conf"}) || c.Spec.Sysctls["net.core.somaxconn"] != "1024" {
			t.Errorf("%s cmd %q sysctls %v", node, c.Spec.Cmd, c.Spec.Sysctls)
		}
		hc := c.Spec.Healthcheck
		wantHC := engine.Healthcheck{Test: []string{"CMD-SHELL", "redis-cli -p 6379 ping | grep -Eq 'PONG|NOAUTH'"},
			Interval: 5 * time.Second, Timeout: 3 * time.Second, StartPeriod: 5 * time.Second, Retries: 3}
		if hc == nil || !slices.Equal(hc.Test, wantHC.Test) || hc.Interval != wantHC.Interval || hc.Timeout != wantHC.Timeout ||
			hc.StartPeriod != wantHC.StartPeriod || hc.Retries != wantHC.Retries {
			t.Errorf("%s healthcheck = %+v", node, hc)
		}
	}
	if got := mustContainer(t, st, "redis-1").Spec.Labels[labels.InitialRole]; got != "master" {
		t.Errorf("redis-1 initial role %q", got)
	}
	r1, _ := file(mustContainer(t, st, "redis-1").Spec, "/etc/hactl/redis.conf")
	r2, _ := file(mustContainer(t, st, "redis-2").Spec, "/etc/hactl/redis.conf")
	if string(r1.Content) == string(r2.Content) {
		t.Error("redis-1 and redis-2 got the same config")
	}

	// Dependencies.
	deps := []struct {
		service      string
		after, ready []string
	}{
		{"redis-1", nil, nil},
		{"redis-2", []string{"redis-1"}, nil},
		{"redis-3", []string{"redis-1"}, nil},
		{"sentinel-1", []string{"redis-1", "redis-2", "redis-3"}, []string{"redis-1", "redis-2", "redis-3"}},
		{"web-app2", []string{"sentinel-1", "sentinel-2", "sentinel-3"}, []string{"sentinel-1", "sentinel-2", "sentinel-3"}},
		{"haproxy", []string{"web-app1", "web-app2"}, []string{"web-app1", "web-app2"}},
	}
	for _, d := range deps {
		c := mustContainer(t, st, d.service)
		if !slices.Equal(c.After, d.after) || !slices.Equal(c.Ready, d.ready) {
			t.Errorf("%s: after %q ready %q, want %q %q", d.service, c.After, c.Ready, d.after, d.ready)
		}
	}

	if _, ok := st.Container("nope"); ok {
		t.Error("found a container for an unknown service")
	}
}

// hashes maps each service to its config hash.
func hashes(st desired.State) map[string]string {
	out := map[string]string{}
	for _, c := range st.Containers {
		out[c.Service] = c.Hash
	}
	return out
}

func TestHashesFollowInputs(t *testing.T) {
	base := hashes(func() desired.State { st, _ := build(t, topology.Default(), secrets.Fixed()); return st }())

	tests := []struct {
		name    string
		topo    func(*topology.Topology)
		sec     func(*secrets.Secrets)
		changed []string
	}{
		{name: "same input", changed: nil},
		{
			name:    "web request timeout",
			topo:    func(t *topology.Topology) { t.Web.RequestTimeout = 3 * time.Second },
			changed: []string{"web-app1", "web-app2"},
		},
		{
			name:    "haproxy maxconn",
			topo:    func(t *topology.Topology) { t.HAProxy.MaxConn = 1000 },
			changed: []string{"haproxy"},
		},
		{
			name:    "sentinel down-after",
			topo:    func(t *topology.Topology) { t.Redis.DownAfter = 3 * time.Second },
			changed: []string{"sentinel-1", "sentinel-2", "sentinel-3"},
		},
		{
			name: "redis password",
			sec:  func(s *secrets.Secrets) { s.RedisPassword = "another-redis-password" },
			changed: []string{"redis-1", "redis-2", "redis-3", "sentinel-1", "sentinel-2", "sentinel-3",
				"web-app1", "web-app2"},
		},
		{
			name:    "sentinel password",
			sec:     func(s *secrets.Secrets) { s.SentinelPassword = "another-sentinel-password" },
			changed: []string{"sentinel-1", "sentinel-2", "sentinel-3", "web-app1", "web-app2"},
		},
		{
			name:    "stats password",
			sec:     func(s *secrets.Secrets) { s.StatsPassword = "another-stats-password" },
			changed: []string{"haproxy"},
		},
		{
			name: "every secret",
			sec: func(s *secrets.Secrets) {
				*s = secrets.Secrets{RedisPassword: "r2", SentinelPassword: "s2", StatsUser: "u2", StatsPassword: "p2"}
			},
			changed: []string{"haproxy", "redis-1", "redis-2", "redis-3", "sentinel-1", "sentinel-2", "sentinel-3",
				"web-app1", "web-app2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			topo, sec := topology.Default(), secrets.Fixed()
			if tt.topo != nil {
				tt.topo(&topo)
			}
			if tt.sec != nil {
				tt.sec(&sec)
			}
			st, _ := build(t, topo, sec)
			var changed []string
			for _, c := range st.Containers {
				if c.Hash != base[c.Service] {
					changed = append(changed, c.Service)
				}
			}
			slices.Sort(changed)
			if !slices.Equal(changed, tt.changed) {
				t.Errorf("changed hashes: %q, want %q", changed, tt.changed)
			}
		})
	}
}
