package docker

import (
	"archive/tar"
	"io"
	"slices"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/go-connections/nat"

	"github.com/hactl/hactl/cli/internal/engine"
)

func TestFilesArchive(t *testing.T) {
	buf, err := filesArchive([]engine.File{
		{Path: "/etc/hactl/redis.conf", Mode: 0o640, Content: []byte("a")},
		{Path: "/tmp/x", Content: []byte("bc")},
		{Path: "/opt/app/conf/app.yml", Mode: 0o600},
	}, time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	type entry struct {
		name string
		dir  bool
		mode int64
		size int64
	}
	var got []entry
	tr := tar.NewReader(buf)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, entry{hdr.Name, hdr.Typeflag == tar.TypeDir, hdr.Mode, hdr.Size})
	}
	want := []entry{
		{"etc/hactl/", true, 0o755, 0},
		{"opt/app/", true, 0o755, 0},
		{"opt/app/conf/", true, 0o755, 0},
		{"etc/hactl/redis.conf", false, 0o640, 1},
		{"tmp/x", false, 0o644, 2},
		{"opt/app/conf/app.yml", false, 0o600, 0},
	}
	if !slices.Equal(got, want) {
		t.Errorf("archive = %+v\nwant      %+v", got, want)
	}

	for _, bad := range []string{"relative", "/", ""} {
		if _, err := filesArchive([]engine.File{{Path: bad}}, time.Now()); err == nil {
			t.Errorf("path %q accepted", bad)
		}
	}
}

func TestBuildCreateConfig(t *testing.T) {
	cfg, host, netCfg, err := buildCreateConfig(engine.ContainerSpec{
		Image:       "img",
		Networks:    []engine.NetworkAttachment{{Network: "a", Aliases: []string{"x"}}, {Network: "b"}},
		Ports:       []engine.PortBinding{{ContainerPort: 6379}, {HostIP: "0.0.0.0", HostPort: 8443, ContainerPort: 443, Protocol: "tcp"}},
		StopTimeout: 1500 * time.Millisecond,
		Restart:     "on-failure:3",
		Healthcheck: &engine.Healthcheck{Test: []string{"redis-cli", "ping"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Cmd != nil || cfg.Entrypoint != nil {
		t.Errorf("nil Cmd/Entrypoint must keep the image's: %v %v", cfg.Cmd, cfg.Entrypoint)
	}
	if *cfg.StopTimeout != 2 {
		t.Errorf("stop timeout = %d, want 2", *cfg.StopTimeout)
	}
	if !slices.Equal(cfg.Healthcheck.Test, []string{"CMD", "redis-cli", "ping"}) {
		t.Errorf("healthcheck test = %v", cfg.Healthcheck.Test)
	}
	if got := host.PortBindings[nat.Port("6379/tcp")]; len(got) != 1 || got[0] != (nat.PortBinding{HostIP: "127.0.0.1"}) {
		t.Errorf("6379 binding = %v", got)
	}
	if got := host.PortBindings[nat.Port("443/tcp")]; len(got) != 1 || got[0] != (nat.PortBinding{HostIP: "0.0.0.0", HostPort: "8443"}) {
		t.Errorf("443 binding = %v", got)
	}
	if host.RestartPolicy != (container.RestartPolicy{Name: "on-failure", MaximumRetryCount: 3}) {
		t.Errorf("restart = %+v", host.RestartPolicy)
	}
	if host.NetworkMode != "a" || len(netCfg.EndpointsConfig) != 1 || !slices.Equal(netCfg.EndpointsConfig["a"].Aliases, []string{"x"}) {
		t.Errorf("network mode %q, endpoints %+v", host.NetworkMode, netCfg.EndpointsConfig)
	}

	for _, bad := range []engine.ContainerSpec{
		{Restart: "sometimes"},
		{Restart: "always:3"},
		{Ports: []engine.PortBinding{{ContainerPort: 1, Protocol: "sctp"}}},
		{Mounts: []engine.Mount{{Type: "nfs", Target: "/x"}}},
		{Mounts: []engine.Mount{{Type: engine.MountVolume, Source: "v"}}},
	} {
		if _, _, _, err := buildCreateConfig(bad); err == nil {
			t.Errorf("spec %+v accepted", bad)
		}
	}
}

func TestLabelFilter(t *testing.T) {
	got := labelFilter(map[string]string{"a": "1", "b": ""}).Get("label")
	slices.Sort(got)
	if want := []string{"a=1", "b"}; !slices.Equal(got, want) {
		t.Errorf("label filter = %v, want %v", got, want)
	}
}

func TestCPUPercent(t *testing.T) {
	pre := container.CPUStats{CPUUsage: container.CPUUsage{TotalUsage: 1000}, SystemUsage: 10000, OnlineCPUs: 4}
	cur := container.CPUStats{CPUUsage: container.CPUUsage{TotalUsage: 1500}, SystemUsage: 12000, OnlineCPUs: 4}
	if got := cpuPercent(pre, cur); got != 100 {
		t.Errorf("cpu percent = %v, want 100", got)
	}
	if got := cpuPercent(container.CPUStats{}, container.CPUStats{}); got != 0 {
		t.Errorf("cpu percent of empty stats = %v", got)
	}
	mem := container.MemoryStats{Usage: 100, Stats: map[string]uint64{"total_inactive_file": 30}}
	if got := memoryUsage(mem); got != 70 {
		t.Errorf("memory = %d, want 70", got)
	}
}
