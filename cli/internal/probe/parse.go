// Package probe reads the live state of a stack: Redis replication, what
// the Sentinels believe, HAProxy's view of its backends, and the web apps'
// health. Parsers are pure; the Prober runs commands inside the containers
// or talks to ports published on the host's loopback.
package probe

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Replication is the replication section of Redis's INFO.
type Replication struct {
	Role              string // "master" or "slave"
	MasterHost        string
	MasterPort        int
	LinkUp            bool
	ConnectedReplicas int
	Replicas          []ReplicaLink
	Offset            int64
	ReplID            string
}

// ReplicaLink is one replica as its master reports it.
type ReplicaLink struct {
	Host   string
	Port   int
	State  string
	Offset int64
	Lag    int
}

// ParseInfo splits INFO output into fields.
func ParseInfo(text string) map[string]string {
	fields := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if k, v, ok := strings.Cut(line, ":"); ok {
			fields[k] = v
		}
	}
	return fields
}

// ParseReplication reads INFO replication.
func ParseReplication(text string) (Replication, error) {
	f := ParseInfo(text)
	r := Replication{Role: f["role"], MasterHost: f["master_host"], ReplID: f["master_replid"]}
	if r.Role != "master" && r.Role != "slave" {
		return r, fmt.Errorf("INFO replication has no role: %q", firstLine(text))
	}
	r.MasterPort, _ = strconv.Atoi(f["master_port"])
	r.LinkUp = f["master_link_status"] == "up"
	r.ConnectedReplicas, _ = strconv.Atoi(f["connected_slaves"])
	r.Offset, _ = strconv.ParseInt(f["master_repl_offset"], 10, 64)
	for i := 0; ; i++ {
		v, ok := f[fmt.Sprintf("slave%d", i)]
		if !ok {
			break
		}
		link := ReplicaLink{}
		for _, kv := range strings.Split(v, ",") {
			k, val, _ := strings.Cut(kv, "=")
			switch k {
			case "ip":
				link.Host = val
			case "port":
				link.Port, _ = strconv.Atoi(val)
			case "state":
				link.State = val
			case "offset":
				link.Offset, _ = strconv.ParseInt(val, 10, 64)
			case "lag":
				link.Lag, _ = strconv.Atoi(val)
			}
		}
		r.Replicas = append(r.Replicas, link)
	}
	return r, nil
}

// SentinelMaster is what one Sentinel believes about a monitored master.
type SentinelMaster struct {
	Name              string
	Host              string
	Port              int
	Flags             []string
	NumReplicas       int
	NumOtherSentinels int
	Quorum            int
	FailoverState     string
}

// Down says whether the Sentinel sees the master as down.
func (m SentinelMaster) Down() bool {
	for _, f := range m.Flags {
		if f == "s_down" || f == "o_down" || f == "disconnected" {
			return true
		}
	}
	return false
}

// ParseSentinelMaster reads `redis-cli -2 --json SENTINEL MASTER <name>`.
func ParseSentinelMaster(out []byte) (SentinelMaster, error) {
	kv, err := parseFlatJSON(out)
	if err != nil {
		return SentinelMaster{}, fmt.Errorf("read SENTINEL MASTER: %w", err)
	}
	m := SentinelMaster{Name: kv["name"], Host: kv["ip"], FailoverState: kv["failover-state"]}
	m.Port, _ = strconv.Atoi(kv["port"])
	m.NumReplicas, _ = strconv.Atoi(kv["num-slaves"])
	m.NumOtherSentinels, _ = strconv.Atoi(kv["num-other-sentinels"])
	m.Quorum, _ = strconv.Atoi(kv["quorum"])
	if kv["flags"] != "" {
		m.Flags = strings.Split(kv["flags"], ",")
	}
	if m.Host == "" {
		return m, fmt.Errorf("read SENTINEL MASTER: no ip in %q", firstLine(string(out)))
	}
	return m, nil
}

// SentinelReplica is one replica as a Sentinel knows it.
type SentinelReplica struct {
	Host            string
	Port            int
	Flags           []string
	MasterLinkUp    bool
	MasterHost      string
	ReplOffset      int64
	ReplicaPriority int
}

// ParseSentinelReplicas reads `redis-cli -2 --json SENTINEL REPLICAS <name>`.
func ParseSentinelReplicas(out []byte) ([]SentinelReplica, error) {
	var rows [][]any
	if err := json.Unmarshal(out, &rows); err != nil {
		return nil, fmt.Errorf("read SENTINEL REPLICAS: %w: %q", err, firstLine(string(out)))
	}
	var reps []SentinelReplica
	for _, row := range rows {
		kv := pairs(row)
		r := SentinelReplica{Host: kv["ip"], MasterHost: kv["master-host"], MasterLinkUp: kv["master-link-status"] == "ok"}
		r.Port, _ = strconv.Atoi(kv["port"])
		r.ReplOffset, _ = strconv.ParseInt(kv["slave-repl-offset"], 10, 64)
		r.ReplicaPriority, _ = strconv.Atoi(kv["slave-priority"])
		if kv["flags"] != "" {
			r.Flags = strings.Split(kv["flags"], ",")
		}
		reps = append(reps, r)
	}
	return reps, nil
}

func parseFlatJSON(out []byte) (map[string]string, error) {
	var row []any
	if err := json.Unmarshal(out, &row); err != nil {
		return nil, fmt.Errorf("%w: %q", err, firstLine(string(out)))
	}
	return pairs(row), nil
}

func pairs(row []any) map[string]string {
	kv := map[string]string{}
	for i := 0; i+1 < len(row); i += 2 {
		k, _ := row[i].(string)
		kv[k] = fmt.Sprint(row[i+1])
	}
	return kv
}

// ServerStat is one line of HAProxy's CSV statistics.
type ServerStat struct {
	Proxy       string
	Server      string // FRONTEND, BACKEND or a server name
	Status      string // UP, DOWN, MAINT, "UP 1/2", "DOWN 1/5", no check...
	CheckStatus string
	LastChange  int // seconds since the last status change
	Downtime    int // total seconds down
	Sessions    int
}

// Up says whether HAProxy sends traffic to the server.
func (s ServerStat) Up() bool {
	return s.Status == "UP" || strings.HasPrefix(s.Status, "UP ") || s.Status == "no check"
}

// ParseHAProxyCSV reads the `;csv` statistics page.
func ParseHAProxyCSV(r io.Reader) ([]ServerStat, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read HAProxy statistics: %w", err)
	}
	if len(header) == 0 || !strings.HasPrefix(header[0], "# pxname") {
		return nil, fmt.Errorf("read HAProxy statistics: not a statistics CSV (first field %q)", first(header))
	}
	header[0] = strings.TrimPrefix(header[0], "# ")
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	var stats []ServerStat
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read HAProxy statistics: %w", err)
		}
		s := ServerStat{Proxy: get(rec, "pxname"), Server: get(rec, "svname"), Status: get(rec, "status"),
			CheckStatus: get(rec, "check_status")}
		s.LastChange, _ = strconv.Atoi(get(rec, "lastchg"))
		s.Downtime, _ = strconv.Atoi(get(rec, "downtime"))
		s.Sessions, _ = strconv.Atoi(get(rec, "stot"))
		stats = append(stats, s)
	}
	return stats, nil
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 120 {
		s = s[:120] + "..."
	}
	return s
}
