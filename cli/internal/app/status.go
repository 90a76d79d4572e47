package app

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/hactl/hactl/cli/internal/stack"
)

func statusCommand() *cli.Command {
	return &cli.Command{
		Name:      "status",
		Aliases:   []string{"ps"},
		Usage:     "list the stack's containers with their live role, state, health and ports",
		ArgsUsage: " ",
		Flags: []cli.Flag{
			fileFlag,
			&cli.BoolFlag{Name: "json", Usage: "print as JSON"},
		},
		Action: func(c *cli.Context) error {
			env, err := openStack(c)
			if err != nil {
				return err
			}
			defer env.e.Close()
			t := env.t
			rows, err := stack.Status(c.Context, env.e, env.probe)
			if err != nil {
				return err
			}
			w := c.App.Writer
			if c.Bool("json") {
				data, _ := json.MarshalIndent(rows, "", "  ")
				fmt.Fprintln(w, string(data))
				return nil
			}
			if len(rows) == 0 {
				fmt.Fprintf(w, "project %s has no containers: run hactl up\n", t.Project)
				return nil
			}
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "SERVICE\tROLE\tSTATE\tHEALTH\tPORTS\tDETAIL")
			for _, r := range rows {
				health := r.Health
				if health == "" {
					health = "-"
				}
				ports := strings.Join(r.Ports, ",")
				if ports == "" {
					ports = "-"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Service, r.LiveRole, r.State, health, ports, r.Detail)
			}
			return tw.Flush()
		},
	}
}
