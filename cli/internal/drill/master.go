package drill

import (
	"context"
	"fmt"
	"time"

	"github.com/hactl/hactl/cli/internal/ui"
)

// masterScenario waits until the Sentinels name a new master and a write
// through HAProxy succeeds again, lets traffic settle, then heals the old
// master and waits until it rejoins as a replica.
func (d *Drill) masterScenario(ctx context.Context, f *Fault) error {
	r := d.report
	old := r.Before.Master
	deadline := f.At.Add(d.Options.RecoveryTimeout)
	var newMaster string
	for newMaster == "" || !d.writesBack(newMaster) {
		if time.Now().After(deadline) {
			break
		}
		if newMaster == "" {
			if m, err := d.Probe.CurrentMaster(ctx); err == nil && m != old {
				newMaster = m
				ui.From(ctx).Infof("sentinels promoted %s %.2fs after the fault", m, time.Since(f.At).Seconds())
			}
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
	if newMaster != "" && d.writesBack(newMaster) {
		r.Recovered = true
		r.RecoveredIn = since(f.At, time.Now())
		ui.From(ctx).Infof("writes through HAProxy succeed again %.2fs after the fault", time.Since(f.At).Seconds())
	}
	if err := sleep(ctx, d.Options.Settle); err != nil {
		return err
	}
	if err := d.heal(ctx, f); err != nil {
		return err
	}
	rep, err := d.Probe.Replication(ctx, old)
	if err != nil {
		return fmt.Errorf("read %s after healing: %w", old, err)
	}
	if newMaster != "" && (rep.Role != "slave" || rep.MasterHost != newMaster || !rep.LinkUp) {
		return fmt.Errorf("%s did not rejoin as a replica of %s (role %s, master %s, link up %v)",
			old, newMaster, rep.Role, rep.MasterHost, rep.LinkUp)
	}
	return nil
}

// writesBack says whether a write that started after the fault has been
// acknowledged with no failed write after it.
func (d *Drill) writesBack(newMaster string) bool {
	if newMaster == "" {
		return false
	}
	samples := d.traffic.Samples()
	var lastFail, lastOK time.Time
	for _, s := range samples {
		if s.Kind != Write || s.Start.Before(d.report.FaultAt) {
			continue
		}
		if s.OK && s.Start.After(lastOK) {
			lastOK = s.Start
		}
		if !s.OK && s.Start.After(lastFail) {
			lastFail = s.Start
		}
	}
	return !lastOK.IsZero() && lastOK.After(lastFail)
}
