package drill

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/hactl/hactl/cli/internal/engine"
	"github.com/hactl/hactl/cli/internal/probe"
	"github.com/hactl/hactl/cli/internal/ui"
)

// Targets that name a role rather than a service.
const (
	TargetMaster   = "redis-master"
	TargetReplica  = "redis-replica"
	TargetSentinel = "sentinel"
	TargetHAProxy  = "haproxy"
)

// Engine is what a drill needs from the runtime.
type Engine interface {
	Faulter
	Logs(ctx context.Context, nameOrID string, opts engine.LogOptions, w io.Writer) error
}

// HealthChecker checks one service's readiness once.
type HealthChecker interface {
	Check(ctx context.Context, service string) error
}

// Options tune a drill.
type Options struct {
	Target          string
	Mode            Mode
	Rate            int           // requests per second through HAProxy
	Warmup          time.Duration // traffic before the fault
	Hold            time.Duration // how long the fault lasts when nothing else decides
	RecoveryTimeout time.Duration // the deadline for the stack to serve writes again
	HealTimeout     time.Duration // the deadline for the healed stack to reconverge
	Settle          time.Duration // traffic after recovery and after healing
	Services        []string      // every service of the stack, for health checks
}

func (o *Options) defaults() {
	if o.Rate <= 0 {
		o.Rate = 200
	}
	if o.Warmup <= 0 {
		o.Warmup = 2 * time.Second
	}
	if o.Hold <= 0 {
		o.Hold = 5 * time.Second
	}
	if o.RecoveryTimeout <= 0 {
		o.RecoveryTimeout = 60 * time.Second
	}
	if o.HealTimeout <= 0 {
		o.HealTimeout = 60 * time.Second
	}
	if o.Settle <= 0 {
		o.Settle = 2 * time.Second
	}
}

// Drill runs one failover drill.
type Drill struct {
	Engine  Engine
	Probe   *probe.Prober
	Health  HealthChecker
	Options Options

	report  *Report
	traffic *Traffic
}

// Run checks the stack is healthy, starts traffic, injects the fault, waits
// for recovery, heals, reads back every acknowledged write and reports.
// The error is for a drill that could not run; a drill that ran and failed
// its checks returns a report with Pass false.
func (d *Drill) Run(ctx context.Context) (*Report, error) {
	d.Options.defaults()
	o := d.Options
	t := d.Probe.Topology
	r := &Report{Project: t.Project, Target: o.Target, Mode: o.Mode, Durable: t.Web.DurableReplicas > 0, Rate: o.Rate}
	d.report = r
	if err := d.precheck(ctx); err != nil {
		return nil, err
	}
	before, err := d.topo(ctx)
	if err != nil {
		return nil, err
	}
	r.Before = before
	service, err := d.pick(before)
	if err != nil {
		return nil, err
	}
	r.Service = service

	runID := token()
	d.traffic = &Traffic{
		BaseURL: d.Probe.BaseURL(),
		Rate:    o.Rate,
		RunID:   runID,
		Max:     o.Warmup + o.RecoveryTimeout + o.HealTimeout + 3*o.Settle + o.Hold + 2*time.Minute,
	}
	tctx, stopTraffic := context.WithCancel(context.WithoutCancel(ctx))
	trafficDone := make(chan struct{})
	r.StartedAt = time.Now()
	go func() { d.traffic.Run(tctx); close(trafficDone) }()
	stop := func() { stopTraffic(); <-trafficDone }
	defer stop()

	ui.From(ctx).Infof("traffic: %d requests/s through %s (run %s)", o.Rate, d.Probe.BaseURL(), runID)
	if err := sleep(ctx, o.Warmup); err != nil {
		return nil, err
	}
	fault, err := Inject(ctx, d.Engine, o.Mode, service, d.Probe.Container(service))
	if err != nil {
		return nil, err
	}
	r.FaultAt = fault.At
	ui.From(ctx).Infof("%s: %s at %s", service, o.Mode, fault.At.Format("15:04:05.000"))

	healErr := d.scenario(ctx, fault)
	if errors.Is(healErr, context.Canceled) {
		// Leave the stack whole even when the user gives up on the drill.
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		_ = Heal(hctx, d.Engine, fault)
		cancel()
		return nil, healErr
	}
	if healErr != nil {
		r.Problems = append(r.Problems, healErr.Error())
	}
	_ = sleep(ctx, o.Settle)
	stop()

	samples := d.traffic.Samples()
	r.Skipped = d.traffic.Skipped()
	r.Analyse(samples, d.events(ctx, r.FaultAt.Add(-2*time.Second)))
	d.readBack(ctx, samples)
	d.finish(ctx)
	return r, nil
}

