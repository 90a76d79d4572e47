package drill

import (
	"context"
	"strings"
	"time"

	"github.com/hactl/hactl/cli/internal/ui"
)

// webScenario keeps a web app down until HAProxy marks it DOWN, heals it
// and times how long HAProxy takes to mark it UP again.
func (d *Drill) webScenario(ctx context.Context, f *Fault) error {
	h := d.Probe.Topology.HAProxy
	b := &BackendTimes{
		ExpectedDown: Millis(time.Duration(h.CheckFall) * h.CheckInter),
		ExpectedUp:   Millis(time.Duration(h.CheckRise) * h.CheckInter),
	}
	d.report.Backend = b
	limit := 3*time.Duration(b.ExpectedDown) + 10*time.Second
	state, at, err := d.waitBackend(ctx, f.Service, false, f.At.Add(limit))
	if err != nil {
		return err
	}
	if at.IsZero() {
		d.report.Problems = append(d.report.Problems, "HAProxy never marked "+f.Service+" DOWN")
	} else {
		b.MarkedDown, b.DownState = since(f.At, at), state
		ui.From(ctx).Infof("HAProxy marked %s %s after %.1fs", f.Service, state, time.Since(f.At).Seconds())
	}
	d.report.Recovered = true
	healAt := time.Now()
	if err := Heal(ctx, d.Engine, f); err != nil {
		return err
	}
	_, at, err = d.waitBackend(ctx, f.Service, true, healAt.Add(3*time.Duration(b.ExpectedUp)+d.Options.HealTimeout))
	if err != nil {
		return err
	}
	if at.IsZero() {
		d.report.Problems = append(d.report.Problems, "HAProxy never marked "+f.Service+" UP again")
	} else {
		b.MarkedUp = since(healAt, at)
		ui.From(ctx).Infof("HAProxy marked %s UP %.1fs after the restart", f.Service, at.Sub(healAt).Seconds())
	}
	if err := d.waitHealthy(ctx, d.Options.HealTimeout); err != nil {
		return err
	}
	d.report.Healed = true
	d.report.HealedIn = since(healAt, time.Now())
	return nil
}

// waitBackend polls HAProxy's statistics until the server is UP (up true)
// or DOWN/MAINT (up false), and returns the state and when it was seen.
func (d *Drill) waitBackend(ctx context.Context, server string, up bool, deadline time.Time) (string, time.Time, error) {
	for time.Now().Before(deadline) {
		backends, err := d.Probe.Backends(ctx)
		if err == nil {
			for _, s := range backends {
				if s.Server != server {
					continue
				}
				switch {
				case up && s.Status == "UP":
					return s.Status, time.Now(), nil
				case !up && (strings.HasPrefix(s.Status, "DOWN") || strings.HasPrefix(s.Status, "MAINT")):
					state := "DOWN"
					if strings.HasPrefix(s.Status, "MAINT") {
						state = "MAINT"
					}
					return state, time.Now(), nil
				}
			}
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return "", time.Time{}, err
		}
	}
	return "", time.Time{}, nil
}
