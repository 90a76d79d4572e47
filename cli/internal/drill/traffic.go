// Package drill breaks a running stack on purpose under live traffic and
// measures what survives: detection and promotion times, the window during
// which writes failed, and every acknowledged write that was lost.
package drill

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Kind is what a request did.
type Kind uint8

const (
	Write Kind = iota
	Read
)

func (k Kind) String() string {
	if k == Write {
		return "write"
	}
	return "read"
}

// Sample is one request's outcome.
type Sample struct {
	Seq     int
	Kind    Kind
	Key     string
	Start   time.Time
	Latency time.Duration
	Status  int    // 0 when no answer came
	Err     string // transport error, if any
	OK      bool   // a write acknowledged, or a read that returned its value
}

// End is when the answer (or the error) came.
func (s Sample) End() time.Time { return s.Start.Add(s.Latency) }

// Traffic generates a bounded mix of writes and reads at a fixed rate.
type Traffic struct {
	BaseURL  string
	Rate     int           // requests per second
	Max      time.Duration // the generator stops by itself after this long
	Timeout  time.Duration // per request
	RunID    string        // keys are drill:<RunID>:<seq>
	InFlight int           // most requests in flight at once

	client  *http.Client
	seq     atomic.Int64
	mu      sync.Mutex
	samples []Sample
	acked   []string // keys of acknowledged writes, for reads to pick from
	skipped atomic.Int64
}

// KeyPrefix starts every key of a drill run.
func KeyPrefix(runID string) string { return "drill:" + runID + ":" }

func (t *Traffic) defaults() {
	if t.Rate <= 0 {
		t.Rate = 200
	}
	if t.Max <= 0 {
		t.Max = 2 * time.Minute
	}
	if t.Timeout <= 0 {
		t.Timeout = 3 * time.Second
	}
	if t.InFlight <= 0 {
		t.InFlight = 4 * t.Rate
	}
	t.client = &http.Client{
		Timeout: t.Timeout,
		Transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: time.Second}).DialContext,
			MaxIdleConns:        t.InFlight,
			MaxIdleConnsPerHost: t.InFlight,
			IdleConnTimeout:     30 * time.Second,
		},
	}
}

// Run sends requests until ctx ends or Max passes, then waits for those in
// flight. Every request's outcome is kept.
func (t *Traffic) Run(ctx context.Context) {
	t.defaults()
	ctx, cancel := context.WithTimeout(ctx, t.Max)
	defer cancel()
	slots := make(chan struct{}, t.InFlight)
	var wg sync.WaitGroup
	interval := time.Second / time.Duration(t.Rate)
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			wg.Wait()
			t.client.CloseIdleConnections()
			return
		case <-ticker.C:
		}
		select {
		case slots <- struct{}{}:
		default:
			t.skipped.Add(1)
			continue
		}
		wg.Add(1)
		kind := Write
		if n%2 == 1 {
			kind = Read
		}
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			t.one(kind)
		}()
	}
}

func (t *Traffic) one(kind Kind) {
	seq := int(t.seq.Add(1))
	s := Sample{Seq: seq, Kind: kind}
	var path, want string
	if kind == Write {
		s.Key = KeyPrefix(t.RunID) + strconv.Itoa(seq)
		value := strconv.Itoa(seq)
		path = "/set?key=" + url.QueryEscape(s.Key) + "&value=" + value
		want = fmt.Sprintf("OK. We have set %s to be %s", s.Key, value)
	} else {
		key, ok := t.pick(seq)
		if !ok {
			t.one(Write)
			return
		}
		s.Key = key
		path = "/get?key=" + url.QueryEscape(key)
		want = key[len(KeyPrefix(t.RunID)):]
	}
	s.Start = time.Now()
	// Requests carry no context: each one finishes or times out by itself,
	// so stopping the generator never turns a request in flight into a
	// failure.
	resp, err := t.client.Get(t.BaseURL + path)
	if err != nil {
		s.Latency = time.Since(s.Start)
		s.Err = err.Error()
		t.record(s)
		return
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
	resp.Body.Close()
	s.Latency = time.Since(s.Start)
	s.Status = resp.StatusCode
	if err != nil {
		s.Err = err.Error()
	}
	s.OK = err == nil && resp.StatusCode == http.StatusOK && string(body) == want
	t.record(s)
}

func (t *Traffic) pick(seq int) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.acked) == 0 {
		return "", false
	}
	// Mostly recent writes, so reads follow the write path closely.
	i := len(t.acked) - 1 - seq%min(len(t.acked), 50)
	return t.acked[i], true
}

func (t *Traffic) record(s Sample) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.samples = append(t.samples, s)
	if s.Kind == Write && s.OK {
		t.acked = append(t.acked, s.Key)
	}
}

// Samples returns every outcome so far, in completion order.
func (t *Traffic) Samples() []Sample {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]Sample(nil), t.samples...)
}

// Skipped counts ticks dropped because too many requests were in flight.
func (t *Traffic) Skipped() int { return int(t.skipped.Load()) }
