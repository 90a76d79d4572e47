package render

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/hactl/hactl/cli/internal/labels"
	"github.com/hactl/hactl/cli/internal/topology"
	"github.com/hactl/hactl/cli/internal/version"
)

// ContainerName is the engine name of a service's container.
func ContainerName(project, service string) string {
	return project + "-" + service
}

// NetworkName is the engine name of one of the project's networks.
func NetworkName(project, network string) string {
	return project + "_" + network
}

// VolumeName is the engine name of one of the project's volumes.
func VolumeName(project, volume string) string {
	return project + "_" + volume
}

// DataVolume is the compose key of a Redis node's data volume.
func DataVolume(node string) string { return node + "-data" }

// healthcheck timings: checks are cheap, but each one is an exec.
var (
	healthInterval = types.Duration(5 * time.Second)
	healthTimeout  = types.Duration(3 * time.Second)
	healthStart    = types.Duration(5 * time.Second)
	healthRetries  = uint64(3)
	stopGrace      = types.Duration(10 * time.Second)
)

func healthcheck(test ...string) *types.HealthCheckConfig {
	return &types.HealthCheckConfig{
		Test:        types.HealthCheckTest(test),
		Interval:    &healthInterval,
		Timeout:     &healthTimeout,
		StartPeriod: &healthStart,
		Retries:     &healthRetries,
	}
}

type builder struct {
	t       topology.Topology
	files   []File
	addrs   map[string]string // fixed addresses on the back network
	project *types.Project
}

func composeProject(t topology.Topology, files []File) (*types.Project, error) {
	addrs, err := t.BackAddresses()
	if err != nil {
		return nil, err
	}
	b := &builder{t: t, files: files, addrs: addrs, project: &types.Project{
		Name:     t.Project,
		Services: types.Services{},
		Networks: types.Networks{},
		Volumes:  types.Volumes{},
		Secrets:  types.Secrets{},
	}}
	b.networks()
	b.secrets()
	b.redis()
	b.sentinels()
	b.web()
	b.haproxy()
	for name, svc := range b.project.Services {
		svc.Labels[labels.ConfigHash] = ConfigHash(svc, files)
		b.project.Services[name] = svc
	}
	return b.project, nil
}

func (b *builder) networks() {
	for _, n := range []topology.Network{b.t.Networks.Front, b.t.Networks.Back} {
		var ipam types.IPAMConfig
		if n.Subnet != "" {
			ipam.Config = []*types.IPAMPool{{Subnet: n.Subnet, IPRange: b.t.BackIPRange()}}
		}
		b.project.Networks[n.Name] = types.NetworkConfig{
			Ipam:     ipam,
			Name:     NetworkName(b.t.Project, n.Name),
			Driver:   "bridge",
			Internal: n.Internal,
			Labels: types.Labels{
				labels.Project: b.t.Project,
				labels.Network: n.Name,
				labels.Version: version.Label(),
				labels.Managed: "true",
			},
		}
	}
}

func (b *builder) secrets() {
	for _, name := range []string{secretRedis, secretSentinel} {
		b.project.Secrets[name] = types.SecretConfig{Name: name, File: "./secrets/" + name}
	}
}

func (b *builder) volume(name string) {
	b.project.Volumes[name] = types.VolumeConfig{
		Name: VolumeName(b.t.Project, name),
		Labels: types.Labels{
			labels.Project: b.t.Project,
			labels.Volume:  name,
			labels.Version: version.Label(),
			labels.Managed: "true",
		},
	}
}

// service starts a service with the fields every service shares.
func (b *builder) service(name, role, image string, nets ...string) types.ServiceConfig {
	svc := types.ServiceConfig{Name: name, Restart: types.RestartPolicyUnlessStopped}
	svc.Image = image
	svc.ContainerName = ContainerName(b.t.Project, name)
	svc.Hostname = name
	svc.StopGracePeriod = &stopGrace
	svc.Labels = types.Labels{
		labels.Project:         b.t.Project,
		labels.Service:         name,
		labels.ContainerNumber: "1",
		labels.OneOff:          "False",
		labels.Version:         version.Label(),
		labels.Managed:         "true",
		labels.Role:            role,
	}
	svc.Networks = map[string]*types.ServiceNetworkConfig{}
	for _, n := range nets {
		svc.Networks[n] = nil
		if n == b.t.Networks.Back.Name {
			svc.Networks[n] = &types.ServiceNetworkConfig{Ipv4Address: b.addrs[name]}
			svc.ExtraHosts = b.hosts()
		}
	}
	return svc
}

// hosts lists every fixed address of the back network, for /etc/hosts.
func (b *builder) hosts() types.HostsList {
	hosts := types.HostsList{}
	for name, addr := range b.addrs {
		hosts[name] = []string{addr}
	}
	return hosts
}

// configDir bind-mounts the service's rendered config directory.
func configDir(svc *types.ServiceConfig, dir string) {
	svc.Volumes = append(svc.Volumes, types.ServiceVolumeConfig{
		Type:   types.VolumeTypeBind,
		Source: "./" + dir,
		Target: ConfigDir,
	})
}

func dependsOn(condition string, services ...string) types.DependsOnConfig {
	deps := types.DependsOnConfig{}
	for _, s := range services {
		deps[s] = types.ServiceDependency{Condition: condition, Required: true}
	}
	return deps
}

