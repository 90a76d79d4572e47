package app

import (
	"github.com/urfave/cli/v2"

	"github.com/hactl/hactl/cli/internal/render"
)

func configCommand() *cli.Command {
	return &cli.Command{
		Name:      "config",
		Usage:     "print the stack as a compose project, like `docker compose config`",
		ArgsUsage: " ",
		Flags: []cli.Flag{
			fileFlag,
			&cli.StringFlag{Name: "format", Value: "yaml", Usage: "yaml or json"},
			&cli.BoolFlag{Name: "services", Usage: "print only the service names, one per line"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("config takes no arguments, got %q", c.Args().First())
			}
			_, out, err := renderStack(c)
			if err != nil {
				return err
			}
			w := c.App.Writer
			if c.Bool("services") {
				for _, name := range out.Project.ServiceNames() {
					if _, err := w.Write([]byte(name + "\n")); err != nil {
						return err
					}
				}
				return nil
			}
			var data []byte
			switch c.String("format") {
			case "yaml":
				data, _ = out.File(render.ComposeFile)
			case "json":
				if data, err = out.Project.MarshalJSON(); err != nil {
					return err
				}
				data = append(data, '\n')
			default:
				return usagef("--format must be yaml or json, got %q", c.String("format"))
			}
			_, err = w.Write(data)
			return err
		},
	}
}