// scenario injects nothing itself: it waits, heals and checks according to
// the target.
func (d *Drill) scenario(ctx context.Context, f *Fault) error {
	switch {
	case d.Options.Target == TargetMaster:
		return d.masterScenario(ctx, f)
	case d.Options.Target == TargetHAProxy:
		return d.holdAndHeal(ctx, f, 0)
	case d.isWebApp(d.Options.Target):
		return d.webScenario(ctx, f)
	default:
		return d.holdAndHeal(ctx, f, d.Options.Hold)
	}
}

func (d *Drill) precheck(ctx context.Context) error {
	var bad []string
	for _, svc := range d.Options.Services {
		if err := d.Health.Check(ctx, svc); err != nil {
			bad = append(bad, svc+": "+err.Error())
		}
	}
	if _, err := d.Probe.CurrentMasterUnanimous(ctx); err != nil {
		bad = append(bad, "sentinels: "+err.Error())
	}
	if len(bad) > 0 {
		return fmt.Errorf("the stack is not healthy before the drill (run hactl verify): %s", strings.Join(bad, "; "))
	}
	return nil
}

// topo reads who is master, through the Sentinels, and who replicates.
func (d *Drill) topo(ctx context.Context) (Topo, error) {
	master, err := d.Probe.CurrentMaster(ctx)
	if err != nil {
		return Topo{}, err
	}
	tp := Topo{Master: master}
	for _, n := range d.Probe.Topology.Redis.Nodes() {
		if n.Name != master {
			tp.Replicas = append(tp.Replicas, n.Name)
		}
	}
	return tp, nil
}

// pick turns the target into the service to break.
func (d *Drill) pick(before Topo) (string, error) {
	t := d.Probe.Topology
	switch target := d.Options.Target; {
	case target == TargetMaster:
		return before.Master, nil
	case target == TargetReplica:
		return before.Replicas[0], nil
	case target == TargetSentinel:
		return t.Redis.SentinelNames()[0], nil
	case target == TargetHAProxy:
		return t.HAProxy.Name, nil
	case d.isWebApp(target):
		return target, nil
	}
	return "", fmt.Errorf("unknown drill target %q", d.Options.Target)
}

func (d *Drill) isWebApp(name string) bool {
	for _, a := range d.Probe.Topology.Web.Apps {
		if a.Name == name {
			return true
		}
	}
	return false
}

// wantFailovers is how many master switches the drill should cause.
func (d *Drill) wantFailovers() int {
	if d.Options.Target == TargetMaster {
		return 1
	}
	return 0
}

// Targets lists what a topology can drill.
func Targets(apps []string) []string {
	return append([]string{TargetMaster, TargetReplica, TargetSentinel, TargetHAProxy}, apps...)
}

// holdAndHeal keeps the fault for hold, heals it and waits until the stack
// reconverges.
func (d *Drill) holdAndHeal(ctx context.Context, f *Fault, hold time.Duration) error {
	if err := sleep(ctx, hold); err != nil {
		return err
	}
	d.report.Recovered = true
	return d.heal(ctx, f)
}

func (d *Drill) heal(ctx context.Context, f *Fault) error {
	start := time.Now()
	ui.From(ctx).Infof("%s: healing (%s)", f.Service, healVerb(f.Mode))
	if err := Heal(ctx, d.Engine, f); err != nil {
		return err
	}
	err := d.waitHealthy(ctx, d.Options.HealTimeout)
	if err == nil {
		d.report.Healed = true
		d.report.HealedIn = since(start, time.Now())
		ui.From(ctx).Infof("%s: stack healthy again %.1fs after the heal", f.Service, time.Since(start).Seconds())
	}
	return err
}

