package main

import (
	"flag"
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"
)

// reportCmd reads a results directory written by scripts/bench.sh and
// writes the sections http, up, resources and targets.
func reportCmd(args []string) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	dir := fs.String("dir", "", "results directory written by scripts/bench.sh")
	into := fs.String("into", "", "Markdown file to splice the sections into (default: print them)")
	cmd := fs.String("command", "make bench", "the command that produced the results")
	date := fs.String("date", "", "date of the run")
	machine := fs.String("machine", "", "cores, memory, Docker version")
	cores := fs.Int("cores", 0, "CPU cores of the machine, for the CPU ceiling")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" {
		return fmt.Errorf("report: -dir is required")
	}
	r, err := loadResults(*dir)
	if err != nil {
		return err
	}
	r.cores = *cores
	header := fmt.Sprintf("Command: `%s` on %s; %s.", *cmd, *date, *machine)
	sections := []struct{ name, body string }{
		{"http", r.httpSection(header)},
		{"up", r.upSection(header)},
		{"resources", r.resourcesSection(header)},
		{"targets", r.targetsSection(header)},
	}
	for _, s := range sections {
		if s.body == "" {
			continue
		}
		if *into == "" {
			start, end := markers(s.name)
			fmt.Printf("%s\n%s\n%s\n\n", start, strings.TrimRight(s.body, "\n"), end)
			continue
		}
		if err := splice(*into, s.name, s.body); err != nil {
			return err
		}
	}
	return nil
}

type results struct {
	http     map[httpKey][]wrkRun
	redis    map[string][]redisRun
	up       []upRow
	stats    map[statsKey][]statSample
	images   []imageRow
	commands []command
	cpu      map[string]cpuRun // by http file base name: <target>__<route>__<run>
	// composeWarnings are the distinct warning lines of docker-compose.
	composeWarnings []string
	cores           int
}

func loadResults(dir string) (*results, error) {
	var r results
	var err error
	if r.http, err = loadHTTP(dir); err != nil {
		return nil, err
	}
	if r.redis, err = loadRedis(dir); err != nil {
		return nil, err
	}
	if r.up, err = loadUp(dir); err != nil {
		return nil, err
	}
	if r.stats, err = loadStats(dir); err != nil {
		return nil, err
	}
	if r.images, err = loadImages(dir); err != nil {
		return nil, err
	}
	if r.commands, err = loadCommands(dir); err != nil {
		return nil, err
	}
	if r.cpu, err = loadCPU(dir); err != nil {
		return nil, err
	}
	if r.composeWarnings, err = loadLines(filepath.Join(dir, "compose-warnings.txt")); err != nil {
		return nil, err
	}
	return &r, nil
}

// httpTargets are the rows of the HTTP table, in order, with their labels.
var httpTargets = []struct{ id, label string }{
	{"go-haproxy", "Go `web:v1` × 2 through HAProxy"},
	{"go-direct", "Go `web:v1`, one app direct (no HAProxy)"},
	{"gunicorn-haproxy", "Flask under gunicorn (`web-gunicorn:v1`) × 2 through HAProxy"},
	{"flask-haproxy", "Flask `flask run` (`web-flask:v1`) × 2 through HAProxy"},
}

func targetLabel(id string) string {
	for _, t := range httpTargets {
		if t.id == id {
			return t.label
		}
	}
	return id
}

func (r *results) rps(target, route string) series {
	var s series
	for _, w := range r.http[httpKey{target, route}] {
		s = append(s, w.RPS())
	}
	return s
}

func (r *results) commandLines(section string) string {
	var b strings.Builder
	for _, c := range r.commands {
		switch {
		case c.Section != section:
		case c.What == "":
			fmt.Fprintf(&b, "- %s\n", c.Command)
		default:
			fmt.Fprintf(&b, "- %s: `%s`\n", c.What, c.Command)
		}
	}
	return b.String()
}

