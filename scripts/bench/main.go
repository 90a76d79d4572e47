// Command bench is the Go half of scripts/bench.sh: it rewrites topology
// files for the benchmark projects and turns the raw results (wrk output,
// redis-benchmark CSV, up timings, docker stats samples, image sizes) into
// the Markdown sections of BENCHMARKS.md, with medians, min–max and ratios.
//
//	bench topology -in examples/article.yaml -project hbench-go -port 7301 [-image web-flask:v1]
//	bench report -dir RESULTS -into BENCHMARKS.md -command '...' -machine '...'
//	bench field KEY < object.json       (prints one string field of a JSON object)
//	bench seconds 15s                   (a wrk duration in whole seconds)
//	bench master < status.json          (the container whose live role is master, from hactl status --json)
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: bench topology|report|field|master|seconds ...")
	}
	switch args[0] {
	case "topology":
		return topologyCmd(args[1:])
	case "report":
		return reportCmd(args[1:])
	case "field":
		if len(args) != 2 {
			return fmt.Errorf("usage: bench field KEY < object.json")
		}
		var obj map[string]any
		if err := json.NewDecoder(os.Stdin).Decode(&obj); err != nil {
			return fmt.Errorf("field: %w", err)
		}
		v, ok := obj[args[1]]
		if !ok {
			return fmt.Errorf("field: no %q in the object", args[1])
		}
		fmt.Println(v)
		return nil
	case "master":
		var rows []struct {
			Container string `json:"container"`
			LiveRole  string `json:"live_role"`
		}
		if err := json.NewDecoder(os.Stdin).Decode(&rows); err != nil {
			return fmt.Errorf("master: %w", err)
		}
		var masters []string
		for _, r := range rows {
			if r.LiveRole == "master" {
				masters = append(masters, r.Container)
			}
		}
		if len(masters) != 1 {
			return fmt.Errorf("master: want exactly one container with live role master, got %q", masters)
		}
		fmt.Println(masters[0])
		return nil
	case "seconds":
		if len(args) != 2 {
			return fmt.Errorf("usage: bench seconds DURATION")
		}
		s, err := wrkSeconds(args[1])
		if err != nil {
			return err
		}
		fmt.Println(s)
		return nil
	}
	return fmt.Errorf("unknown command %q: want topology, report, field, master or seconds", args[0])
}

// wrkSeconds reads a duration the way wrk does (a bare number is seconds;
// s, m and h suffixes) and rounds it up to whole seconds.
func wrkSeconds(text string) (int, error) {
	if n, err := strconv.Atoi(text); err == nil && n > 0 {
		return n, nil
	}
	if strings.HasSuffix(text, "ms") {
		return 0, fmt.Errorf("invalid duration %q: wrk takes s, m or h", text)
	}
	d, err := time.ParseDuration(text)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("invalid duration %q: want 15s, 2m or a number of seconds", text)
	}
	return int(math.Ceil(d.Seconds())), nil
}