func healVerb(m Mode) string {
	switch m {
	case Pause:
		return "unpause"
	case Disconnect:
		return "reconnect"
	}
	return "restart"
}

// waitHealthy polls every service's health and the Sentinels' agreement.
func (d *Drill) waitHealthy(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var last error
	for {
		last = d.healthy(ctx)
		if last == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the stack did not reconverge within %s: %w", timeout, last)
		}
		if err := sleep(ctx, time.Second); err != nil {
			return err
		}
	}
}

func (d *Drill) healthy(ctx context.Context) error {
	for _, svc := range d.Options.Services {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := d.Health.Check(cctx, svc)
		cancel()
		if err != nil {
			return fmt.Errorf("%s: %w", svc, err)
		}
	}
	_, err := d.Probe.CurrentMasterUnanimous(ctx)
	return err
}

// events reads every Sentinel's log since from.
func (d *Drill) events(ctx context.Context, from time.Time) []Event {
	var all []Event
	for _, s := range d.Probe.Topology.Redis.SentinelNames() {
		var buf strings.Builder
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		err := d.Engine.Logs(lctx, d.Probe.Container(s), engine.LogOptions{Since: from, Timestamps: true}, &buf)
		cancel()
		if err != nil {
			d.report.Problems = append(d.report.Problems, "read events of "+s+": "+err.Error())
			continue
		}
		all = append(all, ParseEvents(s, buf.String())...)
	}
	return all
}

// finish reads the final topology, counts masters and decides.
func (d *Drill) finish(ctx context.Context) {
	r := d.report
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	for _, n := range d.Probe.Topology.Redis.Nodes() {
		rep, err := d.Probe.Replication(fctx, n.Name)
		if err == nil && rep.Role == "master" {
			r.MastersAtEnd = append(r.MastersAtEnd, n.Name)
		}
	}
	sort.Strings(r.MastersAtEnd)
	if after, err := d.topo(fctx); err == nil {
		r.After = after
	} else {
		r.Problems = append(r.Problems, "read the topology after the drill: "+err.Error())
	}
	if !r.Recovered {
		r.Problems = append(r.Problems, fmt.Sprintf("writes did not recover within %s", d.Options.RecoveryTimeout))
	}
	if len(r.MastersAtEnd) != 1 {
		r.Problems = append(r.Problems, fmt.Sprintf("%d masters at the end (%s), want exactly one",
			len(r.MastersAtEnd), strings.Join(r.MastersAtEnd, ", ")))
	}
	if r.Lost > 0 && r.Durable {
		r.Problems = append(r.Problems, fmt.Sprintf("%d acknowledged writes lost with durability on", r.Lost))
	}
	if r.Unverified > 0 {
		r.Problems = append(r.Problems, fmt.Sprintf("%d acknowledged writes could not be read back", r.Unverified))
	}
	if !r.Healed {
		r.Problems = append(r.Problems, "the stack did not reconverge after healing")
	}
	if d.Options.Target == TargetMaster && r.Recovered && r.After.Master == r.Before.Master {
		r.Problems = append(r.Problems, "the master did not change")
	}
	switch want := d.wantFailovers(); {
	case r.Failovers > want:
		r.Problems = append(r.Problems, fmt.Sprintf("%d failovers for one fault, want %d: a false failover followed", r.Failovers, want))
	case r.Failovers < want && r.Recovered:
		r.Problems = append(r.Problems, "the Sentinels logged no +switch-master")
	}
	if d.isWebApp(d.Options.Target) && r.Counts.Failed > 0 {
		r.Problems = append(r.Problems, fmt.Sprintf("%d client requests failed while a web app was down", r.Counts.Failed))
	}
	if r.Problems == nil {
		r.Problems = []string{}
	}
	r.Pass = len(r.Problems) == 0
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func token() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
