package probe

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hactl/hactl/cli/internal/engine"
	"github.com/hactl/hactl/cli/internal/render"
	"github.com/hactl/hactl/cli/internal/secrets"
	"github.com/hactl/hactl/cli/internal/topology"
)

// Execer runs commands in containers.
type Execer interface {
	Exec(ctx context.Context, nameOrID string, cmd []string, env []string) (engine.ExecResult, error)
}

// Prober reads the live state of one stack.
type Prober struct {
	Engine   Execer
	Topology topology.Topology
	Secrets  secrets.Secrets
	HTTP     *http.Client
}

// New makes a prober with an HTTP client suited to loopback checks.
func New(e Execer, t topology.Topology, s secrets.Secrets) *Prober {
	return &Prober{Engine: e, Topology: t, Secrets: s, HTTP: &http.Client{
		Timeout: 3 * time.Second,
		Transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: time.Second}).DialContext,
			MaxIdleConnsPerHost: 4,
			IdleConnTimeout:     10 * time.Second,
		},
	}}
}

// Container is the engine name of a service's container.
func (p *Prober) Container(service string) string {
	return render.ContainerName(p.Topology.Project, service)
}

// ExecTimeout bounds every command a Prober runs in a container.
const ExecTimeout = 5 * time.Second

func (p *Prober) redisCLI(ctx context.Context, service string, port int, password string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, ExecTimeout)
	defer cancel()
	cmd := append([]string{"redis-cli", "-p", strconv.Itoa(port), "--no-auth-warning"}, args...)
	res, err := p.Engine.Exec(ctx, p.Container(service), cmd, []string{"REDISCLI_AUTH=" + password})
	if err != nil {
		return nil, err
	}
	out := bytes.TrimSpace(res.Stdout)
	if res.ExitCode != 0 || bytes.HasPrefix(out, []byte("(error)")) || bytes.HasPrefix(out, []byte("ERR")) ||
		bytes.HasPrefix(out, []byte("NOAUTH")) || bytes.HasPrefix(out, []byte("WRONGPASS")) || bytes.HasPrefix(out, []byte("LOADING")) {
		msg := firstLine(string(out) + " " + string(res.Stderr))
		return nil, fmt.Errorf("%s on %s: %s", strings.Join(args, " "), service, strings.TrimSpace(msg))
	}
	return out, nil
}

// Replication reads a Redis node's replication state.
func (p *Prober) Replication(ctx context.Context, node string) (Replication, error) {
	out, err := p.redisCLI(ctx, node, p.Topology.Redis.Port, p.Secrets.RedisPassword, "INFO", "replication")
	if err != nil {
		return Replication{}, err
	}
	return ParseReplication(string(out))
}

// RedisGet reads a key directly from one Redis node.
func (p *Prober) RedisGet(ctx context.Context, node, key string) (string, bool, error) {
	out, err := p.redisCLI(ctx, node, p.Topology.Redis.Port, p.Secrets.RedisPassword, "--json", "EXISTS", key)
	if err != nil {
		return "", false, err
	}
	if string(out) != "1" {
		return "", false, nil
	}
	out, err = p.redisCLI(ctx, node, p.Topology.Redis.Port, p.Secrets.RedisPassword, "GET", key)
	if err != nil {
		return "", false, err
	}
	return string(out), true, nil
}

func (p *Prober) sentinel(ctx context.Context, sentinel string, args ...string) ([]byte, error) {
	return p.redisCLI(ctx, sentinel, p.Topology.Redis.SentinelPort, p.Secrets.SentinelPassword, args...)
}

// SentinelMaster asks one Sentinel about the master.
func (p *Prober) SentinelMaster(ctx context.Context, sentinel string) (SentinelMaster, error) {
	out, err := p.sentinel(ctx, sentinel, "-2", "--json", "SENTINEL", "MASTER", p.Topology.Redis.MasterName)
	if err != nil {
		return SentinelMaster{}, err
	}
	return ParseSentinelMaster(out)
}

// SentinelReplicas asks one Sentinel about the replicas.
func (p *Prober) SentinelReplicas(ctx context.Context, sentinel string) ([]SentinelReplica, error) {
	out, err := p.sentinel(ctx, sentinel, "-2", "--json", "SENTINEL", "REPLICAS", p.Topology.Redis.MasterName)
	if err != nil {
		return nil, err
	}
	return ParseSentinelReplicas(out)
}

