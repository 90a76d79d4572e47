package drill

import (
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func at(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }

// w is a write sample started at ms, lasting lat ms.
func w(seq, ms, lat int, ok bool) Sample {
	return Sample{Seq: seq, Kind: Write, Key: "k" + string(rune('a'+seq%26)), Start: at(ms), Latency: time.Duration(lat) * time.Millisecond, OK: ok}
}

func r(ms, lat int, ok bool) Sample {
	return Sample{Kind: Read, Start: at(ms), Latency: time.Duration(lat) * time.Millisecond, OK: ok}
}

func TestUnavailabilityWindows(t *testing.T) {
	samples := []Sample{
		w(1, 0, 1, true), r(5, 1, true),
		w(2, 10, 1, false), r(12, 1, false), w(3, 20, 500, false), w(4, 30, 1, false),
		w(5, 40, 1, true),
		w(6, 50, 1, false), w(7, 60, 1, true),
		w(8, 70, 1, true),
	}
	ws := Unavailability(samples, Write, t0)
	if len(ws) != 2 {
		t.Fatalf("windows = %+v, want 2", ws)
	}
	if ws[0].From != at(10) || ws[0].To != at(40) || ws[0].Failed != 3 {
		t.Errorf("first window = %+v, want 10ms→40ms with 3 failures", ws[0])
	}
	if ws[1].From != at(50) || ws[1].To != at(60) || ws[1].Failed != 1 {
		t.Errorf("second window = %+v", ws[1])
	}
	if got := Span(ws); got != 50*time.Millisecond {
		t.Errorf("span = %s, want 50ms (first failure to the first success after the last one)", got)
	}
	if got := ws[0].Duration(); got != 30*time.Millisecond {
		t.Errorf("duration = %s", got)
	}
}

func TestUnavailabilityIgnoresOrderSinceAndKind(t *testing.T) {
	samples := []Sample{w(3, 30, 1, true), w(2, 20, 1, false), w(1, 10, 1, false), r(15, 1, false)}
	ws := Unavailability(samples, Write, at(15))
	if len(ws) != 1 || ws[0].From != at(20) || ws[0].To != at(30) || ws[0].Failed != 1 {
		t.Fatalf("windows = %+v, want one 20ms→30ms window of writes started after 15ms", ws)
	}
	if len(Unavailability(samples, Read, t0)) != 1 {
		t.Fatal("read window missing")
	}
}

func TestUnavailabilityOpenWindowClosesAtLastSample(t *testing.T) {
	ws := Unavailability([]Sample{w(1, 0, 1, true), w(2, 10, 1, false), w(3, 90, 1, false)}, Write, t0)
	if len(ws) != 1 || ws[0].To != at(90) {
		t.Fatalf("windows = %+v", ws)
	}
	if Span(nil) != 0 || len(Unavailability(nil, Write, t0)) != 0 {
		t.Fatal("no samples must give no window")
	}
}

func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 100; i++ {
		ds = append(ds, time.Duration(101-i)*time.Millisecond)
	}
	cases := map[float64]time.Duration{50: 50 * time.Millisecond, 99: 99 * time.Millisecond, 100: 100 * time.Millisecond, 1: time.Millisecond}
	for p, want := range cases {
		if got := Percentile(ds, p); got != want {
			t.Errorf("p%.0f = %s, want %s", p, got, want)
		}
	}
	if Percentile(nil, 50) != 0 {
		t.Error("empty percentile")
	}
	if Percentile([]time.Duration{7}, 99) != 7 {
		t.Error("single value")
	}
	if ds[0] != 100*time.Millisecond {
		t.Error("Percentile sorted its input in place")
	}
}

func TestCountAndAckedKeys(t *testing.T) {
	samples := []Sample{w(3, 30, 1, true), w(1, 0, 1, true), w(2, 10, 1, false), r(5, 1, true), r(6, 1, false)}
	c := Count(samples)
	want := Counts{Requests: 5, Writes: 3, Reads: 2, Failed: 2, FailedWrites: 1, FailedReads: 1, Acknowledged: 2}
	if c != want {
		t.Fatalf("counts = %+v, want %+v", c, want)
	}
	keys := AckedKeys(samples)
	if strings.Join(keys, ",") != samples[1].Key+","+samples[0].Key {
		t.Fatalf("acked keys = %v, want seq order", keys)
	}
	lat := Summarise(samples)
	if lat.Max != time.Millisecond || lat.P50 != time.Millisecond {
		t.Fatalf("latencies = %+v", lat)
	}
}

