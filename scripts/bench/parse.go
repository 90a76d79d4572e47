package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// wrkRun is one wrk run, from the "BENCH {json}" line of scripts/bench/kv.lua.
type wrkRun struct {
	Name          string  `json:"-"` // <target>__<route>__<run>
	Route         string  `json:"route"`
	Requests      int64   `json:"requests"`
	DurationUs    int64   `json:"duration_us"`
	ErrConnect    int64   `json:"errors_connect"`
	ErrRead       int64   `json:"errors_read"`
	ErrWrite      int64   `json:"errors_write"`
	ErrStatus     int64   `json:"errors_status"`
	ErrTimeout    int64   `json:"errors_timeout"`
	LatencyMeanUs float64 `json:"latency_mean_us"`
	LatencyP50Us  float64 `json:"latency_p50_us"`
	LatencyP90Us  float64 `json:"latency_p90_us"`
	LatencyP99Us  float64 `json:"latency_p99_us"`
	LatencyMaxUs  float64 `json:"latency_max_us"`
}

// RPS is the run's throughput: every completed request, errors included,
// the way wrk's own Requests/sec counts.
func (r wrkRun) RPS() float64 {
	if r.DurationUs <= 0 {
		return 0
	}
	return float64(r.Requests) / (float64(r.DurationUs) / 1e6)
}

// Errors counts socket errors and non-2xx answers.
func (r wrkRun) Errors() int64 {
	return r.ErrConnect + r.ErrRead + r.ErrWrite + r.ErrStatus + r.ErrTimeout
}

func parseWrk(data []byte) (wrkRun, error) {
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "BENCH "); ok {
			var r wrkRun
			if err := json.Unmarshal([]byte(rest), &r); err != nil {
				return r, fmt.Errorf("BENCH line: %w", err)
			}
			return r, nil
		}
	}
	return wrkRun{}, fmt.Errorf("no BENCH line: wrk did not finish (see the file)")
}

// httpKey names a series of wrk runs: http/<target>__<route>__<run>.txt.
type httpKey struct{ Target, Route string }

func loadHTTP(dir string) (map[httpKey][]wrkRun, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "http", "*.txt"))
	out := map[httpKey][]wrkRun{}
	for _, f := range files {
		parts := strings.Split(strings.TrimSuffix(filepath.Base(f), ".txt"), "__")
		if len(parts) != 3 {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		r, err := parseWrk(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		r.Name = strings.TrimSuffix(filepath.Base(f), ".txt")
		k := httpKey{parts[0], parts[1]}
		out[k] = append(out[k], r)
	}
	return out, nil
}

// redisRun is one row of redis-benchmark --csv.
type redisRun struct {
	Test          string
	RPS, P50, P99 float64 // p50/p99 in ms
}

func parseRedisCSV(data []byte) ([]redisRun, error) {
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		return nil, err
	}
	if len(rows) < 2 {
		return nil, fmt.Errorf("no rows")
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, h := range []string{"test", "rps", "p50_latency_ms", "p99_latency_ms"} {
		if _, ok := col[h]; !ok {
			return nil, fmt.Errorf("no column %q (redis-benchmark 7 prints it)", h)
		}
	}
	var out []redisRun
	for _, row := range rows[1:] {
		if len(row) != len(rows[0]) {
			continue
		}
		num := func(h string) float64 { v, _ := strconv.ParseFloat(row[col[h]], 64); return v }
		out = append(out, redisRun{Test: row[col["test"]], RPS: num("rps"),
			P50: num("p50_latency_ms"), P99: num("p99_latency_ms")})
	}
	return out, nil
}

func loadRedis(dir string) (map[string][]redisRun, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "redis", "*.csv"))
	out := map[string][]redisRun{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		rs, err := parseRedisCSV(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for _, r := range rs {
			out[r.Test] = append(out[r.Test], r)
		}
	}
	return out, nil
}

// upRow is one line of up.tsv: example, method, run, seconds, note.
type upRow struct {
	Example, Method string
	Run             int
	Seconds         float64
	Note            string
}

func loadUp(dir string) ([]upRow, error) {
	data, err := os.ReadFile(filepath.Join(dir, "up.tsv"))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []upRow
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) < 4 {
			continue
		}
		run, _ := strconv.Atoi(f[2])
		s, err := strconv.ParseFloat(f[3], 64)
		if err != nil {
			return nil, fmt.Errorf("up.tsv: %q: %w", sc.Text(), err)
		}
		r := upRow{Example: f[0], Method: f[1], Run: run, Seconds: s}
		if len(f) > 4 {
			r.Note = f[4]
		}
		out = append(out, r)
	}
	return out, sc.Err()
}

// statSample is one container in one `docker stats --no-stream --format
// '{{json .}}'` sample.
type statSample struct {
	Name   string  // container name
	CPU    float64 // percent of one core
	MemB   float64 // bytes
	PIDs   int
	Sample string // file it came from
}

