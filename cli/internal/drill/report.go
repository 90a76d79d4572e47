package drill

import (
	"encoding/json"
	"time"
)

// Millis is a duration that reads as milliseconds in JSON.
type Millis time.Duration

// MarshalJSON writes the duration in milliseconds.
func (m Millis) MarshalJSON() ([]byte, error) {
	return json.Marshal(float64(time.Duration(m).Microseconds()) / 1000)
}

// Topo is who is master and who replicates.
type Topo struct {
	Master   string   `json:"master"`
	Replicas []string `json:"replicas"`
}

// WindowReport is an unavailability window relative to the fault.
type WindowReport struct {
	From   Millis `json:"from_ms"`
	To     Millis `json:"to_ms"`
	Failed int    `json:"failed"`
}

// BackendTimes is how long HAProxy took to notice a web app go and come back.
type BackendTimes struct {
	MarkedDown   *Millis `json:"marked_down_ms,omitempty"` // since the fault
	DownState    string  `json:"down_state,omitempty"`     // DOWN, or MAINT when DNS noticed first
	MarkedUp     *Millis `json:"marked_up_ms,omitempty"`   // since the heal
	ExpectedDown Millis  `json:"expected_down_ms"`         // fall × inter
	ExpectedUp   Millis  `json:"expected_up_ms"`           // rise × inter
}

// Report is the outcome of one drill.
type Report struct {
	Project   string    `json:"project"`
	Target    string    `json:"target"`
	Service   string    `json:"service"`
	Mode      Mode      `json:"mode"`
	Durable   bool      `json:"durable"`
	Rate      int       `json:"rate"`
	StartedAt time.Time `json:"started_at"`
	FaultAt   time.Time `json:"fault_at"`
	Before    Topo      `json:"before"`
	After     Topo      `json:"after"`

	Detected *Millis `json:"detected_ms,omitempty"` // first +odown
	SDown    *Millis `json:"sdown_ms,omitempty"`    // first +sdown of the target
	Elected  *Millis `json:"elected_ms,omitempty"`  // +elected-leader
	Promoted *Millis `json:"promoted_ms,omitempty"` // +switch-master
	// Failovers counts the distinct master switches the Sentinels made
	// after the fault: one for a master drill, none otherwise.
	Failovers int `json:"failovers"`

	WriteUnavailable Millis         `json:"write_unavailable_ms"`
	WriteStall       Millis         `json:"write_stall_ms"`       // longest time without an acknowledged write
	FrontUnavailable Millis         `json:"front_unavailable_ms"` // any request failing
	WriteWindows     []WindowReport `json:"write_windows"`
	Counts           Counts         `json:"counts"`
	Skipped          int            `json:"skipped_ticks"`
	Lost             int            `json:"lost_writes"`
	LostKeys         []string       `json:"lost_keys,omitempty"`
	Unverified       int            `json:"unverified_writes"`
	Latency          LatencyReport  `json:"latency"`
	Backend          *BackendTimes  `json:"backend,omitempty"`

	Recovered    bool     `json:"recovered"`
	RecoveredIn  *Millis  `json:"recovered_ms,omitempty"` // since the fault
	Healed       bool     `json:"healed"`
	HealedIn     *Millis  `json:"healed_ms,omitempty"` // since the heal started
	MastersAtEnd []string `json:"masters_at_end"`

	Events   []Event  `json:"events"`
	Problems []string `json:"problems"`
	Pass     bool     `json:"pass"`
}

// LatencyReport is Latencies in milliseconds.
type LatencyReport struct {
	P50 Millis `json:"p50_ms"`
	P99 Millis `json:"p99_ms"`
	Max Millis `json:"max_ms"`
}

func since(t0, t time.Time) *Millis {
	m := Millis(t.Sub(t0))
	return &m
}

// Analyse fills the report's figures from the traffic, relative to the
// fault time, and the Sentinel events.
func (r *Report) Analyse(samples []Sample, events []Event) {
	r.Counts = Count(samples)
	lat := Summarise(samples)
	r.Latency = LatencyReport{P50: Millis(lat.P50), P99: Millis(lat.P99), Max: Millis(lat.Max)}
	windows := Unavailability(samples, Write, r.StartedAt)
	r.WriteUnavailable = Millis(Span(windows))
	r.WriteStall = Millis(Stall(samples, Write, r.FaultAt))
	r.WriteWindows = nil
	for _, w := range windows {
		r.WriteWindows = append(r.WriteWindows, WindowReport{
			From: Millis(w.From.Sub(r.FaultAt)), To: Millis(w.To.Sub(r.FaultAt)), Failed: w.Failed,
		})
	}
	var all []Sample
	for _, s := range samples {
		s.Kind = Write
		all = append(all, s)
	}
	r.FrontUnavailable = Millis(Span(Unavailability(all, Write, r.StartedAt)))
	SortEvents(events)
	r.Events = nil
	for _, e := range events {
		if !e.Time.Before(r.FaultAt.Add(-time.Second)) {
			r.Events = append(r.Events, e)
		}
	}
	if e, ok := First(events, "+sdown", "master", r.FaultAt); ok {
		r.SDown = since(r.FaultAt, e.Time)
	}
	if e, ok := First(events, "+odown", "master", r.FaultAt); ok {
		r.Detected = since(r.FaultAt, e.Time)
	}
	if e, ok := First(events, "+elected-leader", "master", r.FaultAt); ok {
		r.Elected = since(r.FaultAt, e.Time)
	}
	if e, ok := First(events, "+switch-master", "", r.FaultAt); ok {
		r.Promoted = since(r.FaultAt, e.Time)
	}
	r.Failovers = Switches(events, r.FaultAt)
}