func TestParseEvents(t *testing.T) {
	log := strings.Join([]string{
		"2026-11-22T12:00:01.500000000Z 1:X 22 Nov 2026 12:00:01.500 # +sdown master mymaster redis-1 6379",
		"2026-11-22T12:00:01.600000000Z 1:X 22 Nov 2026 12:00:01.600 # +odown master mymaster redis-1 6379 #quorum 2/2",
		"2026-11-22T12:00:01.650000000Z 1:X 22 Nov 2026 12:00:01.650 # +new-epoch 1",
		"2026-11-22T12:00:01.700000000Z 1:X 22 Nov 2026 12:00:01.700 # +elected-leader master mymaster redis-1 6379",
		"2026-11-22T12:00:02.500000000Z 1:X 22 Nov 2026 12:00:02.500 # +switch-master mymaster redis-1 6379 redis-2 6379",
		"2026-11-22T12:00:02.510000000Z 1:X 22 Nov 2026 12:00:02.510 * +slave slave redis-3:6379 redis-3 6379 @ mymaster redis-2 6379",
		"2026-11-22T12:00:03.000000000Z 1:X 22 Nov 2026 12:00:03.000 # Failed to resolve hostname 'redis-1'",
		"2026-11-22T12:00:03.100000000Z 1:M 22 Nov 2026 12:00:03.100 # +sdown master not-a-sentinel-line",
		"garbage",
	}, "\n")
	ev := ParseEvents("sentinel-1", log)
	if len(ev) != 6 {
		t.Fatalf("parsed %d events, want 6: %+v", len(ev), ev)
	}
	if ev[0].Name != "+sdown" || ev[0].Detail != "master mymaster redis-1 6379" || ev[0].Sentinel != "sentinel-1" || !ev[0].Time.Equal(at(1500)) {
		t.Errorf("first event = %+v", ev[0])
	}
	if ev[2].Name != "+new-epoch" || ev[2].Detail != "1" {
		t.Errorf("third event = %+v", ev[2])
	}
	if e, ok := First(ev, "+switch-master", "", t0); !ok || !e.Time.Equal(at(2500)) {
		t.Errorf("switch-master = %+v %v", e, ok)
	}
	if _, ok := First(ev, "+sdown", "slave", t0); ok {
		t.Error("a master +sdown matched the slave prefix")
	}
	if _, ok := First(ev, "+odown", "master", at(1700)); ok {
		t.Error("an event before since matched")
	}
}

func TestAnalyse(t *testing.T) {
	rep := &Report{StartedAt: t0, FaultAt: at(1000)}
	samples := []Sample{
		w(1, 0, 2, true), r(500, 2, true),
		w(2, 1010, 300, false), r(1100, 300, false), w(3, 2000, 900, false),
		w(4, 3600, 5, true), r(3700, 3, true),
	}
	events := []Event{
		{Time: at(-500), Name: "+sdown", Detail: "master mymaster redis-1 6379"},
		{Time: at(2500), Name: "+sdown", Detail: "master mymaster redis-1 6379"},
		{Time: at(2600), Name: "+odown", Detail: "master mymaster redis-1 6379 #quorum 2/2"},
		{Time: at(2700), Name: "+elected-leader", Detail: "master mymaster redis-1 6379"},
		{Time: at(3500), Name: "+switch-master", Detail: "mymaster redis-1 6379 redis-2 6379"},
	}
	rep.Analyse(samples, events)
	check := func(name string, got *Millis, want int) {
		t.Helper()
		if got == nil || time.Duration(*got) != time.Duration(want)*time.Millisecond {
			t.Errorf("%s = %v, want %dms", name, got, want)
		}
	}
	check("sdown", rep.SDown, 1500)
	check("odown", rep.Detected, 1600)
	check("elected", rep.Elected, 1700)
	check("promoted", rep.Promoted, 2500)
	if time.Duration(rep.WriteUnavailable) != 2590*time.Millisecond {
		t.Errorf("write unavailability = %s, want 2590ms", time.Duration(rep.WriteUnavailable))
	}
	if len(rep.WriteWindows) != 1 || time.Duration(rep.WriteWindows[0].From) != 10*time.Millisecond || rep.WriteWindows[0].Failed != 2 {
		t.Errorf("windows = %+v", rep.WriteWindows)
	}
	if time.Duration(rep.FrontUnavailable) != 2590*time.Millisecond {
		t.Errorf("front unavailability = %s", time.Duration(rep.FrontUnavailable))
	}
	if rep.Counts.Acknowledged != 2 || rep.Counts.Failed != 3 {
		t.Errorf("counts = %+v", rep.Counts)
	}
	if time.Duration(rep.Latency.Max) != 900*time.Millisecond {
		t.Errorf("max latency = %s", time.Duration(rep.Latency.Max))
	}
	if rep.Failovers != 1 {
		t.Errorf("failovers = %d, want 1", rep.Failovers)
	}
	if len(rep.Events) != 4 {
		t.Errorf("events kept = %d, want the 4 from a second before the fault on", len(rep.Events))
	}
}

func TestStall(t *testing.T) {
	samples := []Sample{
		w(1, 0, 10, true),     // ends 10
		w(2, 100, 2900, true), // hangs, ends 3000
		w(3, 200, 5, false),
		w(4, 3100, 5, true), // ends 3105
		r(150, 10, true),    // reads do not count
	}
	if got := Stall(samples, Write, at(50)); got != 2950*time.Millisecond {
		t.Fatalf("stall = %s, want 2950ms (from 50ms to the hung write's end at 3000ms)", got)
	}
	if got := Stall(nil, Write, t0); got != 0 {
		t.Fatalf("stall of nothing = %s", got)
	}
}

func TestSwitchesCountsEachFailoverOnce(t *testing.T) {
	ev := []Event{
		{Time: at(100), Name: "+switch-master", Detail: "mymaster redis-1 6379 redis-2 6379"},
		{Time: at(101), Name: "+switch-master", Detail: "mymaster redis-1 6379 redis-2 6379"},
		{Time: at(102), Name: "+switch-master", Detail: "mymaster redis-1 6379 redis-2 6379"},
		{Time: at(900), Name: "+switch-master", Detail: "mymaster redis-2 6379 redis-3 6379"},
		{Time: at(-100), Name: "+switch-master", Detail: "mymaster redis-3 6379 redis-1 6379"},
	}
	if got := Switches(ev, t0); got != 2 {
		t.Fatalf("switches = %d, want 2 (one real failover and one false one after it)", got)
	}
}
