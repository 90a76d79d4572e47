package topology

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDefaultsAreValid(t *testing.T) {
	if err := Validate(Default()); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
}

func TestEmptyFileGivesDefaults(t *testing.T) {
	for _, content := range []string{"", "\n", "# only a comment\n"} {
		got, err := Parse("hactl.yaml", []byte(content))
		if err != nil {
			t.Fatalf("Parse(%q): %v", content, err)
		}
		if got.Project != "hactl" || got.Redis.Replicas != 2 || got.Redis.Sentinels != 3 || len(got.Web.Apps) != 2 {
			t.Fatalf("Parse(%q) = %+v, want the defaults", content, got)
		}
	}
}

func TestLoadNoPathGivesDefaults(t *testing.T) {
	got, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if got.HAProxy.Port != 6301 || got.HAProxy.StatsURI != "/web-app" || got.HAProxy.CheckInter != 2*time.Second ||
		got.HAProxy.CheckRise != 2 || got.HAProxy.CheckFall != 5 || got.Web.Apps[0].Name != "web-app1" || got.Images.Web != "web:v1" {
		t.Fatalf("defaults differ from the write-up: %+v", got)
	}
}

func TestParseOverridesDefaults(t *testing.T) {
	src := `
project: demo
redis:
  replicas: 4
  sentinels: 5
  quorum: 3
  down_after: 800ms
  failover_timeout: 20s
  maxmemory: 256mb
web:
  port: 8080
  apps:
    - name: a
      host_port: 5001
    - name: b
  durable_replicas: 0
  redis:
    retries: 5
haproxy:
  port: 7000
  check:
    inter: 1s
    rise: 3
  timeout:
    server: 3s
images:
  redis: redis:7
`
	got, err := Parse("f.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"project", got.Project, "demo"},
		{"replicas", got.Redis.Replicas, 4},
		{"sentinels", got.Redis.Sentinels, 5},
		{"quorum", got.Redis.Quorum, 3},
		{"down_after", got.Redis.DownAfter, 800 * time.Millisecond},
		{"failover_timeout", got.Redis.FailoverTimeout, 20 * time.Second},
		{"maxmemory", got.Redis.MaxMemory, "256mb"},
		{"web port", got.Web.Port, 8080},
		{"apps", len(got.Web.Apps), 2},
		{"app a", got.Web.Apps[0], WebApp{Name: "a", HostPort: 5001}},
		{"app b", got.Web.Apps[1], WebApp{Name: "b"}},
		{"durable", got.Web.DurableReplicas, 0},
		{"retries", got.Web.RedisRetries, 5},
		{"untouched read timeout", got.Web.RedisRead, Default().Web.RedisRead},
		{"haproxy port", got.HAProxy.Port, 7000},
		{"inter", got.HAProxy.CheckInter, time.Second},
		{"rise", got.HAProxy.CheckRise, 3},
		{"fall kept", got.HAProxy.CheckFall, 5},
		{"server timeout", got.HAProxy.TimeoutSrv, 3 * time.Second},
		{"redis image", got.Images.Redis, "redis:7"},
		{"sentinel image kept", got.Images.Sentinel, Default().Images.Sentinel},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestValidationErrors(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want string
	}{
		{"replicas zero", "redis:\n  replicas: 0\n", "hactl.yaml:2: redis.replicas must be at least 1, got 0"},
		{"replicas too many", "redis:\n  replicas: 99\n", "hactl.yaml:2: redis.replicas must be at most 15, got 99"},
		{"sentinels zero", "redis:\n  sentinels: 0\n", "hactl.yaml:2: redis.sentinels must be at least 1, got 0"},
		{"quorum above sentinels", "redis:\n  sentinels: 3\n  quorum: 4\n", "hactl.yaml:3: redis.quorum must be a majority of the 3 sentinels (between 2 and 3), got 4"},
		{"quorum not majority", "redis:\n  quorum: 1\n", "hactl.yaml:2: redis.quorum must be a majority of the 3 sentinels (between 2 and 3), got 1"},
		{"unknown top key", "reddis:\n  replicas: 2\n", `hactl.yaml:1: unknown field "reddis" at the top level; allowed: project, networks, redis, web, haproxy, images`},
		{"unknown nested key", "haproxy:\n  check:\n    interval: 2s\n", `hactl.yaml:3: unknown field "interval" in haproxy.check; allowed: inter, rise, fall`},
		{"bad duration", "redis:\n  down_after: soon\n", `hactl.yaml:2: redis.down_after must be a duration such as 500ms, 2s or 1m, got "soon"`},
		{"duration too short", "redis:\n  down_after: 10ms\n", "hactl.yaml:2: redis.down_after must be at least 100ms, got 10ms"},
		{"failover not after down", "redis:\n  down_after: 30s\n  failover_timeout: 10s\n", "hactl.yaml:3: redis.failover_timeout must be longer than redis.down_after (30s), got 10s"},
		{"wrong type", "redis:\n  replicas: two\n", `hactl.yaml:2: redis.replicas must be a whole number, got "two"`},
		{"section not mapping", "redis: 3\n", "hactl.yaml:1: redis must be a mapping of"},
		{"list expected", "web:\n  apps: web-app1\n", `hactl.yaml:2: web.apps must be a list, got "web-app1"`},
		{"port range", "haproxy:\n  port: 70000\n", "hactl.yaml:2: haproxy.port must be a port between 1 and 65535, got 70000"},
		{"port clash", "web:\n  apps:\n    - host_port: 6301\n", "hactl.yaml:3: web.apps[0].host_port 6301 is already taken by haproxy.port"},
		{"app port clash", "web:\n  apps:\n    - host_port: 5001\n    - host_port: 5001\n", "hactl.yaml:4: web.apps[1].host_port 5001 is already taken by web.apps[0].host_port"},
		{"bad dns label", "web:\n  apps:\n    - name: Web_1\n", `hactl.yaml:3: web.apps[0].name must be a DNS label`},
		{"duplicate names", "web:\n  apps:\n    - name: x\n    - name: x\n", `hactl.yaml:4: web.apps[1].name names "x", which web.apps[0].name already uses`},
		{"name clash with redis", "web:\n  apps:\n    - name: redis-1\n", `hactl.yaml:3: web.apps[0].name names "redis-1", which redis.replicas already uses`},
		{"no apps", "web:\n  apps: []\n", "hactl.yaml:2: web.apps must list between 1 and 16 apps, got 0"},
		{"project label", "project: My_Stack\n", `hactl.yaml:1: project must be a DNS label`},
		{"bind address", "haproxy:\n  bind: localhost\n", `hactl.yaml:2: haproxy.bind must be an IP address such as 127.0.0.1, got "localhost"`},
		{"stats uri", "haproxy:\n  stats_uri: web-app\n", `hactl.yaml:2: haproxy.stats_uri must be a path such as /web-app (not /), got "web-app"`},
		{"durable above replicas", "web:\n  durable_replicas: 3\n", "hactl.yaml:2: web.durable_replicas must be at most 2, got 3"},
		{"same network names", "networks:\n  back:\n    name: front\n", `hactl.yaml:3: networks.back.name must differ from networks.front.name, both are "front"`},
		{"bad image", "images:\n  web: \"Web V1\"\n", `hactl.yaml:2: images.web must be an image reference such as redis:7 or web:v1, got "Web V1"`},
		{"bad bool", "redis:\n  appendonly: maybe\n", `hactl.yaml:2: redis.appendonly must be true or false, got "maybe"`},
		{"key twice", "redis:\n  replicas: 1\n  replicas: 2\n", "hactl.yaml:3: redis.replicas is given twice"},
		{"yaml syntax", "project: a\nredis: b: c\n", "hactl.yaml:2: not valid YAML: mapping values are not allowed in this context"},
		{"two documents", "project: a\n---\nproject: b\n", "hactl.yaml:2: more than one YAML document"},
		{"top level list", "- a\n", "hactl.yaml:1: the file must be a mapping of project, networks"},
		{"maxmemory", "redis:\n  maxmemory: lots\n", `hactl.yaml:2: redis.maxmemory must be a size such as 256mb or 1gb, got "lots"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("hactl.yaml", []byte(c.src))
			if err == nil {
				t.Fatalf("no error, want %q", c.want)
			}
			var terr *Error
			if !errors.As(err, &terr) {
				t.Fatalf("error %T is not a *topology.Error: %v", err, err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, c.want) {
				t.Fatalf("error\n  %s\nwant prefix\n  %s", msg, c.want)
			}
			if strings.Contains(msg, "\n") {
				t.Fatalf("error is not one line: %q", msg)
			}
		})
	}
}

func TestErrorCountsFurtherProblems(t *testing.T) {
	_, err := Parse("h.yaml", []byte("redis:\n  replicas: 0\n  sentinels: 0\n"))
	var terr *Error
	if !errors.As(err, &terr) || len(terr.Problems) != 2 {
		t.Fatalf("want 2 problems, got %v", err)
	}
	if !strings.HasSuffix(err.Error(), "(and 1 more problem)") {
		t.Fatalf("error %q does not count the second problem", err)
	}
	if !strings.Contains(terr.Detail(), "h.yaml:3: redis.sentinels") {
		t.Fatalf("detail lacks the second problem: %s", terr.Detail())
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("want a not-exist error, got %v", err)
	}
}

func TestLoadTooLarge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(path, make([]byte, MaxFileBytes+10), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("want a size error, got %v", err)
	}
}

func TestNodesAndSentinelNames(t *testing.T) {
	r := Default().Redis
	nodes := r.Nodes()
	if len(nodes) != 3 || nodes[0] != (RedisNode{Name: "redis-1", InitialMaster: true}) || nodes[2].Name != "redis-3" || nodes[1].InitialMaster {
		t.Fatalf("nodes = %+v", nodes)
	}
	if got := strings.Join(r.SentinelNames(), ","); got != "sentinel-1,sentinel-2,sentinel-3" {
		t.Fatalf("sentinels = %s", got)
	}
}

func TestRoles(t *testing.T) {
	top := Default()
	roles := top.Roles()
	want := map[string]string{"haproxy": "haproxy", "redis-1": "redis", "redis-3": "redis", "sentinel-2": "sentinel", "web-app2": "web"}
	for svc, role := range want {
		if roles[svc] != role {
			t.Errorf("role of %s = %q, want %q", svc, roles[svc], role)
		}
	}
	if len(roles) != 9 || len(top.ServiceNames()) != 9 || top.ServiceNames()[0] != "haproxy" {
		t.Errorf("roles = %v, names = %v", roles, top.ServiceNames())
	}
}