func (b *builder) redis() {
	r := b.t.Redis
	back := b.t.Networks.Back.Name
	for _, n := range r.Nodes() {
		svc := b.service(n.Name, labels.RoleRedis, b.t.Images.Redis, back)
		svc.Labels[labels.InitialRole] = "replica"
		if n.InitialMaster {
			svc.Labels[labels.InitialRole] = "master"
		} else {
			svc.DependsOn = dependsOn(types.ServiceConditionStarted, r.MasterNode())
		}
		svc.Command = types.ShellCommand{"redis-server", ConfigDir + "/redis.conf"}
		configDir(&svc, n.Name)
		b.volume(DataVolume(n.Name))
		svc.Volumes = append(svc.Volumes, types.ServiceVolumeConfig{
			Type: types.VolumeTypeVolume, Source: DataVolume(n.Name), Target: "/data",
		})
		svc.Sysctls = types.Mapping{"net.core.somaxconn": "1024"}
		svc.HealthCheck = healthcheck("CMD-SHELL", fmt.Sprintf("redis-cli -p %d ping | grep -Eq 'PONG|NOAUTH'", r.Port))
		b.project.Services[n.Name] = svc
	}
}

func (b *builder) sentinels() {
	r := b.t.Redis
	var nodes []string
	for _, n := range r.Nodes() {
		nodes = append(nodes, n.Name)
	}
	for _, name := range r.SentinelNames() {
		svc := b.service(name, labels.RoleSentinel, b.t.Images.Sentinel, b.t.Networks.Back.Name)
		svc.Command = types.ShellCommand{"redis-server", ConfigDir + "/sentinel.conf", "--sentinel"}
		configDir(&svc, name)
		svc.DependsOn = dependsOn(types.ServiceConditionHealthy, nodes...)
		svc.HealthCheck = healthcheck("CMD-SHELL", fmt.Sprintf("redis-cli -p %d ping | grep -Eq 'PONG|NOAUTH'", r.SentinelPort))
		b.project.Services[name] = svc
	}
}

// SentinelAddrs lists the Sentinels as host:port, as the web apps dial them.
func SentinelAddrs(t topology.Topology) []string {
	var addrs []string
	for _, s := range t.Redis.SentinelNames() {
		addrs = append(addrs, s+":"+strconv.Itoa(t.Redis.SentinelPort))
	}
	return addrs
}

func (b *builder) web() {
	w := b.t.Web
	env := map[string]string{
		"WEB_LISTEN":             ":" + strconv.Itoa(w.Port),
		"REDIS_SENTINELS":        strings.Join(SentinelAddrs(b.t), ","),
		"REDIS_MASTER_NAME":      b.t.Redis.MasterName,
		"REDIS_PASSWORD_FILE":    SecretDir + "/" + secretRedis,
		"SENTINEL_PASSWORD_FILE": SecretDir + "/" + secretSentinel,
		"WEB_MAX_VALUE_BYTES":    strconv.FormatInt(w.MaxValueBytes, 10),
		"WEB_DURABLE_REPLICAS":   strconv.Itoa(w.DurableReplicas),
		"WEB_DURABLE_TIMEOUT":    w.DurableTimeout.String(),
		"WEB_REQUEST_TIMEOUT":    w.RequestTimeout.String(),
		"REDIS_DIAL_TIMEOUT":     w.RedisDial.String(),
		"REDIS_READ_TIMEOUT":     w.RedisRead.String(),
		"REDIS_WRITE_TIMEOUT":    w.RedisWrite.String(),
		"REDIS_MAX_RETRIES":      strconv.Itoa(w.RedisRetries),
	}
	mode := types.FileMode(0o444)
	for _, app := range w.Apps {
		svc := b.service(app.Name, labels.RoleWeb, b.t.Images.Web, b.t.Networks.Front.Name, b.t.Networks.Back.Name)
		svc.Environment = types.MappingWithEquals{}
		for k, v := range env {
			v := v
			svc.Environment[k] = &v
		}
		for _, s := range []string{secretRedis, secretSentinel} {
			svc.Secrets = append(svc.Secrets, types.ServiceSecretConfig{Source: s, Target: s, Mode: &mode})
		}
		if app.HostPort != 0 {
			svc.Ports = []types.ServicePortConfig{{
				HostIP: "127.0.0.1", Target: uint32(w.Port), Published: strconv.Itoa(app.HostPort), Protocol: "tcp",
			}}
		}
		svc.DependsOn = dependsOn(types.ServiceConditionHealthy, b.t.Redis.SentinelNames()...)
		svc.HealthCheck = healthcheck("CMD", "/web", "healthcheck")
		b.project.Services[app.Name] = svc
	}
}

func (b *builder) haproxy() {
	h := b.t.HAProxy
	svc := b.service(h.Name, labels.RoleHAProxy, b.t.Images.HAProxy, b.t.Networks.Front.Name)
	svc.Command = types.ShellCommand{"haproxy", "-W", "-db", "-f", ConfigDir + "/haproxy.cfg"}
	configDir(&svc, h.Name)
	svc.Ports = []types.ServicePortConfig{{
		HostIP: h.Bind, Target: uint32(h.Port), Published: strconv.Itoa(h.Port), Protocol: "tcp",
	}}
	var apps []string
	for _, a := range b.t.Web.Apps {
		apps = append(apps, a.Name)
	}
	sort.Strings(apps)
	svc.DependsOn = dependsOn(types.ServiceConditionHealthy, apps...)
	svc.HealthCheck = healthcheck("CMD-SHELL", fmt.Sprintf("curl -fsS -o /dev/null http://127.0.0.1:%d%s", h.Port, MonitorURI))
	b.project.Services[h.Name] = svc
}
