package topology

import (
	"fmt"
	"time"
)

// applier copies the fields a file sets over the defaults.
type applier struct {
	problems []FieldError
}

func (a *applier) str(dst *string, src *string) {
	if src != nil {
		*dst = *src
	}
}

func (a *applier) int(dst *int, src *int) {
	if src != nil {
		*dst = *src
	}
}

func (a *applier) bool(dst *bool, src *bool) {
	if src != nil {
		*dst = *src
	}
}

func (a *applier) dur(dst *time.Duration, src *string, field string) {
	if src == nil {
		return
	}
	d, err := time.ParseDuration(*src)
	if err != nil {
		a.problems = append(a.problems, FieldError{Field: field,
			Msg: fmt.Sprintf("must be a duration such as 500ms, 2s or 1m, got %q", *src)})
		return
	}
	*dst = d
}

func apply(t *Topology, f *fileTopology) []FieldError {
	a := &applier{}
	a.str(&t.Project, f.Project)
	t.Networks.Back.Subnet = DefaultSubnet(t.Project)
	if n := f.Networks; n != nil {
		a.network(&t.Networks.Front, n.Front)
		a.network(&t.Networks.Back, n.Back)
	}
	if r := f.Redis; r != nil {
		a.redis(&t.Redis, r)
	}
	if w := f.Web; w != nil {
		a.web(&t.Web, w)
	}
	if h := f.HAProxy; h != nil {
		a.haproxy(&t.HAProxy, h)
	}
	if i := f.Images; i != nil {
		a.str(&t.Images.Redis, i.Redis)
		a.str(&t.Images.Sentinel, i.Sentinel)
		a.str(&t.Images.HAProxy, i.HAProxy)
		a.str(&t.Images.Web, i.Web)
	}
	return a.problems
}

func (a *applier) network(dst *Network, src *fileNetwork) {
	if src == nil {
		return
	}
	a.str(&dst.Name, src.Name)
	a.bool(&dst.Internal, src.Internal)
	a.str(&dst.Subnet, src.Subnet)
}

func (a *applier) redis(dst *Redis, src *fileRedis) {
	a.int(&dst.Replicas, src.Replicas)
	a.int(&dst.Sentinels, src.Sentinels)
	a.int(&dst.Quorum, src.Quorum)
	a.str(&dst.MasterName, src.MasterName)
	a.int(&dst.Port, src.Port)
	a.int(&dst.SentinelPort, src.SentinelPort)
	a.dur(&dst.DownAfter, src.DownAfter, "redis.down_after")
	a.dur(&dst.FailoverTimeout, src.FailoverTimeout, "redis.failover_timeout")
	a.int(&dst.ParallelSyncs, src.ParallelSyncs)
	a.int(&dst.MinReplicasToWrite, src.MinReplicasToWrite)
	a.dur(&dst.MinReplicasMaxLag, src.MinReplicasMaxLag, "redis.min_replicas_max_lag")
	a.bool(&dst.AppendOnly, src.AppendOnly)
	a.str(&dst.MaxMemory, src.MaxMemory)
}

func (a *applier) web(dst *Web, src *fileWeb) {
	a.int(&dst.Port, src.Port)
	if src.Apps != nil {
		dst.Apps = make([]WebApp, len(src.Apps))
		for i, app := range src.Apps {
			dst.Apps[i] = WebApp{Name: fmt.Sprintf("web-app%d", i+1)}
			a.str(&dst.Apps[i].Name, app.Name)
			a.int(&dst.Apps[i].HostPort, app.HostPort)
		}
	}
	if src.MaxValueBytes != nil {
		dst.MaxValueBytes = *src.MaxValueBytes
	}
	a.int(&dst.DurableReplicas, src.DurableReplicas)
	a.dur(&dst.DurableTimeout, src.DurableTimeout, "web.durable_timeout")
	a.dur(&dst.RequestTimeout, src.RequestTimeout, "web.request_timeout")
	if r := src.Redis; r != nil {
		a.dur(&dst.RedisDial, r.DialTimeout, "web.redis.dial_timeout")
		a.dur(&dst.RedisRead, r.ReadTimeout, "web.redis.read_timeout")
		a.dur(&dst.RedisWrite, r.WriteTimeout, "web.redis.write_timeout")
		a.int(&dst.RedisRetries, r.Retries)
	}
}

func (a *applier) haproxy(dst *HAProxy, src *fileHAProxy) {
	a.str(&dst.Bind, src.Bind)
	a.int(&dst.Port, src.Port)
	a.str(&dst.StatsURI, src.StatsURI)
	if c := src.Check; c != nil {
		a.dur(&dst.CheckInter, c.Inter, "haproxy.check.inter")
		a.int(&dst.CheckRise, c.Rise)
		a.int(&dst.CheckFall, c.Fall)
	}
	a.int(&dst.Retries, src.Retries)
	if to := src.Timeout; to != nil {
		a.dur(&dst.TimeoutConn, to.Connect, "haproxy.timeout.connect")
		a.dur(&dst.TimeoutCli, to.Client, "haproxy.timeout.client")
		a.dur(&dst.TimeoutSrv, to.Server, "haproxy.timeout.server")
	}
	a.str(&dst.HealthPath, src.HealthPath)
	a.int(&dst.MaxConn, src.MaxConn)
}