func (r *results) httpSection(header string) string {
	if len(r.http) == 0 && len(r.redis) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(header + "\n\n")
	b.WriteString(r.commandLines("http"))
	b.WriteString(fewRuns(r.minHTTPRuns()))
	b.WriteString("\nEach figure is the median of the runs, with min–max in parentheses. " +
		"Errors are socket errors plus non-2xx answers, summed over the runs. " +
		"**Durability:** every `/set` of the web apps is `SET` then `WAIT 1` on one connection " +
		"(`durable_replicas: 1`): it answers OK only once a replica holds the write, so it costs " +
		"two Redis round trips and a replication acknowledgement. redis-benchmark's `SET` is a plain " +
		"`SET` without `WAIT`, and talks to Redis over the container's loopback.\n\n")
	b.WriteString("| target | route | requests/s | p50 ms | p99 ms | errors | runs |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- | --- |\n")
	ids := knownFirst(r.httpIDs(), httpTargets)
	for _, id := range ids {
		for _, route := range []string{"get", "set"} {
			runs := r.http[httpKey{id, route}]
			if len(runs) == 0 {
				continue
			}
			var rps, p50, p99 series
			var errs int64
			for _, w := range runs {
				rps = append(rps, w.RPS())
				p50 = append(p50, w.LatencyP50Us/1000)
				p99 = append(p99, w.LatencyP99Us/1000)
				errs += w.Errors()
			}
			fmt.Fprintf(&b, "| %s | /%s | %s | %s | %s | %s | %d |\n", targetLabel(id), route,
				rps.Spread(fmtInt), p50.Spread(fmtMs), p99.Spread(fmtMs), fmtInt(float64(errs)), len(runs))
		}
	}
	for _, test := range []string{"GET", "SET"} {
		runs := r.redis[test]
		if len(runs) == 0 {
			continue
		}
		var rps, p50, p99 series
		for _, x := range runs {
			rps = append(rps, x.RPS)
			p50 = append(p50, x.P50)
			p99 = append(p99, x.P99)
		}
		fmt.Fprintf(&b, "| redis-benchmark on the master (ceiling) | %s | %s | %s | %s | – | %d |\n",
			test, rps.Spread(fmtInt), p50.Spread(fmtMs), p99.Spread(fmtMs), len(runs))
	}

	b.WriteString("\nRatios of the medians of requests/s:\n\n")
	b.WriteString("| ratio | /get | /set |\n| --- | --- | --- |\n")
	row := func(label, a, c string) {
		g, s := ratio(r.rps(a, "get"), r.rps(c, "get")), ratio(r.rps(a, "set"), r.rps(c, "set"))
		if math.IsNaN(g) && math.IsNaN(s) {
			return
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", label, fmtRatio(g), fmtRatio(s))
	}
	row("Go / Flask `flask run` (both through HAProxy)", "go-haproxy", "flask-haproxy")
	row("Go / Flask under gunicorn (both through HAProxy)", "go-haproxy", "gunicorn-haproxy")
	row("gunicorn / `flask run` (both through HAProxy)", "gunicorn-haproxy", "flask-haproxy")
	row("Go: HAProxy path / direct", "go-haproxy", "go-direct")
	var rg, rs series
	for _, x := range r.redis["GET"] {
		rg = append(rg, x.RPS)
	}
	for _, x := range r.redis["SET"] {
		rs = append(rs, x.RPS)
	}
	if len(rg)+len(rs) > 0 {
		fmt.Fprintf(&b, "| Go through HAProxy / redis-benchmark | %s | %s |\n",
			fmtRatio(ratio(r.rps("go-haproxy", "get"), rg)), fmtRatio(ratio(r.rps("go-haproxy", "set"), rs)))
	}
	return b.String()
}

func (r *results) httpIDs() []string {
	seen := map[string]bool{}
	var ids []string
	for k := range r.http {
		if !seen[k.Target] {
			seen[k.Target] = true
			ids = append(ids, k.Target)
		}
	}
	return ids
}

// knownFirst orders ids: the known ones in their order, then the rest sorted.
func knownFirst(ids []string, known []struct{ id, label string }) []string {
	have := map[string]bool{}
	for _, id := range ids {
		have[id] = true
	}
	var out []string
	for _, k := range known {
		if have[k.id] {
			out = append(out, k.id)
			delete(have, k.id)
		}
	}
	var rest []string
	for id := range have {
		rest = append(rest, id)
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// upMethods are the rows of the up table.
var upMethods = []struct{ id, label string }{
	{"hactl-cold", "`hactl up` with the images present and no containers, until every service is ready"},
	{"hactl-warm", "`hactl up` again, nothing changed"},
	{"compose-cold", "`hactl render` + `docker-compose up -d` + until `hactl verify` passes"},
	{"compose-upd", "… of which until `docker-compose up -d` returned"},
	{"compose-verify", "… of which the one `hactl verify` that passed"},
	{"compose-warm", "`docker-compose up -d` again, nothing changed"},
}

func (r *results) upSeries(example, method string) (series, []string) {
	var s series
	var notes []string
	for _, u := range r.up {
		if u.Example == example && u.Method == method {
			s = append(s, u.Seconds)
			if u.Note != "" {
				notes = append(notes, u.Note)
			}
		}
	}
	return s, notes
}

func (r *results) upExamples() []string {
	seen := map[string]bool{}
	var out []string
	for _, u := range r.up {
		if u.Example != "cold" && !seen[u.Example] {
			seen[u.Example] = true
			out = append(out, u.Example)
		}
	}
	return out
}

func (r *results) upSection(header string) string {
	examples := r.upExamples()
	if len(examples) == 0 && len(r.up) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(header + "\n\n")
	b.WriteString(r.commandLines("up"))
	minUp := 0
	for _, ex := range examples {
		if s, _ := r.upSeries(ex, "hactl-cold"); minUp == 0 || len(s) < minUp {
			minUp = len(s)
		}
	}
	b.WriteString(fewRuns(minUp))
	b.WriteString("\nSeconds, median (min–max), images present; each example with its project name and ports " +
		"moved. Before each cold run the project is removed with its volumes (`hactl down --volumes`, " +
		"or `docker-compose down -v`). \"No-op\" counts the warm runs after which every container " +
		"kept its ID.\n\n")
	b.WriteString("| | " + strings.Join(examples, " | ") + " |\n")
	b.WriteString("| --- |" + strings.Repeat(" --- |", len(examples)) + "\n")
	for _, m := range upMethods {
		var cells []string
		any := false
		for _, ex := range examples {
			s, notes := r.upSeries(ex, m.id)
			cell := s.Spread(fmtSec)
			if len(s) > 0 {
				any = true
				cell += fmt.Sprintf(" (%d run%s)", len(s), plural(len(s)))
			}
			if m.id == "compose-cold" && len(notes) > 0 {
				healthy := 0
				for _, n := range notes {
					if strings.Contains(n, "healthy=yes") {
						healthy++
					}
				}
				cell += fmt.Sprintf("; every container healthy in Docker: %d/%d", healthy, len(notes))
			}
			if strings.HasSuffix(m.id, "-warm") && len(notes) > 0 {
				noop := 0
				for _, n := range notes {
					if n == "noop=yes" {
						noop++
					}
				}
				cell += fmt.Sprintf("; no-op %d/%d", noop, len(notes))
			}
			cells = append(cells, cell)
		}
		if any {
			fmt.Fprintf(&b, "| %s | %s |\n", m.label, strings.Join(cells, " | "))
		}
	}
	if len(r.composeWarnings) > 0 {
		b.WriteString("\ndocker-compose printed (each distinct line once; the stack still came up and passed `hactl verify`):\n\n")
		for _, w := range r.composeWarnings {
			fmt.Fprintf(&b, "- `%s`\n", w)
		}
	}
	b.WriteString("\nWith the image build (nothing present): ")
	if s, _ := r.upSeries("cold", "total"); len(s) > 0 {
		server, _ := r.upSeries("cold", "images-server")
		web, _ := r.upSeries("cold", "images-web")
		up, _ := r.upSeries("cold", "up")
		fmt.Fprintf(&b, "measured here (`COLD=1`): %s s in total, of which the server base image %s s, "+
			"`web:v1` %s s, `hactl up` %s s.\n", s.Spread(fmtSec), server.Spread(fmtSec), web.Spread(fmtSec), up.Spread(fmtSec))
	} else {
		b.WriteString("not re-measured by this run (it would delete the images; `COLD=1 make bench` does). " +
			"The known figure, measured by the team with `make up` on this machine type starting from no images: " +
			"**82 s** in total, of which the server base image (debootstrap + import) 66 s, `web:v1` 8 s, " +
			"`hactl up` 5.8 s.\n")
	}
	return b.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// stacks are the stacks whose resources are sampled.
var stacks = []struct{ id, label string }{
	{"go", "Go `web:v1`"},
	{"gunicorn", "Flask under gunicorn `web-gunicorn:v1`"},
	{"flask", "Flask `flask run` `web-flask:v1`"},
}

func (r *results) resourcesSection(header string) string {
	if len(r.stats) == 0 && len(r.images) == 0 && len(r.cpu) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(header + "\n\n")
	b.WriteString(r.commandLines("resources"))
	b.WriteString("\nCPU in % of one core and memory in MiB as `docker stats` reports them (memory without the page cache), " +
		"median over the samples. Idle: after `up` returned and settled; load: sampled while a `/set` wrk run " +
		"(not one of the measured runs) drove the stack through HAProxy.\n\n")
	seen := map[string]bool{}
	for k := range r.stats {
		seen[k.Stack] = true
	}
	var ids []string
	for id := range seen {
		ids = append(ids, id)
	}
	ids = knownFirst(ids, stacks)
	// Totals per stack first, then each container.
	b.WriteString("| stack | idle CPU % | idle memory MiB | load CPU % | load memory MiB |\n| --- | --- | --- | --- | --- |\n")
	for _, id := range ids {
		ic, im := totals(r.stats[statsKey{id, "idle"}])
		lc, lm := totals(r.stats[statsKey{id, "load"}])
		fmt.Fprintf(&b, "| %s, all containers | %s | %s | %s | %s |\n", stackLabel(id),
			ic.Spread(fmtPct), im.Spread(fmtMiB), lc.Spread(fmtPct), lm.Spread(fmtMiB))
	}
	for _, id := range ids {
		fmt.Fprintf(&b, "\n%s, per container:\n\n", stackLabel(id))
		b.WriteString("| container | idle CPU % | idle memory MiB | load CPU % | load memory MiB | load PIDs |\n")
		b.WriteString("| --- | --- | --- | --- | --- | --- |\n")
		idle := byContainer(r.stats[statsKey{id, "idle"}])
		load := byContainer(r.stats[statsKey{id, "load"}])
		var names []string
		for n := range idle {
			names = append(names, n)
		}
		for n := range load {
			if _, ok := idle[n]; !ok {
				names = append(names, n)
			}
		}
		sort.Slice(names, func(i, j int) bool { return serviceOrder(names[i]) < serviceOrder(names[j]) })
		for _, n := range names {
			i, l := idle[n], load[n]
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", n,
				i.cpu.Spread(fmtPct), i.mem.Spread(fmtMiB), l.cpu.Spread(fmtPct), l.mem.Spread(fmtMiB), l.pids.Spread(fmtInt))
		}
	}
	b.WriteString(r.cpuTable())
	if len(r.images) > 0 {
		b.WriteString("\nImage sizes (`docker image inspect --format '{{.Size}}'`):\n\n| image | MB |\n| --- | --- |\n")
		for _, im := range r.images {
			fmt.Fprintf(&b, "| `%s` | %.1f |\n", im.Tag, im.Bytes/1e6)
		}
	}
	return b.String()
}

func stackLabel(id string) string {
	for _, s := range stacks {
		if s.id == id {
			return s.label
		}
	}
	return id
}

type containerSeries struct{ cpu, mem, pids series }

// byContainer groups samples by container, naming each by its service (the
// container name without the project prefix hbench-<stack>-).
func byContainer(samples []statSample) map[string]*containerSeries {
	out := map[string]*containerSeries{}
	for _, s := range samples {
		n := serviceName(s.Name)
		c := out[n]
		if c == nil {
			c = &containerSeries{}
			out[n] = c
		}
		c.cpu = append(c.cpu, s.CPU)
		c.mem = append(c.mem, s.MemB)
		c.pids = append(c.pids, float64(s.PIDs))
	}
	return out
}

// totals sums every container of each sample, one value per sample.
func totals(samples []statSample) (cpu, mem series) {
	cs, ms := map[string]float64{}, map[string]float64{}
	var order []string
	for _, s := range samples {
		if _, ok := cs[s.Sample]; !ok {
			order = append(order, s.Sample)
		}
		cs[s.Sample] += s.CPU
		ms[s.Sample] += s.MemB
	}
	for _, k := range order {
		cpu = append(cpu, cs[k])
		mem = append(mem, ms[k])
	}
	return cpu, mem
}

var serviceNames = []string{"haproxy", "web-app", "redis-", "sentinel-"}

func serviceName(container string) string {
	for _, s := range serviceNames {
		if i := strings.Index(container, "-"+s); i >= 0 {
			return container[i+1:]
		}
	}
	return container
}

func serviceOrder(name string) string {
	for i, s := range serviceNames {
		if strings.HasPrefix(name, s) {
			return fmt.Sprintf("%d%s", i, name)
		}
	}
	return "9" + name
}

// targetsSection checks the benchmark targets and, from the CPU table,
// says what bounded each HTTP figure.
func (r *results) targetsSection(header string) string {
	var b strings.Builder
	b.WriteString(header + "\n\n")
	b.WriteString("| target | measured | met | what bounds it (from the CPU table under Resources) |\n| --- | --- | --- | --- |\n")
	mark := func(ok bool, known bool) string {
		switch {
		case !known:
			return "not measured"
		case ok:
			return "✓ yes"
		}
		return "✗ **no**"
	}
	// 1. Go ≥ 20× flask run on /get.
	goGet, flaskGet := r.rps("go-haproxy", "get"), r.rps("flask-haproxy", "get")
	g := ratio(goGet, flaskGet)
	why := ""
	if gc, gBusy, ok := r.cpuMedians("go-haproxy", "get"); ok {
		if fc, _, ok := r.cpuMedians("flask-haproxy", "get"); ok && r.cores > 0 {
			rest := gc["total"] - gc["web apps"]
			bound := float64(r.cores) * 1e6 / rest
			why = fmt.Sprintf("The machine was %s%% busy. CPU per request: Go path %s µs, of which the Go apps %s; "+
				"`flask run` path %s µs, of which the Flask apps %s (%s the Go apps'). The rest of the Go path "+
				"(wrk, docker-proxy, HAProxy, Redis, kernel: %s µs) alone caps it at %s req/s on %d cores, %s Flask's rate.",
				fmtPct(gBusy), fmtUs(gc["total"]), fmtUs(gc["web apps"]), fmtUs(fc["total"]), fmtUs(fc["web apps"]),
				fmtRatio(fc["web apps"]/gc["web apps"]), fmtUs(rest), fmtInt(bound), r.cores, fmtRatio(bound/flaskGet.Median()))
		}
	}
	fmt.Fprintf(&b, "| Go path ≥ 20× Flask `flask run` in requests/s on /get (both through HAProxy) | %s (%s vs %s req/s) | %s | %s |\n",
		fmtRatio(g), fmtInt(goGet.Median()), fmtInt(flaskGet.Median()), mark(g >= 20, !math.IsNaN(g)), why)
	// 2. HAProxy path ≥ half of direct, each route.
	for _, route := range []string{"get", "set"} {
		x := ratio(r.rps("go-haproxy", route), r.rps("go-direct", route))
		why := ""
		hc, hBusy, ok1 := r.cpuMedians("go-haproxy", route)
		dc, dBusy, ok2 := r.cpuMedians("go-direct", route)
		if ok1 && ok2 {
			why = fmt.Sprintf("The machine was %s%% / %s%% busy, so the ratio follows the CPU per request: %s µs direct, "+
				"%s µs through HAProxy (HAProxy %s µs, the web apps %s µs more, docker-proxy %s µs more).",
				fmtPct(hBusy), fmtPct(dBusy), fmtUs(dc["total"]), fmtUs(hc["total"]), fmtUs(hc["HAProxy"]),
				fmtUs(hc["web apps"]-dc["web apps"]), fmtUs(hc["docker-proxy"]-dc["docker-proxy"]))
		}
		fmt.Fprintf(&b, "| HAProxy path ≥ ½ of direct (Go, /%s) | %s (%s vs %s req/s) | %s | %s |\n", route,
			fmtRatio(x), fmtInt(r.rps("go-haproxy", route).Median()), fmtInt(r.rps("go-direct", route).Median()),
			mark(x >= 0.5, !math.IsNaN(x)), why)
	}
	// 3. Warm up (images present, from no containers) of the article
	// example < 10 s and no slower than docker-compose until ready.
	hc, _ := r.upSeries("article", "hactl-cold")
	cc, _ := r.upSeries("article", "compose-cold")
	fmt.Fprintf(&b, "| warm `hactl up` of `examples/article.yaml` (images present, no containers) until every service is ready < 10 s | %s s | %s | |\n",
		fmtSec(hc.Median()), mark(hc.Median() < 10, len(hc) > 0))
	fmt.Fprintf(&b, "| the same no slower than `docker-compose up -d` on the rendered file until the same checks pass | %s s vs %s s | %s | |\n",
		fmtSec(hc.Median()), fmtSec(cc.Median()), mark(hc.Median() <= cc.Median(), len(hc) > 0 && len(cc) > 0))
	hw, _ := r.upSeries("article", "hactl-warm")
	cw, _ := r.upSeries("article", "compose-warm")
	if len(hw) > 0 && len(cw) > 0 {
		fmt.Fprintf(&b, "| (for information) `up` again with nothing changed: hactl vs docker-compose | %s s vs %s s | %s | |\n",
			fmtSec(hw.Median()), fmtSec(cw.Median()), mark(hw.Median() <= cw.Median(), true))
	}
	return b.String()
}

// cpuMedians is the median CPU per request (µs) of each component over a
// target's runs, and the median machine busy %; ok is false without data.
func (r *results) cpuMedians(target, route string) (cols map[string]float64, busy float64, ok bool) {
	all := map[string]series{}
	var busySeries series
	for _, w := range r.http[httpKey{target, route}] {
		c, found := r.cpu[w.Name]
		if !found {
			continue
		}
		for k, v := range cpuPerRequest(c, w.Requests) {
			all[k] = append(all[k], v)
		}
		if r.cores > 0 && w.DurationUs > 0 {
			busySeries = append(busySeries, 100*c.Machine/(float64(w.DurationUs)*1e3*float64(r.cores)))
		}
	}
	if len(all["total"]) == 0 {
		return nil, math.NaN(), false
	}
	cols = map[string]float64{}
	for _, k := range append([]string{"total"}, cpuComponents...) {
		cols[k] = all[k].Median()
		if math.IsNaN(cols[k]) {
			cols[k] = 0
		}
	}
	return cols, busySeries.Median(), true
}

// cpuComponents are the columns of the CPU-per-request table.
var cpuComponents = []string{"wrk", "docker-proxy", "HAProxy", "web apps", "Redis", "Sentinels", "other"}

func component(container string) string {
	switch n := serviceName(container); {
	case strings.HasPrefix(container, "docker-proxy"):
		return "docker-proxy"
	case n == "haproxy":
		return "HAProxy"
	case strings.HasPrefix(n, "web-app"):
		return "web apps"
	case strings.HasPrefix(n, "redis-"):
		return "Redis"
	case strings.HasPrefix(n, "sentinel-"):
		return "Sentinels"
	}
	return "other"
}

// cpuPerRequest splits one run's CPU time per request, in µs, by component.
// "other" is the machine's busy time charged to no container and not to
// wrk: the kernel's network processing, dockerd, anything else running.
func cpuPerRequest(c cpuRun, requests int64) map[string]float64 {
	out := map[string]float64{}
	if requests <= 0 {
		return out
	}
	n := float64(requests)
	used := c.Wrk
	out["wrk"] = c.Wrk / n / 1e3
	for name, ns := range c.Containers {
		out[component(name)] += ns / n / 1e3
		used += ns
	}
	out["other"] += max(c.Machine-used, 0) / n / 1e3
	out["total"] = max(c.Machine, used) / n / 1e3
	return out
}

func (r *results) cpuTable() string {
	if len(r.cpu) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nCPU time per request in µs, by component, during the measured HTTP runs (median over the runs), "+
		"from each container's cgroup (cpuacct), wrk's own user+system time and the machine's busy time in /proc/stat. "+
		"docker-proxy is Docker's userland proxy, which carries every connection to a port published on 127.0.0.1 "+
		"(a host process, measured from /proc). \"other\" is busy time charged to none of these: the kernel's network "+
		"processing (softirq), dockerd and containerd, and anything else running on the machine. The CPU ceiling is %d cores × 1 s / total: "+
		"the rate at which the machine would be 100%% busy; where the measured rate is close to it, the run was bound by "+
		"the machine's CPU, wrk included, not by the stack.\n\n", r.cores)
	b.WriteString("| target | route | " + strings.Join(cpuComponents, " | ") +
		" | total | machine busy % | CPU ceiling req/s | measured req/s |\n")
	b.WriteString("| --- | --- |" + strings.Repeat(" --- |", len(cpuComponents)+4) + "\n")
	for _, id := range knownFirst(r.httpIDs(), httpTargets) {
		for _, route := range []string{"get", "set"} {
			cols, busy, ok := r.cpuMedians(id, route)
			if !ok {
				continue
			}
			fmt.Fprintf(&b, "| %s | /%s |", targetLabel(id), route)
			for _, k := range cpuComponents {
				fmt.Fprintf(&b, " %s |", fmtUs(cols[k]))
			}
			ceiling := math.NaN()
			if r.cores > 0 && cols["total"] > 0 {
				ceiling = float64(r.cores) * 1e6 / cols["total"]
			}
			fmt.Fprintf(&b, " %s | %s | %s | %s |\n", fmtUs(cols["total"]), fmtPct(busy),
				fmtInt(ceiling), fmtInt(r.rps(id, route).Median()))
		}
	}
	return b.String()
}

func fmtUs(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case v < 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.0f", v)
}

// fewRuns warns when a figure rests on fewer than 3 runs.
func fewRuns(n int) string {
	if n <= 0 || n >= 3 {
		return ""
	}
	return fmt.Sprintf("\n**%d run%s per figure:** a quick pass, not medians of 3; "+
		"`make bench` with the default RUNS=3 gives the figures to quote.\n", n, plural(n))
}

func (r *results) minHTTPRuns() int {
	n := 0
	for _, runs := range r.http {
		if n == 0 || len(runs) < n {
			n = len(runs)
		}
	}
	return n
}
