package app

import (
	"encoding/json"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/hactl/hactl/cli/internal/verify"
)

func verifyCommand() *cli.Command {
	return &cli.Command{
		Name:      "verify",
		Usage:     "run the end-to-end checks: writes and reads through each app and HAProxy, replication, Sentinels, backends",
		ArgsUsage: " ",
		Description: `Each check prints one line with ✓ or ✗ and how long it took. The exit code is
1 when any check fails.`,
		Flags: []cli.Flag{
			fileFlag,
			&cli.BoolFlag{Name: "json", Usage: "print the report as JSON"},
		},
		Action: func(c *cli.Context) error {
			env, err := openStack(c)
			if err != nil {
				return err
			}
			defer env.e.Close()
			w := c.App.Writer
			asJSON := c.Bool("json")
			opts := verify.Options{}
			if !asJSON {
				opts.Each = func(r verify.Result) { fmt.Fprintln(w, FormatCheck(r)) }
			}
			report := verify.Run(c.Context, env.probe, opts)
			if asJSON {
				data, _ := json.MarshalIndent(report, "", "  ")
				fmt.Fprintln(w, string(data))
			} else {
				fmt.Fprintf(w, "%d/%d checks passed\n", report.Passed(), len(report.Checks))
			}
			if !report.OK() {
				return ExitError{Code: ExitFailure}
			}
			return nil
		},
	}
}

// FormatCheck prints one check as a line.
func FormatCheck(r verify.Result) string {
	mark := "✓"
	if !r.OK {
		mark = "✗"
	}
	return fmt.Sprintf("%s %-55s %8.1fms  %s", mark, r.Name, r.Millis, r.Detail)
}
