package topology

import (
	"fmt"
	"net/netip"
	"regexp"
	"strings"
	"time"
)

var (
	dnsLabel   = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)
	masterName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	imageRef   = regexp.MustCompile(`^[a-z0-9][a-z0-9._/:@-]*$`)
	sizeString = regexp.MustCompile(`^[0-9]+(b|kb|k|mb|m|gb|g)?$`)
	urlPath    = regexp.MustCompile(`^/[A-Za-z0-9._~/-]*$`)
)

const (
	maxProjectLen   = 40
	maxRedisNodes   = 16
	maxSentinels    = 15
	maxWebApps      = 16
	maxValueLimit   = 256 << 10
	minDownAfter    = 100 * time.Millisecond
	minCheckInter   = 100 * time.Millisecond
	maxServiceLabel = 63
)

type checker struct {
	problems []FieldError
}

func (c *checker) add(field, format string, args ...any) {
	c.problems = append(c.problems, FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (c *checker) between(field string, got, min, max int) {
	switch {
	case got < min:
		c.add(field, "must be at least %d, got %d", min, got)
	case got > max:
		c.add(field, "must be at most %d, got %d", max, got)
	}
}

func (c *checker) port(field string, got int) {
	if got < 1 || got > 65535 {
		c.add(field, "must be a port between 1 and 65535, got %d", got)
	}
}

func (c *checker) positive(field string, got, min time.Duration) {
	if got < min {
		c.add(field, "must be at least %s, got %s", min, got)
	}
}

func (c *checker) label(field, got string) {
	if len(got) > maxServiceLabel || !dnsLabel.MatchString(got) {
		c.add(field, "must be a DNS label (lowercase letters, digits and '-', not at either end, at most %d characters), got %q", maxServiceLabel, got)
	}
}

func (c *checker) image(field, got string) {
	if !imageRef.MatchString(got) {
		c.add(field, "must be an image reference such as redis:7 or web:v1, got %q", got)
	}
}

func validate(t Topology) []FieldError {
	c := &checker{}
	if len(t.Project) > maxProjectLen || !dnsLabel.MatchString(t.Project) {
		c.add("project", "must be a DNS label (lowercase letters, digits and '-', at most %d characters), got %q", maxProjectLen, t.Project)
	}
	c.label("networks.front.name", t.Networks.Front.Name)
	c.label("networks.back.name", t.Networks.Back.Name)
	if t.Networks.Front.Name == t.Networks.Back.Name {
		c.add("networks.back.name", "must differ from networks.front.name, both are %q", t.Networks.Back.Name)
	}
	if p, err := netip.ParsePrefix(t.Networks.Back.Subnet); err != nil || !p.Addr().Is4() || p.Bits() > maxPrefixLen || p.Bits() < minPrefixLen {
		c.add("networks.back.subnet", "must be an IPv4 subnet from /16 to /25 such as 10.200.0.0/24, got %q", t.Networks.Back.Subnet)
	}
	if t.Networks.Front.Subnet != "" {
		c.add("networks.front.subnet", "is not used: only the back network has fixed addresses")
	}
	if t.Networks.Front.Internal {
		c.add("networks.front.internal", "must be false: HAProxy publishes its port through the front network")
	}
	validateRedis(c, t.Redis)
	validateWeb(c, t.Web, t.Redis)
	validateHAProxy(c, t.HAProxy)
	c.image("images.redis", t.Images.Redis)
	c.image("images.sentinel", t.Images.Sentinel)
	c.image("images.haproxy", t.Images.HAProxy)
	c.image("images.web", t.Images.Web)
	validateNames(c, t)
	validateHostPorts(c, t)
	return c.problems
}

func validateRedis(c *checker, r Redis) {
	c.between("redis.replicas", r.Replicas, 1, maxRedisNodes-1)
	c.between("redis.sentinels", r.Sentinels, 1, maxSentinels)
	if r.Sentinels >= 1 && (r.Quorum > r.Sentinels || r.Quorum <= r.Sentinels/2) {
		c.add("redis.quorum", "must be a majority of the %d sentinels (between %d and %d), got %d",
			r.Sentinels, r.Sentinels/2+1, r.Sentinels, r.Quorum)
	}
	if !masterName.MatchString(r.MasterName) {
		c.add("redis.master_name", "must be letters, digits, '.', '_' or '-', got %q", r.MasterName)
	}
	c.port("redis.port", r.Port)
	c.port("redis.sentinel_port", r.SentinelPort)
	if r.Port == r.SentinelPort {
		c.add("redis.sentinel_port", "must differ from redis.port, both are %d", r.Port)
	}
	c.positive("redis.down_after", r.DownAfter, minDownAfter)
	if r.FailoverTimeout <= r.DownAfter {
		c.add("redis.failover_timeout", "must be longer than redis.down_after (%s), got %s", r.DownAfter, r.FailoverTimeout)
	}
	c.between("redis.parallel_syncs", r.ParallelSyncs, 1, maxRedisNodes)
	if r.Replicas >= 1 {
		c.between("redis.min_replicas_to_write", r.MinReplicasToWrite, 0, r.Replicas)
	}
	if r.MinReplicasToWrite > 0 {
		c.positive("redis.min_replicas_max_lag", r.MinReplicasMaxLag, time.Second)
	}
	if r.MaxMemory != "" && !sizeString.MatchString(strings.ToLower(r.MaxMemory)) {
		c.add("redis.maxmemory", "must be a size such as 256mb or 1gb, got %q", r.MaxMemory)
	}
}

func validateWeb(c *checker, w Web, r Redis) {
	c.port("web.port", w.Port)
	if len(w.Apps) < 1 || len(w.Apps) > maxWebApps {
		c.add("web.apps", "must list between 1 and %d apps, got %d", maxWebApps, len(w.Apps))
	}
	for i, app := range w.Apps {
		c.label(fmt.Sprintf("web.apps[%d].name", i), app.Name)
		if app.HostPort != 0 {
			c.port(fmt.Sprintf("web.apps[%d].host_port", i), app.HostPort)
		}
	}
	if w.MaxValueBytes < 1 || w.MaxValueBytes > maxValueLimit {
		c.add("web.max_value_bytes", "must be between 1 and %d, got %d", maxValueLimit, w.MaxValueBytes)
	}
	if r.Replicas >= 1 {
		c.between("web.durable_replicas", w.DurableReplicas, 0, r.Replicas)
	}
	c.positive("web.durable_timeout", w.DurableTimeout, time.Millisecond)
	c.positive("web.request_timeout", w.RequestTimeout, 10*time.Millisecond)
	c.positive("web.redis.dial_timeout", w.RedisDial, time.Millisecond)
	c.positive("web.redis.read_timeout", w.RedisRead, time.Millisecond)
	c.positive("web.redis.write_timeout", w.RedisWrite, time.Millisecond)
	c.between("web.redis.retries", w.RedisRetries, 0, 10)
}

func validateHAProxy(c *checker, h HAProxy) {
	if a, err := netip.ParseAddr(h.Bind); err != nil || a.Zone() != "" {
		c.add("haproxy.bind", "must be an IP address such as 127.0.0.1, got %q", h.Bind)
	}
	c.port("haproxy.port", h.Port)
	if !urlPath.MatchString(h.StatsURI) || h.StatsURI == "/" {
		c.add("haproxy.stats_uri", "must be a path such as /web-app (not /), got %q", h.StatsURI)
	}
	if !urlPath.MatchString(h.HealthPath) {
		c.add("haproxy.health_path", "must be a path such as /healthz, got %q", h.HealthPath)
	}
	if h.StatsURI == h.HealthPath {
		c.add("haproxy.stats_uri", "must differ from haproxy.health_path, both are %q", h.StatsURI)
	}
	c.positive("haproxy.check.inter", h.CheckInter, minCheckInter)
	c.between("haproxy.check.rise", h.CheckRise, 1, 100)
	c.between("haproxy.check.fall", h.CheckFall, 1, 100)
	c.between("haproxy.retries", h.Retries, 0, 20)
	c.positive("haproxy.timeout.connect", h.TimeoutConn, time.Millisecond)
	c.positive("haproxy.timeout.client", h.TimeoutCli, time.Millisecond)
	c.positive("haproxy.timeout.server", h.TimeoutSrv, time.Millisecond)
	c.between("haproxy.maxconn", h.MaxConn, 1, 1000000)
}

// validateNames checks that every service name is unique.
func validateNames(c *checker, t Topology) {
	if t.Redis.Replicas < 1 || t.Redis.Replicas >= maxRedisNodes || t.Redis.Sentinels < 1 || t.Redis.Sentinels > maxSentinels {
		return
	}
	owner := map[string]string{}
	claim := func(name, field string) {
		if prev, ok := owner[name]; ok {
			c.add(field, "names %q, which %s already uses", name, prev)
			return
		}
		owner[name] = field
	}
	for _, n := range t.Redis.Nodes() {
		claim(n.Name, "redis.replicas")
	}
	for _, s := range t.Redis.SentinelNames() {
		claim(s, "redis.sentinels")
	}
	claim(t.HAProxy.Name, "haproxy")
	for i, app := range t.Web.Apps {
		claim(app.Name, fmt.Sprintf("web.apps[%d].name", i))
	}
}

// validateHostPorts checks that no two published ports clash.
func validateHostPorts(c *checker, t Topology) {
	owner := map[int]string{t.HAProxy.Port: "haproxy.port"}
	for i, app := range t.Web.Apps {
		if app.HostPort == 0 {
			continue
		}
		field := fmt.Sprintf("web.apps[%d].host_port", i)
		if prev, ok := owner[app.HostPort]; ok {
			c.add(field, "%d is already taken by %s", app.HostPort, prev)
			continue
		}
		owner[app.HostPort] = field
	}
}
