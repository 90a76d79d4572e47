package topology

import (
	"fmt"
	"hash/fnv"
	"time"

	"github.com/hactl/hactl/cli/internal/catalog"
)

// DefaultProject is the project name when the file gives none.
const DefaultProject = "hactl"

// Default is the stack of the write-up: HAProxy on 127.0.0.1:6301 in front of
// web-app1 and web-app2, over a Redis master with two replicas watched by
// three Sentinels.
func Default() Topology {
	return Topology{
		Project: DefaultProject,
		Networks: Networks{
			Front: Network{Name: "front"},
			Back:  Network{Name: "back", Internal: true, Subnet: DefaultSubnet(DefaultProject)},
		},
		Redis: Redis{
			Replicas:           2,
			Sentinels:          3,
			Quorum:             2,
			MasterName:         "mymaster",
			Port:               6379,
			SentinelPort:       26379,
			DownAfter:          time.Second,
			FailoverTimeout:    10 * time.Second,
			ParallelSyncs:      1,
			MinReplicasToWrite: 1,
			MinReplicasMaxLag:  10 * time.Second,
			AppendOnly:         true,
		},
		Web: Web{
			Port:            5000,
			Apps:            []WebApp{{Name: "web-app1"}, {Name: "web-app2"}},
			MaxValueBytes:   16 << 10,
			DurableReplicas: 1,
			DurableTimeout:  500 * time.Millisecond,
			RequestTimeout:  2 * time.Second,
			RedisDial:       250 * time.Millisecond,
			RedisRead:       time.Second,
			RedisWrite:      500 * time.Millisecond,
			RedisRetries:    2,
		},
		HAProxy: HAProxy{
			Name:         "haproxy",
			Bind:         "127.0.0.1",
			Port:         6301,
			StatsURI:     "/web-app",
			CheckInter:   2 * time.Second,
			CheckRise:    2,
			CheckFall:    5,
			Retries:      3,
			TimeoutConn:  time.Second,
			TimeoutCli:   30 * time.Second,
			TimeoutSrv:   5 * time.Second,
			HealthPath:   "/healthz",
			MaxConn:      4096,
			ResolveHold:  time.Second,
			ResolverWait: time.Second,
		},
		Images: Images{
			Redis:    catalog.Server.Tag(),
			Sentinel: catalog.Server.Tag(),
			HAProxy:  catalog.Server.Tag(),
			Web:      "web:v1",
		},
	}
}

// DefaultSubnet is the back network's subnet when the file names none: a
// /24 in 10.200.0.0/13 chosen by a hash of the project name, so that two
// projects rarely collide and Docker's default pools never do.
func DefaultSubnet(project string) string {
	h := fnv.New32a()
	h.Write([]byte(project))
	n := h.Sum32() % (8 * 256)
	return fmt.Sprintf("10.%d.%d.0/24", 200+n/256, n%256)
}
