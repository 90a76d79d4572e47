package docker

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/hactl/hactl/cli/internal/engine"
)

// cpuSampleGap separates the two samples Stats takes when the daemon does not
// provide the previous CPU reading itself.
const cpuSampleGap = 500 * time.Millisecond

// Stats takes one sample of the container's resource use. CPU use is
// averaged over about half a second. A container that is not running
// reports zeros.
func (e *Engine) Stats(ctx context.Context, nameOrID string) (engine.Stats, error) {
	first, err := e.statsSample(ctx, nameOrID)
	if err != nil {
		return engine.Stats{}, err
	}
	cur, pre := first, first.PreCPUStats
	if first.CPUStats.SystemUsage != 0 && pre.SystemUsage == 0 {
		select {
		case <-ctx.Done():
			return engine.Stats{}, fmt.Errorf("read stats of container %s: %w", nameOrID, ctx.Err())
		case <-time.After(cpuSampleGap):
		}
		cur, err = e.statsSample(ctx, nameOrID)
		if err != nil {
			return engine.Stats{}, err
		}
		pre = first.CPUStats
	}
	out := engine.Stats{
		Read:        cur.Read,
		CPUPercent:  cpuPercent(pre, cur.CPUStats),
		MemoryBytes: memoryUsage(cur.MemoryStats),
		MemoryLimit: cur.MemoryStats.Limit,
	}
	for _, n := range cur.Networks {
		out.NetworkRxByte += n.RxBytes
		out.NetworkTxByte += n.TxBytes
	}
	return out, nil
}

func (e *Engine) statsSample(ctx context.Context, nameOrID string) (container.StatsResponse, error) {
	var s container.StatsResponse
	resp, err := e.cli.ContainerStatsOneShot(ctx, nameOrID)
	if err != nil {
		return s, wrapErr(err, "read stats of container %s", nameOrID)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		return s, fmt.Errorf("decode stats of container %s: %w", nameOrID, err)
	}
	return s, nil
}

// cpuPercent computes CPU use between two readings the way "docker stats"
// does: 100 means one full core.
func cpuPercent(pre, cur container.CPUStats) float64 {
	if cur.CPUUsage.TotalUsage < pre.CPUUsage.TotalUsage || cur.SystemUsage <= pre.SystemUsage {
		return 0
	}
	cpuDelta := float64(cur.CPUUsage.TotalUsage - pre.CPUUsage.TotalUsage)
	systemDelta := float64(cur.SystemUsage - pre.SystemUsage)
	cpus := float64(cur.OnlineCPUs)
	if cpus == 0 {
		cpus = float64(len(cur.CPUUsage.PercpuUsage))
	}
	return cpuDelta / systemDelta * cpus * 100
}

// memoryUsage is usage minus the inactive page cache, as "docker stats"
// reports it (cgroup v1: total_inactive_file, cgroup v2: inactive_file).
func memoryUsage(m container.MemoryStats) uint64 {
	if v, ok := m.Stats["total_inactive_file"]; ok && v < m.Usage {
		return m.Usage - v
	}
	if v, ok := m.Stats["inactive_file"]; ok && v < m.Usage {
		return m.Usage - v
	}
	return m.Usage
}