// Masters asks every Sentinel which node is the master: the answer maps
// each Sentinel that answered to the master it names.
func (p *Prober) Masters(ctx context.Context) (map[string]string, []error) {
	views := map[string]string{}
	var errs []error
	for _, s := range p.Topology.Redis.SentinelNames() {
		m, err := p.SentinelMaster(ctx, s)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		views[s] = m.Host
	}
	return views, errs
}

// ErrNoQuorum means the Sentinels that answered do not agree on a master.
var ErrNoQuorum = errors.New("the Sentinels do not agree on a master")

// CurrentMaster finds the master through the Sentinels: the node a quorum
// of them names.
func (p *Prober) CurrentMaster(ctx context.Context) (string, error) {
	views, errs := p.Masters(ctx)
	votes := map[string]int{}
	for _, m := range views {
		votes[m]++
	}
	var best string
	for m, n := range votes {
		if n > votes[best] || (n == votes[best] && m < best) {
			best = m
		}
	}
	if votes[best] >= p.Topology.Redis.Quorum {
		return best, nil
	}
	if len(views) == 0 && len(errs) > 0 {
		return "", fmt.Errorf("no Sentinel answered: %w", errs[0])
	}
	return "", fmt.Errorf("%w: %s", ErrNoQuorum, describeViews(views))
}

// CurrentMasterUnanimous is CurrentMaster with every Sentinel answering
// and naming the same master.
func (p *Prober) CurrentMasterUnanimous(ctx context.Context) (string, error) {
	views, errs := p.Masters(ctx)
	if len(errs) > 0 {
		return "", errs[0]
	}
	master := ""
	for _, m := range views {
		if master != "" && m != master {
			return "", fmt.Errorf("%w: %s", ErrNoQuorum, describeViews(views))
		}
		master = m
	}
	if master == "" {
		return "", errors.New("no Sentinel is configured")
	}
	return master, nil
}

func describeViews(views map[string]string) string {
	keys := make([]string, 0, len(views))
	for k := range views {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + " says " + views[k]
	}
	return strings.Join(parts, ", ")
}

// WebHealthy runs the web app's own health check inside its container.
func (p *Prober) WebHealthy(ctx context.Context, app string) error {
	ctx, cancel := context.WithTimeout(ctx, ExecTimeout)
	defer cancel()
	res, err := p.Engine.Exec(ctx, p.Container(app), []string{"/web", "healthcheck"}, nil)
	if err != nil {
		return err
	}
	if res.ExitCode != 0 {
		msg := strings.TrimSpace(string(res.Stdout) + " " + string(res.Stderr))
		return fmt.Errorf("%s health check failed: %s", app, firstLine(msg))
	}
	return nil
}

// BaseURL is HAProxy's front door as seen from the host.
func (p *Prober) BaseURL() string {
	host := p.Topology.HAProxy.Bind
	if host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(p.Topology.HAProxy.Port))
}

// HAProxyStats reads HAProxy's statistics through its published port.
func (p *Prober) HAProxyStats(ctx context.Context) ([]ServerStat, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.BaseURL()+p.Topology.HAProxy.StatsURI+";csv", nil)
	if err != nil {
		return nil, err
	}
	req.SetBasicAuth(p.Secrets.StatsUser, p.Secrets.StatsPassword)
	resp, err := p.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("read HAProxy statistics: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("read HAProxy statistics: %s answered %s", p.BaseURL(), resp.Status)
	}
	return ParseHAProxyCSV(resp.Body)
}

// Backends returns the statistics of the web apps' servers.
func (p *Prober) Backends(ctx context.Context) ([]ServerStat, error) {
	stats, err := p.HAProxyStats(ctx)
	if err != nil {
		return nil, err
	}
	var out []ServerStat
	for _, s := range stats {
		if s.Proxy == "web-apps" && s.Server != "BACKEND" && s.Server != "FRONTEND" {
			out = append(out, s)
		}
	}
	return out, nil
}

// RedisDel deletes a key on one node (the master).
func (p *Prober) RedisDel(ctx context.Context, node, key string) error {
	_, err := p.redisCLI(ctx, node, p.Topology.Redis.Port, p.Secrets.RedisPassword, "DEL", key)
	return err
}
