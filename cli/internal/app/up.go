package app

import (
	"errors"
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/hactl/hactl/cli/internal/desired"
	"github.com/hactl/hactl/cli/internal/probe"
	"github.com/hactl/hactl/cli/internal/ready"
	"github.com/hactl/hactl/cli/internal/stack"
)

func upCommand() *cli.Command {
	return &cli.Command{
		Name:      "up",
		Usage:     "create and start the stack, waiting until every service is really ready",
		ArgsUsage: " ",
		Description: `Builds missing images, creates the networks, volumes and containers, starts
them in dependency order and waits for each one: Redis answers and every
replica's link is up, the Sentinels agree on the master and see its replicas
and each other, the web apps pass their health checks, and HAProxy reports
every backend UP. Running up again changes nothing unless the topology did;
then only the changed services are recreated. A failed or cancelled up
removes what it created, unless --keep-on-failure.`,
		Flags: []cli.Flag{
			fileFlag,
			&cli.BoolFlag{Name: "keep-on-failure", Usage: "leave what a failed up created, to debug it"},
			&cli.DurationFlag{Name: "timeout", Value: time.Minute, Usage: "how long each service may take to become ready"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("up takes no arguments, got %q", c.Args().First())
			}
			t, out, sec, err := desiredWithSecrets(c)
			if err != nil {
				return err
			}
			want, err := desired.FromOutput(out)
			if err != nil {
				return err
			}
			e, err := openEngine(c.Context)
			if err != nil {
				return err
			}
			defer e.Close()
			waiter := &ready.Waiter{
				Probe:   probe.New(e, t, sec),
				Logs:    ready.LastLogs(e),
				Timeout: c.Duration("timeout"),
				Roles:   t.Roles(),
			}
			res, err := stack.Up(c.Context, e, want, stack.UpOptions{
				KeepOnFailure: c.Bool("keep-on-failure"),
				Images:        newImageBuilder(e),
				Waiter:        waiter,
			})
			if err != nil {
				var nr *ready.NotReadyError
				if errors.As(err, &nr) && nr.Logs != "" {
					fmt.Fprintf(c.App.ErrWriter, "last log lines of %s:\n%s\n", nr.Service, indent(nr.Logs))
				}
				return err
			}
			w := c.App.Writer
			if res.Plan.Empty() {
				fmt.Fprintf(w, "stack %s is up to date: %d services running, nothing to do\n", t.Project, len(res.Plan.Unchanged))
				return nil
			}
			started := 0
			for _, st := range res.Plan.Stages {
				started += len(st.Await)
			}
			fmt.Fprintf(w, "stack %s is up in %.1fs: %d services started, %d unchanged\n",
				t.Project, res.Elapsed.Seconds(), started, len(res.Plan.Unchanged))
			fmt.Fprintf(w, "  web:   %s/set?key=K&value=V  and  /get?key=K\n", waiter.Probe.BaseURL())
			fmt.Fprintf(w, "  stats: %s%s  (credentials: hactl secrets)\n", waiter.Probe.BaseURL(), t.HAProxy.StatsURI)
			return nil
		},
	}
}
