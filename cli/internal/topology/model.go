// Package topology is the stack model: plain Go types that describe one
// high-availability stack, loaded from a topology file (hactl.yaml),
// validated and defaulted. Nothing in this package does I/O besides reading
// the file it is asked to load.
package topology

import (
	"fmt"
	"sort"
	"time"

	"github.com/hactl/hactl/cli/internal/labels"
)

// Topology is one stack.
type Topology struct {
	Project  string
	Networks Networks
	Redis    Redis
	Web      Web
	HAProxy  HAProxy
	Images   Images
}

// Networks names the stack's user-defined networks. Front joins HAProxy and
// the web apps; Back joins the web apps, Redis and the Sentinels.
type Networks struct {
	Front Network
	Back  Network
}

// Network is one user-defined bridge network.
type Network struct {
	Name     string // compose network key; the engine name is <project>_<name>
	Internal bool   // no route to the outside world
	// Subnet (back network only) holds a fixed address for every container
	// on it, written into each container's /etc/hosts: Redis and Sentinel
	// then resolve each other's names without DNS, which stalls for seconds
	// on a stopped container's name.
	Subnet string
}

// Redis describes the Redis master, its replicas and the Sentinels.
type Redis struct {
	Replicas           int
	Sentinels          int
	Quorum             int
	MasterName         string
	Port               int
	SentinelPort       int
	DownAfter          time.Duration
	FailoverTimeout    time.Duration
	ParallelSyncs      int
	MinReplicasToWrite int
	MinReplicasMaxLag  time.Duration
	AppendOnly         bool
	MaxMemory          string // redis size string such as "256mb"; empty means no limit
}

// RedisNode is one redis-server container.
type RedisNode struct {
	Name          string
	InitialMaster bool
}

// Nodes lists the Redis servers: the first is the initial master.
func (r Redis) Nodes() []RedisNode {
	nodes := make([]RedisNode, 0, r.Replicas+1)
	for i := 1; i <= r.Replicas+1; i++ {
		nodes = append(nodes, RedisNode{Name: fmt.Sprintf("redis-%d", i), InitialMaster: i == 1})
	}
	return nodes
}

// MasterNode is the name of the initial master.
func (r Redis) MasterNode() string { return "redis-1" }

// SentinelNames lists the Sentinel containers' service names.
func (r Redis) SentinelNames() []string {
	names := make([]string, 0, r.Sentinels)
	for i := 1; i <= r.Sentinels; i++ {
		names = append(names, fmt.Sprintf("sentinel-%d", i))
	}
	return names
}

// Web describes the web apps behind HAProxy.
type Web struct {
	Port            int
	Apps            []WebApp
	MaxValueBytes   int64
	DurableReplicas int
	DurableTimeout  time.Duration
	RequestTimeout  time.Duration
	RedisDial       time.Duration
	RedisRead       time.Duration
	RedisWrite      time.Duration
	RedisRetries    int
}

// WebApp is one web app container.
type WebApp struct {
	Name     string
	HostPort int // 0 means not published
}

// HAProxy describes the load balancer in front of the web apps.
type HAProxy struct {
	Name         string
	Bind         string // host address the port is published on
	Port         int    // host and container port
	StatsURI     string
	CheckInter   time.Duration
	CheckRise    int
	CheckFall    int
	Retries      int
	TimeoutConn  time.Duration
	TimeoutCli   time.Duration
	TimeoutSrv   time.Duration
	HealthPath   string
	MaxConn      int
	ResolveHold  time.Duration
	ResolverWait time.Duration
}

// Images names the image each role runs.
type Images struct {
	Redis    string
	Sentinel string
	HAProxy  string
	Web      string
}

// Roles maps every service of the stack to its role: redis, sentinel, web
// or haproxy (the values of labels.Role).
func (t Topology) Roles() map[string]string {
	roles := map[string]string{t.HAProxy.Name: labels.RoleHAProxy}
	for _, n := range t.Redis.Nodes() {
		roles[n.Name] = labels.RoleRedis
	}
	for _, s := range t.Redis.SentinelNames() {
		roles[s] = labels.RoleSentinel
	}
	for _, a := range t.Web.Apps {
		roles[a.Name] = labels.RoleWeb
	}
	return roles
}

// ServiceNames lists every service, sorted.
func (t Topology) ServiceNames() []string {
	var names []string
	for name := range t.Roles() {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
