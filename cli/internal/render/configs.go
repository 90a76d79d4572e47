package render

import (
	"bytes"
	"fmt"
	"text/template"
	"time"

	"github.com/hactl/hactl/cli/internal/secrets"
	"github.com/hactl/hactl/cli/internal/topology"
	"github.com/hactl/hactl/templates"
)

var tmpl = template.Must(template.New("").Option("missingkey=error").ParseFS(templates.FS, "*.tmpl"))

func execute(name string, data any) ([]byte, error) {
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// Secret file names, under secrets/ in the output and SecretDir in containers.
const (
	secretRedis    = "redis_password"
	secretSentinel = "sentinel_password"
)

type redisData struct {
	Project, Name, MasterHost, Password, MaxMemory string
	Master, AppendOnly                             bool
	Port, MinReplicasToWrite, MinReplicasMaxLag    int
}

type sentinelData struct {
	Project, Name, MasterName, MasterHost, RedisPassword, SentinelPassword string
	Port, RedisPort, Quorum, ParallelSyncs                                 int
	DownAfterMs, FailoverTimeoutMs                                         int64
}

type haproxyData struct {
	Project, StatsURI, StatsUser, StatsPassword, HealthPath, MonitorURI string
	TimeoutConnect, TimeoutClient, TimeoutServer                        string
	TimeoutCheck, ResolverWait, ResolveHold                             string
	Port, AppPort, MaxConn, Retries, CheckRise, CheckFall               int
	CheckInterMs, BufSize                                               int64
	Apps                                                                []topology.WebApp
}

func configFiles(t topology.Topology, s secrets.Secrets) ([]File, error) {
	var files []File
	add := func(path, tmplName string, data any) error {
		content, err := execute(tmplName, data)
		if err != nil {
			return err
		}
		files = append(files, File{Path: path, Content: content, Mode: 0o600})
		return nil
	}
	r := t.Redis
	for _, n := range r.Nodes() {
		err := add(n.Name+"/redis.conf", "redis.conf.tmpl", redisData{
			Project: t.Project, Name: n.Name, MasterHost: r.MasterNode(), Password: s.RedisPassword,
			MaxMemory: r.MaxMemory, Master: n.InitialMaster, AppendOnly: r.AppendOnly, Port: r.Port,
			MinReplicasToWrite: r.MinReplicasToWrite, MinReplicasMaxLag: int(r.MinReplicasMaxLag / time.Second),
		})
		if err != nil {
			return nil, err
		}
	}
	for _, name := range r.SentinelNames() {
		err := add(name+"/sentinel.conf", "sentinel.conf.tmpl", sentinelData{
			Project: t.Project, Name: name, MasterName: r.MasterName, MasterHost: r.MasterNode(),
			RedisPassword: s.RedisPassword, SentinelPassword: s.SentinelPassword,
			Port: r.SentinelPort, RedisPort: r.Port, Quorum: r.Quorum, ParallelSyncs: r.ParallelSyncs,
			DownAfterMs: r.DownAfter.Milliseconds(), FailoverTimeoutMs: r.FailoverTimeout.Milliseconds(),
		})
		if err != nil {
			return nil, err
		}
	}
	h := t.HAProxy
	err := add(h.Name+"/haproxy.cfg", "haproxy.cfg.tmpl", haproxyData{
		Project: t.Project, StatsURI: h.StatsURI, StatsUser: s.StatsUser, StatsPassword: s.StatsPassword,
		HealthPath: h.HealthPath, MonitorURI: MonitorURI, TimeoutConnect: Duration(h.TimeoutConn), TimeoutClient: Duration(h.TimeoutCli),
		TimeoutServer: Duration(h.TimeoutSrv), TimeoutCheck: Duration(h.CheckInter),
		ResolverWait: Duration(h.ResolverWait), ResolveHold: Duration(h.ResolveHold),
		Port: h.Port, AppPort: t.Web.Port, MaxConn: h.MaxConn, Retries: h.Retries,
		CheckRise: h.CheckRise, CheckFall: h.CheckFall, CheckInterMs: h.CheckInter.Milliseconds(),
		Apps: t.Web.Apps, BufSize: BufSize(t.Web.MaxValueBytes),
	})
	if err != nil {
		return nil, err
	}
	files = append(files,
		File{Path: SecretsDir + "/" + secretRedis, Content: []byte(s.RedisPassword), Mode: 0o644},
		File{Path: SecretsDir + "/" + secretSentinel, Content: []byte(s.SentinelPassword), Mode: 0o644},
	)
	return files, nil
}

// BufSize is HAProxy's buffer size for a largest value of maxValue bytes:
// a request line holds the value percent-encoded (three bytes a byte) plus
// the key and headers; never below HAProxy's default of 16 KiB.
func BufSize(maxValue int64) int64 {
	n := 3*maxValue + 8<<10
	n = (n + 4095) / 4096 * 4096
	return max(n, 16<<10)
}

// MonitorURI is HAProxy's own health route, answered without a backend.
const MonitorURI = "/haproxy-health"

// Duration formats d the way HAProxy reads it: whole seconds as "5s", else
// milliseconds as "1500ms".
func Duration(d time.Duration) string {
	if d%time.Second == 0 {
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return fmt.Sprintf("%dms", d.Milliseconds())
}
