package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

const (
	project = "hactl-e2e"
	port    = 16301
)

// TestStackLifecycle is the whole path of the write-up on the real engine:
// images, up, verify, a second up that changes nothing, a changed topology
// that recreates only what changed, failover drills, down.
func TestStackLifecycle(t *testing.T) {
	needDaemon(t)
	file := topologyFile(t, project, port)
	hactl(t, 2*time.Minute, "down", "-f", file, "--volumes")
	t.Cleanup(func() {
		if t.Failed() {
			r := hactl(t, time.Minute, "logs", "--file", file, "--tail", "30")
			t.Logf("last logs:\n%s", r.stdout)
		}
		hactl(t, 2*time.Minute, "down", "-f", file, "--volumes")
	})

	t.Run("images", func(t *testing.T) {
		r := hactl(t, 20*time.Minute, "images", "build", "-f", file)
		if r.code != 0 {
			t.Fatalf("images build: %s", r)
		}
		for _, want := range []string{"hactl/server:", "web:v1"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("images build listed no %s:\n%s", want, r.stdout)
			}
		}
	})

	t.Run("up", func(t *testing.T) {
		r := hactl(t, 5*time.Minute, "up", "-f", file)
		if r.code != 0 || !strings.Contains(r.stdout, "stack "+project+" is up") {
			t.Fatalf("up: %s", r)
		}
		ports := dockerCLI(t, "ps", "--filter", "label=com.docker.compose.project="+project, "--format", "{{.Ports}}")
		if !strings.Contains(ports, "127.0.0.1:16301->16301/tcp") || strings.Contains(ports, "0.0.0.0") {
			t.Errorf("published ports are not all on loopback:\n%s", ports)
		}
	})
	if t.Failed() {
		t.FailNow()
	}

	t.Run("verify", func(t *testing.T) {
		r := hactl(t, 2*time.Minute, "verify", "-f", file)
		if r.code != 0 || !strings.Contains(r.stdout, "9/9 checks passed") || strings.Contains(r.stdout, "✗") {
			t.Fatalf("verify: %s", r)
		}
		r = hactl(t, 2*time.Minute, "verify", "-f", file, "--json")
		var report struct {
			Master string `json:"master"`
			Checks []struct {
				Name string `json:"name"`
				OK   bool   `json:"ok"`
			} `json:"checks"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &report); err != nil || r.code != 0 || report.Master != "redis-1" || len(report.Checks) != 9 {
			t.Fatalf("verify --json: %v\n%s", err, r)
		}
	})

	t.Run("status", func(t *testing.T) {
		r := hactl(t, time.Minute, "status", "-f", file, "--json")
		var rows []struct {
			Service  string `json:"service"`
			LiveRole string `json:"live_role"`
			State    string `json:"state"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil || r.code != 0 {
			t.Fatalf("status --json: %v\n%s", err, r)
		}
		roles := map[string]int{}
		for _, row := range rows {
			if row.State != "running" {
				t.Errorf("%s is %s", row.Service, row.State)
			}
			roles[row.LiveRole]++
		}
		if len(rows) != 9 || roles["master"] != 1 || roles["replica"] != 2 || roles["sentinel"] != 3 {
			t.Fatalf("status rows %d, live roles %v:\n%s", len(rows), roles, r.stdout)
		}
	})

	t.Run("second up changes nothing", func(t *testing.T) {
		before := containerIDs(t)
		r := hactl(t, 2*time.Minute, "up", "-f", file)
		if r.code != 0 || !strings.Contains(r.stdout, "up to date") {
			t.Fatalf("second up: %s", r)
		}
		if after := containerIDs(t); after != before {
			t.Fatalf("second up changed containers:\nbefore %s\nafter  %s", before, after)
		}
	})

	t.Run("changed topology recreates only what changed", func(t *testing.T) {
		before := containerIDMap(t)
		changed := topologyFile(t, project, port, "web:\n  port: 5000\n", "web:\n  port: 5000\n  durable_timeout: 700ms\n")
		r := hactl(t, 3*time.Minute, "up", "-f", changed)
		if r.code != 0 || !strings.Contains(r.stdout, "2 services started, 7 unchanged") {
			t.Fatalf("up with a web change: %s", r)
		}
		after := containerIDMap(t)
		for name, id := range before {
			recreated := after[name] != id
			if recreated != strings.Contains(name, "web-app") {
				t.Errorf("%s recreated = %v after a web-only change", name, recreated)
			}
		}
		if r := hactl(t, 3*time.Minute, "up", "-f", file); r.code != 0 {
			t.Fatalf("up back to the article topology: %s", r)
		}
	})

	t.Run("logs", func(t *testing.T) {
		r := hactl(t, time.Minute, "logs", "--file", file, "--tail", "5", "redis-1", "sentinel-1")
		if r.code != 0 || !strings.Contains(r.stdout, "redis-1    | ") || !strings.Contains(r.stdout, "sentinel-1 | ") {
			t.Fatalf("logs: %s", r)
		}
		r = hactl(t, time.Minute, "logs", "--file", file, "no-such-service")
		if r.code != 2 || !strings.Contains(r.stderr, `unknown service "no-such-service"`) {
			t.Fatalf("logs of an unknown service: %s", r)
		}
	})

	t.Run("failover redis-master", func(t *testing.T) {
		r := hactl(t, 5*time.Minute, "failover", "-f", file, "--json", "redis-master")
		rep := decodeReport(t, r)
		if r.code != 0 || !rep.Pass {
			t.Fatalf("failover redis-master: %s", r)
		}
		if rep.Lost != 0 || rep.Counts.Acknowledged == 0 || len(rep.MastersAtEnd) != 1 {
			t.Fatalf("lost %d of %d acknowledged writes, masters at the end %v", rep.Lost, rep.Counts.Acknowledged, rep.MastersAtEnd)
		}
		if rep.Before.Master != "redis-1" || rep.After.Master == "redis-1" || rep.MastersAtEnd[0] != rep.After.Master {
			t.Fatalf("master before %s, after %s, at the end %v", rep.Before.Master, rep.After.Master, rep.MastersAtEnd)
		}
		if rep.Promoted == nil || rep.WriteUnavailable <= 0 {
			t.Fatalf("no promotion time or unavailability window measured: %s", r.stdout)
		}
		t.Logf("redis-master kill: promoted after %.0fms, writes unavailable %.0fms, %d acknowledged, %d lost",
			*rep.Promoted, rep.WriteUnavailable, rep.Counts.Acknowledged, rep.Lost)
	})

	t.Run("failover web-app1", func(t *testing.T) {
		r := hactl(t, 5*time.Minute, "failover", "-f", file, "--json", "web-app1")
		rep := decodeReport(t, r)
		if r.code != 0 || !rep.Pass || rep.Counts.Failed != 0 || rep.Lost != 0 {
			t.Fatalf("failover web-app1: %s", r)
		}
		if rep.Backend == nil || rep.Backend.MarkedDown == nil || rep.Backend.MarkedUp == nil {
			t.Fatalf("HAProxy's DOWN and UP times are missing: %s", r.stdout)
		}
	})

	t.Run("verify after the drills", func(t *testing.T) {
		if r := hactl(t, 2*time.Minute, "verify", "-f", file); r.code != 0 {
			t.Fatalf("verify after the drills: %s", r)
		}
	})

	t.Run("down", func(t *testing.T) {
		r := hactl(t, 2*time.Minute, "down", "-f", file, "--volumes")
		if r.code != 0 || !strings.Contains(r.stdout, "removed project "+project) {
			t.Fatalf("down: %s", r)
		}
		if left := leftovers(t, project); left != "" {
			t.Fatalf("down left:\n%s", left)
		}
		r = hactl(t, time.Minute, "down", "-f", file)
		if r.code != 0 || !strings.Contains(r.stdout, "does not exist") {
			t.Fatalf("down on nothing: %s", r)
		}
	})
}

type drillReport struct {
	Pass             bool     `json:"pass"`
	Lost             int      `json:"lost_writes"`
	MastersAtEnd     []string `json:"masters_at_end"`
	Promoted         *float64 `json:"promoted_ms"`
	WriteUnavailable float64  `json:"write_unavailable_ms"`
	Before, After    struct {
		Master string `json:"master"`
	}
	Counts struct {
		Acknowledged int `json:"acknowledged_writes"`
		Failed       int `json:"failed"`
	} `json:"counts"`
	Backend *struct {
		MarkedDown *float64 `json:"marked_down_ms"`
		MarkedUp   *float64 `json:"marked_up_ms"`
	} `json:"backend"`
}

func decodeReport(t *testing.T, r result) drillReport {
	t.Helper()
	var rep drillReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("the drill report is not JSON: %v\n%s", err, r)
	}
	return rep
}

func containerIDs(t *testing.T) string {
	return dockerCLI(t, "ps", "-a", "--filter", "label=com.docker.compose.project="+project, "--format", "{{.Names}}={{.ID}}")
}

func containerIDMap(t *testing.T) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(containerIDs(t), "\n") {
		if name, id, ok := strings.Cut(line, "="); ok {
			m[name] = id
		}
	}
	return m
}
