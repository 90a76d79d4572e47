package drill

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// Write prints the report as a table.
func (r *Report) Write(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(k, format string, args ...any) { fmt.Fprintf(tw, "  %s\t%s\n", k, fmt.Sprintf(format, args...)) }
	verdict := "PASS"
	if !r.Pass {
		verdict = "FAIL"
	}
	fmt.Fprintf(tw, "failover drill: %s (%s %s) on project %s: %s\n", r.Target, r.Mode, r.Service, r.Project, verdict)
	row("before", "%s", topoString(r.Before))
	row("after", "%s", topoString(r.After))
	row("fault at", "%s", r.FaultAt.Format("15:04:05.000"))
	for _, e := range []struct {
		name string
		at   *Millis
	}{{"detected (+sdown)", r.SDown}, {"detected (+odown)", r.Detected}, {"leader elected", r.Elected}, {"promoted (+switch-master)", r.Promoted}} {
		if e.at != nil {
			row(e.name, "+%s", ms(*e.at))
		}
	}
	row("failovers", "%d", r.Failovers)
	if r.RecoveredIn != nil {
		row("writes back", "+%s", ms(*r.RecoveredIn))
	}
	row("write unavailability", "%s  (first failed write → first acknowledged write after the last failure)", ms(r.WriteUnavailable))
	row("longest write stall", "%s  (longest time without an acknowledged write after the fault)", ms(r.WriteStall))
	if r.Target == TargetHAProxy {
		row(":6301 unavailability", "%s", ms(r.FrontUnavailable))
	}
	for i, win := range r.WriteWindows {
		row(fmt.Sprintf("  window %d", i+1), "+%s → +%s, %d failed writes", ms(win.From), ms(win.To), win.Failed)
	}
	c := r.Counts
	row("requests", "%d at %d/s: %d writes, %d reads; %d failed (%d writes, %d reads)",
		c.Requests, r.Rate, c.Writes, c.Reads, c.Failed, c.FailedWrites, c.FailedReads)
	durable := "on"
	if !r.Durable {
		durable = "off"
	}
	row("acknowledged writes", "%d, lost %d, unverified %d  (durability %s)", c.Acknowledged, r.Lost, r.Unverified, durable)
	row("latency", "p50 %s  p99 %s  max %s", ms(r.Latency.P50), ms(r.Latency.P99), ms(r.Latency.Max))
	if b := r.Backend; b != nil {
		if b.MarkedDown != nil {
			row("HAProxy marked it "+b.DownState, "+%s  (fall × inter = %s)", ms(*b.MarkedDown), ms(b.ExpectedDown))
		}
		if b.MarkedUp != nil {
			row("HAProxy marked it UP", "%s after the restart  (rise × inter = %s)", ms(*b.MarkedUp), ms(b.ExpectedUp))
		}
	}
	if r.HealedIn != nil {
		row("reconverged", "%s after healing", ms(*r.HealedIn))
	}
	row("masters at the end", "%s", strings.Join(r.MastersAtEnd, ", "))
	for _, p := range r.Problems {
		row("problem", "%s", p)
	}
	return tw.Flush()
}

func topoString(t Topo) string {
	if t.Master == "" {
		return "unknown"
	}
	return fmt.Sprintf("master %s, replicas %s", t.Master, strings.Join(t.Replicas, ", "))
}

func ms(m Millis) string {
	d := time.Duration(m)
	if d < 10*time.Second {
		return fmt.Sprintf("%.0fms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%.2fs", d.Seconds())
}
