// Package app wires hactl's commands: each command maps its flags to options
// and calls one function of a lower package.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/urfave/cli/v2"

	"github.com/hactl/hactl/cli/internal/topology"
	"github.com/hactl/hactl/cli/internal/ui"
	"github.com/hactl/hactl/cli/internal/version"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
)

// UsageError is bad input from the user: a bad flag, a bad topology file,
// an unknown service. It exits with code 2.
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }
func (e UsageError) Unwrap() error { return e.Err }

func usagef(format string, args ...any) error {
	return UsageError{Err: fmt.Errorf(format, args...)}
}

// ExitError ends the command with a code and no message of its own: the
// command already reported what happened (a failed check, say).
type ExitError struct{ Code int }

func (e ExitError) Error() string { return fmt.Sprintf("exit code %d", e.Code) }

func init() {
	// -v means --verbose; the version has only its long flag.
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Usage: "print the version"}
}

// New builds the command-line application.
func New(stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:    "hactl",
		Usage:   "bring up a high-availability web stack on one Docker host, prove it works, break it and measure what survives",
		Version: version.Version,
		Description: `hactl turns a small topology file (hactl.yaml) into a running stack:
HAProxy on 127.0.0.1:6301 in front of two web apps, over a Redis master with
two replicas watched by three Sentinels. Every image is built locally; nothing
is pulled. Without -f, hactl reads ./hactl.yaml if it exists, else uses the
built-in defaults (the write-up's stack).`,
		Writer:               stdout,
		ErrWriter:            stderr,
		HideHelpCommand:      true,
		EnableBashCompletion: true,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "show the whole error chain and every step"},
			&cli.StringFlag{Name: "progress", Value: string(ui.ModeAuto), Usage: "progress output: auto, tty, plain, json or quiet", EnvVars: []string{"HACTL_PROGRESS"}},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print only errors and results (same as --progress quiet)"},
		},
		Before:   before,
		After:    after,
		Commands: commands(),
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return UsageError{Err: err}
		},
		ExitErrHandler: func(*cli.Context, error) {},
	}
}

func commands() []*cli.Command {
	cmds := []*cli.Command{
		upCommand(),
		statusCommand(),
		verifyCommand(),
		logsCommand(),
		failoverCommand(),
		downCommand(),
		renderCommand(),
		configCommand(),
		secretsCommand(),
		imagesCommand(),
	}
	for _, c := range cmds {
		c.OnUsageError = func(_ *cli.Context, err error, _ bool) error {
			return UsageError{Err: err}
		}
	}
	return cmds
}

func before(c *cli.Context) error {
	mode, err := ui.ParseMode(c.String("progress"))
	if err != nil {
		return UsageError{Err: err}
	}
	if c.Bool("quiet") {
		mode = ui.ModeQuiet
	}
	p := ui.New(mode, c.App.ErrWriter)
	c.Context = ui.With(c.Context, p)
	c.App.Writer = &resultWriter{w: c.App.Writer, finish: p.Close}
	return nil
}

// resultWriter ends the progress output before the first result is
// written, so that a redrawn progress block never covers results.
type resultWriter struct {
	w      io.Writer
	finish func()
	once   sync.Once
}

func (r *resultWriter) Write(p []byte) (int, error) {
	r.once.Do(r.finish)
	return r.w.Write(p)
}

func after(c *cli.Context) error {
	ui.From(c.Context).Close()
	return nil
}

// Run runs hactl with args and returns the process exit code. It never
// calls os.Exit.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	a := New(stdout, stderr)
	err := a.RunContext(ctx, args)
	if err == nil {
		return ExitOK
	}
	verbose := false
	for _, arg := range args[1:] {
		if arg == "-v" || arg == "--verbose" {
			verbose = true
		}
	}
	var exit ExitError
	if errors.As(err, &exit) {
		return exit.Code
	}
	if topic, ok := strings.CutPrefix(err.Error(), "No help topic for "); ok {
		err = usagef("unknown command %s; run hactl --help to list the commands", topic)
	}
	fmt.Fprintln(stderr, "hactl: "+oneLine(err))
	if verbose {
		var terr *topology.Error
		if errors.As(err, &terr) && len(terr.Problems) > 1 {
			fmt.Fprintln(stderr, terr.Detail())
		}
		for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
			fmt.Fprintf(stderr, "  caused by: %T: %s\n", e, oneLine(e))
		}
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		return 130
	}
	return exitCode(err)
}

func exitCode(err error) int {
	var usage UsageError
	var terr *topology.Error
	var cerr cli.ExitCoder
	switch {
	case errors.As(err, &usage), errors.As(err, &terr):
		return ExitUsage
	case errors.As(err, &cerr):
		return cerr.ExitCode()
	case strings.HasPrefix(err.Error(), "flag provided but not defined"),
		strings.HasPrefix(err.Error(), "Required flag"):
		return ExitUsage
	}
	return ExitFailure
}

func oneLine(err error) string {
	s := strings.TrimSpace(err.Error())
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