func parseStatsLine(line string) (statSample, error) {
	var raw struct {
		Name, CPUPerc, MemUsage, PIDs string
	}
	if err := json.Unmarshal([]byte(line), &raw); err != nil {
		return statSample{}, err
	}
	s := statSample{Name: raw.Name}
	cpu := strings.TrimSuffix(strings.TrimSpace(raw.CPUPerc), "%")
	if cpu != "" && cpu != "--" {
		v, err := strconv.ParseFloat(cpu, 64)
		if err != nil {
			return s, fmt.Errorf("CPUPerc %q: %w", raw.CPUPerc, err)
		}
		s.CPU = v
	}
	used, _, _ := strings.Cut(raw.MemUsage, "/")
	b, err := parseBytes(strings.TrimSpace(used))
	if err != nil {
		return s, fmt.Errorf("MemUsage %q: %w", raw.MemUsage, err)
	}
	s.MemB = b
	s.PIDs, _ = strconv.Atoi(strings.TrimSpace(raw.PIDs))
	return s, nil
}

// parseBytes reads docker's sizes: 7.5MiB, 1.2GiB, 512KiB, 300B, 1.5kB, 2MB.
func parseBytes(text string) (float64, error) {
	units := []struct {
		suffix string
		mult   float64
	}{
		{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
		{"kB", 1e3}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1},
	}
	for _, u := range units {
		if num, ok := strings.CutSuffix(text, u.suffix); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
			if err != nil {
				return 0, err
			}
			return v * u.mult, nil
		}
	}
	if text == "--" || text == "" {
		return 0, nil
	}
	return 0, fmt.Errorf("unknown size %q", text)
}

// statsKey names a series of samples: stats/<stack>__<phase>__<n>.jsonl.
type statsKey struct{ Stack, Phase string }

func loadStats(dir string) (map[statsKey][]statSample, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "stats", "*.jsonl"))
	sort.Strings(files)
	out := map[statsKey][]statSample{}
	for _, f := range files {
		parts := strings.Split(strings.TrimSuffix(filepath.Base(f), ".jsonl"), "__")
		if len(parts) != 3 {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		for _, line := range strings.Split(string(data), "\n") {
			if strings.TrimSpace(line) == "" {
				continue
			}
			s, err := parseStatsLine(line)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			s.Sample = filepath.Base(f)
			k := statsKey{parts[0], parts[1]}
			out[k] = append(out[k], s)
		}
	}
	return out, nil
}

// imageRow is one line of images.tsv: tag and size in bytes.
type imageRow struct {
	Tag   string
	Bytes float64
}

func loadImages(dir string) ([]imageRow, error) {
	data, err := os.ReadFile(filepath.Join(dir, "images.tsv"))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []imageRow
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 2 {
			continue
		}
		b, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			continue
		}
		out = append(out, imageRow{f[0], b})
	}
	return out, nil
}

// command is one line of commands.tsv: section, what, command.
type command struct{ Section, What, Command string }

func loadCommands(dir string) ([]command, error) {
	data, err := os.ReadFile(filepath.Join(dir, "commands.tsv"))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []command
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.SplitN(line, "\t", 3)
		if len(f) == 3 {
			out = append(out, command{f[0], f[1], f[2]})
		}
	}
	return out, nil
}

// cpuRun is the CPU time spent during one measured wrk run, in ns: the
// machine's busy time, each container's, and wrk's own.
type cpuRun struct {
	Machine    float64
	Containers map[string]float64 // container name → ns
	Wrk        float64
}

func readCounters(path string) (map[string]float64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string]float64{}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 2 {
			continue
		}
		v, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %q: %w", path, line, err)
		}
		out[f[0]] = v
	}
	return out, nil
}

// loadCPU reads cpu/<target>__<route>__<run>.{before,after,wrk}.
func loadCPU(dir string) (map[string]cpuRun, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "cpu", "*.before"))
	out := map[string]cpuRun{}
	for _, f := range files {
		base := strings.TrimSuffix(f, ".before")
		before, err := readCounters(f)
		if err != nil {
			return nil, err
		}
		after, err := readCounters(base + ".after")
		if err != nil {
			continue // the run did not finish
		}
		run := cpuRun{Machine: after["machine"] - before["machine"], Containers: map[string]float64{}}
		for name, v := range after {
			if b, ok := before[name]; ok && name != "machine" {
				run.Containers[name] = v - b
			}
		}
		if data, err := os.ReadFile(base + ".wrk"); err == nil {
			// bash's time with TIMEFORMAT='%3U %3S': user and system seconds.
			fields := strings.Fields(string(data))
			if len(fields) >= 2 {
				u, _ := strconv.ParseFloat(fields[len(fields)-2], 64)
				s, _ := strconv.ParseFloat(fields[len(fields)-1], 64)
				run.Wrk = (u + s) * 1e9
			}
		}
		out[filepath.Base(base)] = run
	}
	return out, nil
}

// loadLines reads the distinct non-empty lines of a file, in order; none if
// it does not exist.
func loadLines(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !seen[line] {
			seen[line] = true
			out = append(out, line)
		}
	}
	return out, nil
}
