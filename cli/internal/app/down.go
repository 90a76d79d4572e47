package app

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/hactl/hactl/cli/internal/stack"
)

func downCommand() *cli.Command {
	return &cli.Command{
		Name:      "down",
		Usage:     "stop and remove the stack's containers and networks",
		ArgsUsage: " ",
		Description: `Finds the project's containers and networks by label and removes them.
Volumes (Redis data) stay unless --volumes; with --volumes the stack's
secrets go too. A project that does not exist is not an error.`,
		Flags: []cli.Flag{
			fileFlag,
			&cli.BoolFlag{Name: "volumes", Usage: "also remove the volumes and the stack's secrets"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("down takes no arguments, got %q", c.Args().First())
			}
			t, err := loadTopology(c)
			if err != nil {
				return err
			}
			e, err := openEngine(c.Context)
			if err != nil {
				return err
			}
			defer e.Close()
			res, err := stack.Down(c.Context, e, t.Project, stack.DownOptions{Volumes: c.Bool("volumes")})
			if err != nil {
				return err
			}
			if c.Bool("volumes") {
				store, err := secretStore()
				if err != nil {
					return err
				}
				if err := store.Remove(t.Project); err != nil {
					return err
				}
			}
			if res.Empty() {
				fmt.Fprintf(c.App.Writer, "project %s does not exist: nothing to remove\n", t.Project)
				return nil
			}
			fmt.Fprintf(c.App.Writer, "removed project %s: %d containers, %d networks, %d volumes\n",
				t.Project, res.Containers, res.Networks, res.Volumes)
			return nil
		},
	}
}
