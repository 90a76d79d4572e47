package main

import (
	"math"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestParseWrk(t *testing.T) {
	out := "Running 3s test @ http://127.0.0.1:7301\n  Latency Distribution\n" +
		`BENCH {"route":"get","requests":13594,"duration_us":3054451,"bytes":1644874,"errors_connect":0,"errors_read":1,"errors_write":0,"errors_status":2,"errors_timeout":3,"latency_mean_us":3794.1,"latency_p50_us":1521,"latency_p90_us":4694,"latency_p99_us":71602,"latency_max_us":118342}` + "\n"
	r, err := parseWrk([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	if r.Requests != 13594 || r.Errors() != 6 || r.LatencyP99Us != 71602 {
		t.Errorf("got %+v", r)
	}
	if got := r.RPS(); math.Abs(got-4450.5) > 1 {
		t.Errorf("RPS = %v, want about 4450.5", got)
	}
	if _, err := parseWrk([]byte("unable to connect to 127.0.0.1:7301 Connection refused\n")); err == nil {
		t.Error("want an error for output without a BENCH line")
	}
}

func TestParseRedisCSV(t *testing.T) {
	csv := `"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
"SET","35816.62","0.195","0.032","0.191","0.311","0.479","20.671"
"GET","39777.25","0.142","0.024","0.095","0.231","1.183","23.967"
`
	rs, err := parseRedisCSV([]byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Test != "SET" || rs[1].RPS != 39777.25 || rs[1].P99 != 1.183 {
		t.Errorf("got %+v", rs)
	}
	if _, err := parseRedisCSV([]byte("\"test\",\"rps\"\n\"SET\",\"1\"\n")); err == nil {
		t.Error("want an error without the latency columns")
	}
}

func TestParseStatsLine(t *testing.T) {
	line := `{"BlockIO":"0B / 0B","CPUPerc":"12.50%","Container":"7a07","ID":"7a07","MemPerc":"0.08%","MemUsage":"18.12MiB / 23.54GiB","Name":"hbench-go-haproxy","NetIO":"7.01MB / 6.98MB","PIDs":"3"}`
	s, err := parseStatsLine(line)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "hbench-go-haproxy" || s.CPU != 12.5 || s.PIDs != 3 || math.Abs(s.MemB-18.12*(1<<20)) > 1 {
		t.Errorf("got %+v", s)
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]float64{"300B": 300, "1.5kB": 1500, "2KiB": 2048, "7.5MiB": 7.5 * (1 << 20), "1GiB": 1 << 30, "--": 0} {
		got, err := parseBytes(in)
		if err != nil || got != want {
			t.Errorf("parseBytes(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := parseBytes("12 parsecs"); err == nil {
		t.Error("want an error for an unknown unit")
	}
}

func TestSeries(t *testing.T) {
	s := series{3, 1, 2, 10}
	if s.Median() != 2.5 || s.Min() != 1 || s.Max() != 10 {
		t.Errorf("median/min/max = %v/%v/%v", s.Median(), s.Min(), s.Max())
	}
	if got := (series{5, 1, 3}).Spread(fmtMs); got != "3.00 (1.00–5.00)" {
		t.Errorf("Spread = %q", got)
	}
	if got := (series{}).Spread(fmtMs); got != "–" {
		t.Errorf("empty Spread = %q", got)
	}
	if !math.IsNaN(ratio(series{1}, series{})) || ratio(series{10}, series{4}) != 2.5 {
		t.Error("ratio")
	}
	if got := fmtInt(1234567); got != "1\u202f234\u202f567" {
		t.Errorf("fmtInt = %q", got)
	}
}

func TestCPUPerRequest(t *testing.T) {
	c := cpuRun{Machine: 10e9, Wrk: 1e9, Containers: map[string]float64{
		"hbench-go-haproxy": 2e9, "hbench-go-web-app1": 1e9, "hbench-go-web-app2": 1e9,
		"hbench-go-redis-1": 1e9, "hbench-go-sentinel-1": 0, "docker-proxy-42": 2e9,
	}}
	got := cpuPerRequest(c, 1000)
	want := map[string]float64{"wrk": 1000, "HAProxy": 2000, "web apps": 2000, "Redis": 1000,
		"Sentinels": 0, "docker-proxy": 2000, "other": 2000, "total": 10000}
	for k, v := range want {
		if math.Abs(got[k]-v) > 1e-6 {
			t.Errorf("%s = %v µs, want %v", k, got[k], v)
		}
	}
}

func TestRewriteTopology(t *testing.T) {
	in := `# comment
project: hactl
networks:
  back:
    subnet: 10.201.139.0/24
web:
  apps:
    - name: web-app1
      host_port: 5001
    - name: web-app2
haproxy:
  port: 6301
`
	out, err := rewriteTopology([]byte(in), "hbench-x", 7301, "web-flask:v1", false)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Project  string
		Networks struct{ Back map[string]any }
		Web      struct {
			Apps []struct {
				Name     string
				HostPort int `yaml:"host_port"`
			}
		}
		HAProxy struct{ Port int } `yaml:"haproxy"`
		Images  struct{ Web string }
	}
	if err := yaml.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	if got.Project != "hbench-x" || got.HAProxy.Port != 7301 || got.Images.Web != "web-flask:v1" {
		t.Errorf("got %+v", got)
	}
	if len(got.Web.Apps) != 2 || got.Web.Apps[0].HostPort != 7302 || got.Web.Apps[1].HostPort != 0 {
		t.Errorf("apps = %+v", got.Web.Apps)
	}
	if _, ok := got.Networks.Back["subnet"]; ok {
		t.Error("the back subnet is still there")
	}
	if !strings.Contains(string(out), "# comment") {
		t.Error("comments were dropped")
	}

	out, err = rewriteTopology([]byte("project: mini\n"), "hbench-m", 7341, "", true)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "host_port: 7342") || !strings.Contains(string(out), "name: web-app2") {
		t.Errorf("publish-first on a file without apps:\n%s", out)
	}
}
