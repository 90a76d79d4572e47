package drill

import (
	"context"
	"fmt"
	"time"

	"github.com/hactl/hactl/cli/internal/ui"
)

// masterScenario waits until writes through HAProxy succeed again and the
// Sentinels name a new master, lets traffic settle, then heals the old
// master and waits until it rejoins as a replica.
//
// While the Sentinels fail over, the drill watches its own traffic rather
// than asking them: every question is a command run in a container, and a
// storm of them on a small machine is itself a fault.
func (d *Drill) masterScenario(ctx context.Context, f *Fault) error {
	r := d.report
	old := r.Before.Master
	deadline := f.At.Add(d.Options.RecoveryTimeout)
	var newMaster string
	for time.Now().Before(deadline) {
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return err
		}
		if !d.writesBack() {
			continue
		}
		backAt := time.Now()
		m, err := d.Probe.CurrentMaster(ctx)
		if err != nil || m == old {
			if err := sleep(ctx, 400*time.Millisecond); err != nil {
				return err
			}
			continue
		}
		newMaster = m
		r.Recovered = true
		r.RecoveredIn = since(f.At, backAt)
		ui.From(ctx).Infof("writes through HAProxy succeed again %.2fs after the fault; the Sentinels name %s",
			backAt.Sub(f.At).Seconds(), m)
		break
	}
	if err := sleep(ctx, d.Options.Settle); err != nil {
		return err
	}
	if err := d.heal(ctx, f); err != nil {
		return err
	}
	if newMaster == "" {
		return nil
	}
	rep, err := d.Probe.Replication(ctx, old)
	if err != nil {
		return fmt.Errorf("read %s after healing: %w", old, err)
	}
	if rep.Role != "slave" || !rep.LinkUp {
		return fmt.Errorf("%s did not rejoin as a replica (role %s, master %s, link up %v)", old, rep.Role, rep.MasterHost, rep.LinkUp)
	}
	return nil
}

// writesBack says whether a write that started after the fault has been
// acknowledged with no failed write after it.
func (d *Drill) writesBack() bool {
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
