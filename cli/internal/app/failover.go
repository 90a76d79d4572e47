package app

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/hactl/hactl/cli/internal/drill"
	"github.com/hactl/hactl/cli/internal/ready"
)

func failoverCommand() *cli.Command {
	return &cli.Command{
		Name:      "failover",
		Usage:     "break one part of the stack under live traffic and measure what survives",
		ArgsUsage: "TARGET",
		Description: `TARGET is redis-master (the current master, found through the Sentinels),
redis-replica, sentinel, haproxy, or a web app by name (web-app1).

A bounded generator sends writes of unique keys and reads through HAProxy
for the whole drill. hactl injects the fault, records the Sentinels' events,
waits until writes succeed again, heals the broken container, waits until
the stack reconverges, then reads back every acknowledged write.

Exit code 1 when the stack did not recover before the deadline, when two
masters exist at the end, or when an acknowledged write was lost while the
web apps' durability setting was on.`,
		Flags: []cli.Flag{
			fileFlag,
			&cli.StringFlag{Name: "mode", Value: string(drill.Kill), Usage: "kill (SIGKILL), stop (graceful), pause (frozen) or disconnect (partition)"},
			&cli.IntFlag{Name: "rate", Value: 200, Usage: "requests per second through HAProxy"},
			&cli.DurationFlag{Name: "hold", Value: 5 * time.Second, Usage: "how long a replica, Sentinel or HAProxy fault lasts before healing"},
			&cli.DurationFlag{Name: "deadline", Value: time.Minute, Usage: "how long the stack may take to serve writes again"},
			&cli.BoolFlag{Name: "json", Usage: "print the report as JSON"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("failover needs one TARGET: redis-master, redis-replica, sentinel, haproxy or a web app")
			}
			mode, err := drill.ParseMode(c.String("mode"))
			if err != nil {
				return UsageError{Err: err}
			}
			if c.Int("rate") < 1 || c.Int("rate") > 5000 {
				return usagef("--rate must be between 1 and 5000 requests per second, got %d", c.Int("rate"))
			}
			env, err := openStack(c)
			if err != nil {
				return err
			}
			defer env.e.Close()
			t := env.t
			var apps []string
			for _, a := range t.Web.Apps {
				apps = append(apps, a.Name)
			}
			target := c.Args().First()
			if !slices.Contains(drill.Targets(apps), target) {
				return usagef("unknown failover target %q; choose one of: %s", target, strings.Join(drill.Targets(apps), ", "))
			}
			if target == drill.TargetHAProxy && mode == drill.Disconnect {
				return usagef("--mode disconnect does not apply to haproxy: its port is published on the host")
			}
			d := &drill.Drill{
				Engine: env.e,
				Probe:  env.probe,
				Health: &ready.Waiter{Probe: env.probe, Roles: t.Roles()},
				Options: drill.Options{
					Target: target, Mode: mode, Rate: c.Int("rate"), Hold: c.Duration("hold"),
					RecoveryTimeout: c.Duration("deadline"), Services: t.ServiceNames(),
				},
			}
			report, err := d.Run(c.Context)
			if err != nil {
				return err
			}
			if c.Bool("json") {
				data, _ := json.MarshalIndent(report, "", "  ")
				fmt.Fprintln(c.App.Writer, string(data))
			} else if err := report.Write(c.App.Writer); err != nil {
				return err
			}
			if !report.Pass {
				return ExitError{Code: ExitFailure}
			}
			return nil
		},
	}
}
