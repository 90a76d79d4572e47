// Command benchreport summarises benchmark results as Markdown: failover
// drill reports (hactl failover --json) grouped by fault mode, and splices
// the summary into BENCHMARKS.md between two marker lines.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

func run() error {
	dir := flag.String("failover", "", "directory of failover reports, <mode>-<n>.json")
	into := flag.String("into", "", "file to splice the summary into (between the section's markers)")
	section := flag.String("section", "failover", "marker name: <!-- NAME:start --> ... <!-- NAME:end -->")
	header := flag.String("header", "", "text before the table (command, date, machine)")
	flag.Parse()
	if *dir == "" {
		return fmt.Errorf("-failover DIR is required")
	}
	table, err := failoverTable(*dir)
	if err != nil {
		return err
	}
	body := strings.TrimSpace(*header) + "\n\n" + table
	if *into == "" {
		fmt.Println(body)
		return nil
	}
	return splice(*into, *section, body)
}

type report struct {
	Mode             string   `json:"mode"`
	Pass             bool     `json:"pass"`
	Lost             int      `json:"lost_writes"`
	WriteUnavailable float64  `json:"write_unavailable_ms"`
	WriteStall       float64  `json:"write_stall_ms"`
	Detected         *float64 `json:"detected_ms"`
	Promoted         *float64 `json:"promoted_ms"`
	Healed           *float64 `json:"healed_ms"`
	Failovers        int      `json:"failovers"`
	Counts           struct {
		Acknowledged int `json:"acknowledged_writes"`
		FailedWrites int `json:"failed_writes"`
	} `json:"counts"`
	Latency struct {
		P99 float64 `json:"p99_ms"`
	} `json:"latency"`
}

func failoverTable(dir string) (string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		return "", fmt.Errorf("no reports in %s", dir)
	}
	byMode := map[string][]report{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		var r report
		if err := json.Unmarshal(data, &r); err != nil {
			return "", fmt.Errorf("%s: %w", f, err)
		}
		byMode[r.Mode] = append(byMode[r.Mode], r)
	}
	var b strings.Builder
	b.WriteString("| mode | drills | passed | drills with a false failover | write unavailability ms (min / median / max) | longest write stall ms | +odown ms | +switch-master ms | failed writes | acknowledged | lost writes (min / median / max) | p99 ms | reconverged after heal ms |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n")
	for _, mode := range []string{"kill", "stop", "pause", "disconnect"} {
		rs := byMode[mode]
		if len(rs) == 0 {
			continue
		}
		passed, falses := 0, 0
		var unavail, stall, odown, promoted, failed, acked, lost, p99, healed []float64
		for _, r := range rs {
			if r.Pass {
				passed++
			}
			if r.Failovers > 1 {
				falses++
			}
			unavail = append(unavail, r.WriteUnavailable)
			stall = append(stall, r.WriteStall)
			failed = append(failed, float64(r.Counts.FailedWrites))
			acked = append(acked, float64(r.Counts.Acknowledged))
			lost = append(lost, float64(r.Lost))
			p99 = append(p99, r.Latency.P99)
			if r.Detected != nil {
				odown = append(odown, *r.Detected)
			}
			if r.Promoted != nil {
				promoted = append(promoted, *r.Promoted)
			}
			if r.Healed != nil {
				healed = append(healed, *r.Healed)
			}
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			mode, len(rs), passed, falses, spread(unavail), spread(stall), spread(odown), spread(promoted),
			spread(failed), spread(acked), spread(lost), spread(p99), spread(healed))
	}
	return b.String(), nil
}

// spread is "min / median / max" of xs.
func spread(xs []float64) string {
	if len(xs) == 0 {
		return "–"
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return fmt.Sprintf("%.0f / %.0f / %.0f", s[0], med, s[len(s)-1])
}

// splice replaces the text between the section's markers, or appends the
// section when the file has no markers yet.
func splice(path, section, body string) error {
	start, end := "<!-- "+section+":start -->", "<!-- "+section+":end -->"
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	text := string(old)
	block := start + "\n" + body + "\n" + end
	i, j := strings.Index(text, start), strings.Index(text, end)
	if i >= 0 && j > i {
		text = text[:i] + block + text[j+len(end):]
	} else {
		text = strings.TrimRight(text, "\n") + "\n\n" + block + "\n"
	}
	return os.WriteFile(path, []byte(text), 0o644)
}
