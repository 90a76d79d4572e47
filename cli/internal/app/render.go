package app

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/hactl/hactl/cli/internal/render"
)

func renderCommand() *cli.Command {
	return &cli.Command{
		Name:      "render",
		Usage:     "write every config file and compose.yaml to a directory",
		ArgsUsage: " ",
		Description: `Writes compose.yaml, .env, each service's config (redis.conf,
sentinel.conf, haproxy.cfg) and the stack's secrets under --out. Files that
hold credentials are readable by their owner only. The directory works with
"docker compose up -d" as well as "docker-compose up -d".`,
		Flags: []cli.Flag{
			fileFlag,
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "output `DIR` (required)"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("render takes no arguments, got %q", c.Args().First())
			}
			dir := c.String("out")
			if dir == "" {
				return usagef("render needs --out DIR: where to write the files")
			}
			_, out, err := renderStack(c)
			if err != nil {
				return err
			}
			if err := render.WriteDir(dir, out); err != nil {
				return err
			}
			fmt.Fprintf(c.App.Writer, "wrote %d files to %s\n", len(out.Files), dir)
			return nil
		},
	}
}
