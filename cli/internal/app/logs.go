package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/urfave/cli/v2"

	"github.com/hactl/hactl/cli/internal/engine"
	"github.com/hactl/hactl/cli/internal/labels"
	"github.com/hactl/hactl/cli/internal/stack"
)

func logsCommand() *cli.Command {
	return &cli.Command{
		Name:      "logs",
		Usage:     "print the logs of the stack's services, each line prefixed with its service",
		ArgsUsage: "[SERVICE...]",
		Flags: []cli.Flag{
			// -f is follow here, as in docker logs; the file is --file.
			&cli.StringFlag{Name: fileFlag.Name, Usage: fileFlag.Usage, EnvVars: fileFlag.EnvVars},
			&cli.BoolFlag{Name: "follow", Aliases: []string{"f"}, Usage: "keep printing new lines until Ctrl-C"},
			&cli.IntFlag{Name: "tail", Value: 0, Usage: "print only the last `N` lines of each service (0: all)"},
			&cli.BoolFlag{Name: "timestamps", Aliases: []string{"t"}, Usage: "prefix each line with its time"},
		},
		Action: func(c *cli.Context) error {
			t, err := loadTopology(c)
			if err != nil {
				return err
			}
			if c.Int("tail") < 0 {
				return usagef("--tail must be 0 or more, got %d", c.Int("tail"))
			}
			e, err := openEngine(c.Context)
			if err != nil {
				return err
			}
			defer e.Close()
			have, err := stack.Observe(c.Context, e, t.Project)
			if err != nil {
				return err
			}
			byService := map[string]string{}
			for _, ct := range have.Containers {
				byService[ct.Labels[labels.Service]] = ct.Name
			}
			services := c.Args().Slice()
			if len(services) == 0 {
				for s := range byService {
					services = append(services, s)
				}
				sort.Strings(services)
			}
			if len(byService) == 0 {
				fmt.Fprintf(c.App.ErrWriter, "project %s has no containers\n", t.Project)
				return nil
			}
			width := 0
			for _, s := range services {
				if _, ok := byService[s]; !ok {
					known := make([]string, 0, len(byService))
					for k := range byService {
						known = append(known, k)
					}
					sort.Strings(known)
					return usagef("unknown service %q; the services of project %s are: %s", s, t.Project, strings.Join(known, ", "))
				}
				width = max(width, len(s))
			}
			opts := engine.LogOptions{Follow: c.Bool("follow"), Tail: c.Int("tail"), Timestamps: c.Bool("timestamps")}
			out := &syncWriter{w: c.App.Writer}
			var wg sync.WaitGroup
			errs := make([]error, len(services))
			for i, s := range services {
				wg.Add(1)
				go func() {
					defer wg.Done()
					pw := &prefixWriter{out: out, prefix: fmt.Sprintf("%-*s | ", width, s)}
					err := e.Logs(c.Context, byService[s], opts, pw)
					pw.Flush()
					if err != nil && !errors.Is(err, context.Canceled) {
						errs[i] = err
					}
				}()
			}
			wg.Wait()
			return errors.Join(errs...)
		},
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// prefixWriter writes whole lines, each with a prefix.
type prefixWriter struct {
	out    io.Writer
	prefix string
	buf    bytes.Buffer
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.buf.Write(b)
	for {
		line, err := p.buf.ReadBytes('\n')
		if err != nil {
			p.buf.Write(line)
			return len(b), nil
		}
		if _, err := p.out.Write(append([]byte(p.prefix), line...)); err != nil {
			return 0, err
		}
	}
}

// Flush writes a last line that has no newline.
func (p *prefixWriter) Flush() {
	if p.buf.Len() > 0 {
		p.out.Write(append([]byte(p.prefix), append(p.buf.Bytes(), '\n')...))
		p.buf.Reset()
	}
}
