package drill

import (
	"math"
	"sort"
	"time"
)

// Window is a stretch of time during which requests of one kind failed:
// from the start of the first failed request to the start of the first
// successful one after the last failure of the stretch.
type Window struct {
	From, To time.Time
	Failed   int
}

// Duration is the window's length.
func (w Window) Duration() time.Duration { return w.To.Sub(w.From) }

// Unavailability finds the windows during which requests of kind failed,
// among samples started at or after since. Two failures closer than gap
// with no success in between belong to one window. A window still open at
// the end closes at the last sample's start.
func Unavailability(samples []Sample, kind Kind, since time.Time) []Window {
	var sel []Sample
	for _, s := range samples {
		if s.Kind == kind && !s.Start.Before(since) {
			sel = append(sel, s)
		}
	}
	sort.SliceStable(sel, func(i, j int) bool { return sel[i].Start.Before(sel[j].Start) })
	var windows []Window
	var open *Window
	for _, s := range sel {
		switch {
		case !s.OK && open == nil:
			open = &Window{From: s.Start, Failed: 1}
		case !s.OK:
			open.Failed++
		case s.OK && open != nil:
			open.To = s.Start
			windows = append(windows, *open)
			open = nil
		}
	}
	if open != nil && len(sel) > 0 {
		open.To = sel[len(sel)-1].Start
		windows = append(windows, *open)
	}
	return windows
}

// Span is the time from the start of the first window to the end of the
// last: the whole stretch during which requests could fail.
func Span(windows []Window) time.Duration {
	if len(windows) == 0 {
		return 0
	}
	return windows[len(windows)-1].To.Sub(windows[0].From)
}

// Percentile returns the p-th percentile (0 < p <= 100) of ds by the
// nearest-rank method; 0 for no values.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sorted := append([]time.Duration(nil), ds...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// Latencies summarises request latencies.
type Latencies struct {
	P50, P99, Max time.Duration
}

// Summarise computes the latency percentiles of samples.
func Summarise(samples []Sample) Latencies {
	ds := make([]time.Duration, len(samples))
	for i, s := range samples {
		ds[i] = s.Latency
	}
	return Latencies{P50: Percentile(ds, 50), P99: Percentile(ds, 99), Max: Percentile(ds, 100)}
}

// Counts tallies the outcomes of the traffic.
type Counts struct {
	Requests     int `json:"requests"`
	Writes       int `json:"writes"`
	Reads        int `json:"reads"`
	Failed       int `json:"failed"`
	FailedWrites int `json:"failed_writes"`
	FailedReads  int `json:"failed_reads"`
	Acknowledged int `json:"acknowledged_writes"`
}

// Count tallies samples.
func Count(samples []Sample) Counts {
	var c Counts
	for _, s := range samples {
		c.Requests++
		if s.Kind == Write {
			c.Writes++
			if s.OK {
				c.Acknowledged++
			} else {
				c.FailedWrites++
			}
		} else {
			c.Reads++
			if !s.OK {
				c.FailedReads++
			}
		}
	}
	c.Failed = c.FailedWrites + c.FailedReads
	return c
}

// AckedKeys lists the keys of acknowledged writes, in sequence order.
func AckedKeys(samples []Sample) []string {
	var acked []Sample
	for _, s := range samples {
		if s.Kind == Write && s.OK {
			acked = append(acked, s)
		}
	}
	sort.Slice(acked, func(i, j int) bool { return acked[i].Seq < acked[j].Seq })
	keys := make([]string, len(acked))
	for i, s := range acked {
		keys[i] = s.Key
	}
	return keys
}

// Stall is the longest time from `from` on during which no request of kind
// completed successfully: it catches requests that hang rather than fail,
// as with a frozen master.
func Stall(samples []Sample, kind Kind, from time.Time) time.Duration {
	var ends []time.Time
	for _, s := range samples {
		if s.Kind == kind && s.OK && s.End().After(from) {
			ends = append(ends, s.End())
		}
	}
	sort.Slice(ends, func(i, j int) bool { return ends[i].Before(ends[j]) })
	var longest time.Duration
	prev := from
	for _, e := range ends {
		longest = max(longest, e.Sub(prev))
		prev = e
	}
	return longest
}
