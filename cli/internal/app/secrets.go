package app

import (
	"encoding/json"
	"fmt"

	"github.com/urfave/cli/v2"
)

func secretsCommand() *cli.Command {
	return &cli.Command{
		Name:      "secrets",
		Usage:     "print the stack's credentials (Redis, Sentinel, HAProxy stats)",
		ArgsUsage: " ",
		Description: `Secrets are generated per stack the first time a command needs them and kept
owner-only under $HACTL_HOME (default ~/.local/state/hactl). hactl never
prints them unless you run this command.`,
		Flags: []cli.Flag{
			fileFlag,
			&cli.BoolFlag{Name: "json", Usage: "print as JSON"},
		},
		Action: func(c *cli.Context) error {
			t, err := loadTopology(c)
			if err != nil {
				return err
			}
			store, err := secretStore()
			if err != nil {
				return err
			}
			sec, created, err := store.LoadOrCreate(t.Project)
			if err != nil {
				return err
			}
			w := c.App.Writer
			if c.Bool("json") {
				data, _ := json.MarshalIndent(sec, "", "  ")
				fmt.Fprintln(w, string(data))
				return nil
			}
			if created {
				fmt.Fprintf(c.App.ErrWriter, "generated new secrets for project %s\n", t.Project)
			}
			fmt.Fprintf(w, "redis password:     %s\n", sec.RedisPassword)
			fmt.Fprintf(w, "sentinel password:  %s\n", sec.SentinelPassword)
			fmt.Fprintf(w, "haproxy stats user: %s\n", sec.StatsUser)
			fmt.Fprintf(w, "haproxy stats pass: %s\n", sec.StatsPassword)
			return nil
		},
	}
}
