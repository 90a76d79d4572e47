package probe

import (
	"os"
	"strings"
	"testing"
)

// The testdata files were captured from a running stack.
func read(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseReplicationMaster(t *testing.T) {
	r, err := ParseReplication(string(read(t, "info-master.txt")))
	if err != nil {
		t.Fatal(err)
	}
	if r.Role != "master" || r.ConnectedReplicas != 2 || len(r.Replicas) != 2 || r.Offset == 0 || r.ReplID == "" {
		t.Fatalf("master = %+v", r)
	}
	for _, rep := range r.Replicas {
		if !strings.HasPrefix(rep.Host, "redis-") || rep.Port != 6379 || rep.State != "online" || rep.Offset == 0 {
			t.Errorf("replica link = %+v", rep)
		}
	}
}

func TestParseReplicationReplica(t *testing.T) {
	r, err := ParseReplication(string(read(t, "info-replica.txt")))
	if err != nil {
		t.Fatal(err)
	}
	if r.Role != "slave" || r.MasterHost != "redis-1" || r.MasterPort != 6379 || !r.LinkUp {
		t.Fatalf("replica = %+v", r)
	}
	down := strings.Replace(string(read(t, "info-replica.txt")), "master_link_status:up", "master_link_status:down", 1)
	if r, _ := ParseReplication(down); r.LinkUp {
		t.Fatal("a down link parsed as up")
	}
	if _, err := ParseReplication("NOAUTH Authentication required."); err == nil {
		t.Fatal("an error reply parsed as INFO")
	}
}

func TestParseSentinelMaster(t *testing.T) {
	m, err := ParseSentinelMaster(read(t, "sentinel-master.json"))
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "mymaster" || m.Host != "redis-1" || m.Port != 6379 || m.NumReplicas != 2 || m.NumOtherSentinels != 2 || m.Quorum != 2 || m.Down() {
		t.Fatalf("master = %+v", m)
	}
	odown := SentinelMaster{Flags: []string{"master", "s_down", "o_down"}}
	if !odown.Down() {
		t.Fatal("s_down,o_down not seen as down")
	}
	if _, err := ParseSentinelMaster([]byte("(error) ERR No such master with that name")); err == nil {
		t.Fatal("an error reply parsed")
	}
	if _, err := ParseSentinelMaster([]byte(`["name","x"]`)); err == nil {
		t.Fatal("a reply without ip parsed")
	}
}

func TestParseSentinelReplicas(t *testing.T) {
	reps, err := ParseSentinelReplicas(read(t, "sentinel-replicas.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(reps) != 2 {
		t.Fatalf("replicas = %+v", reps)
	}
	for _, r := range reps {
		if !strings.HasPrefix(r.Host, "redis-") || r.MasterHost != "redis-1" || !r.MasterLinkUp || len(r.Flags) == 0 || r.Flags[0] != "slave" {
			t.Errorf("replica = %+v", r)
		}
	}
}

func TestParseHAProxyCSV(t *testing.T) {
	stats, err := ParseHAProxyCSV(strings.NewReader(string(read(t, "haproxy-stats.csv"))))
	if err != nil {
		t.Fatal(err)
	}
	servers := map[string]ServerStat{}
	for _, s := range stats {
		servers[s.Proxy+"/"+s.Server] = s
	}
	for _, name := range []string{"web-apps/web-app1", "web-apps/web-app2"} {
		s, ok := servers[name]
		if !ok || !s.Up() || s.Sessions == 0 {
			t.Errorf("%s = %+v", name, s)
		}
	}
	if _, ok := servers["web/FRONTEND"]; !ok {
		t.Error("no frontend line")
	}
	for status, up := range map[string]bool{"UP": true, "UP 1/2": true, "DOWN": false, "DOWN 1/2": false, "MAINT (resolution)": false, "no check": true} {
		if got := (ServerStat{Status: status}).Up(); got != up {
			t.Errorf("status %q up = %v", status, got)
		}
	}
	if _, err := ParseHAProxyCSV(strings.NewReader("<html>401 Unauthorized</html>")); err == nil {
		t.Error("an HTML page parsed as statistics")
	}
}

func TestParseInfoSkipsSectionsAndBlankLines(t *testing.T) {
	f := ParseInfo("# Server\r\nredis_version:7.0.15\r\n\r\n# Clients\r\nconnected_clients:3\r\n")
	if f["redis_version"] != "7.0.15" || f["connected_clients"] != "3" || len(f) != 2 {
		t.Fatalf("fields = %v", f)
	}
}
