// Package ui is how hactl talks to the user while it works: progress events
// per service in plain, tty, json or quiet form. The printer is chosen once
// and travels in the context.
package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"
)

// Mode is how progress is shown.
type Mode string

const (
	ModeAuto  Mode = "auto"
	ModeTTY   Mode = "tty"
	ModePlain Mode = "plain"
	ModeJSON  Mode = "json"
	ModeQuiet Mode = "quiet"
)

// ParseMode reads a --progress value.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case ModeAuto, ModeTTY, ModePlain, ModeJSON, ModeQuiet:
		return m, nil
	}
	return "", fmt.Errorf("--progress must be auto, tty, plain, json or quiet, got %q", s)
}

// Status of one step of work on one object.
type Status string

const (
	Working Status = "working"
	Done    Status = "done"
	Failed  Status = "failed"
	Skipped Status = "skipped"
	Note    Status = "note"
)

// Event is one progress report.
type Event struct {
	Time    time.Time `json:"time"`
	Object  string    `json:"object"` // a service, network, volume or image
	Status  Status    `json:"status"`
	Text    string    `json:"text"`
	Elapsed string    `json:"elapsed,omitempty"`
}

// Printer shows progress.
type Printer interface {
	Event(e Event)
	// Infof prints a line of information (not in quiet mode).
	Infof(format string, args ...any)
	// Warnf prints a warning, in every mode.
	Warnf(format string, args ...any)
	// Close finishes the progress output; call it before printing results
	// to stdout. Closing twice is harmless.
	Close()
}

// New makes the printer for mode, writing progress to w (normally stderr).
func New(mode Mode, w io.Writer) Printer {
	if mode == ModeAuto {
		mode = ModePlain
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			mode = ModeTTY
		}
	}
	start := time.Now()
	switch mode {
	case ModeJSON:
		return &jsonPrinter{w: w, start: start}
	case ModeQuiet:
		return &plainPrinter{w: w, start: start, quiet: true}
	case ModeTTY:
		return newTTYPrinter(w, start)
	}
	return &plainPrinter{w: w, start: start}
}

type ctxKey struct{}

// With stores the printer in the context.
func With(ctx context.Context, p Printer) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// From returns the context's printer, or one that discards everything.
func From(ctx context.Context) Printer {
	if p, ok := ctx.Value(ctxKey{}).(Printer); ok {
		return p
	}
	return &plainPrinter{w: io.Discard, start: time.Now()}
}

// Step reports that work on object started, and returns a function that
// reports its end: nil error for done, else failed.
func Step(ctx context.Context, object, text string) func(err error, doneText string) {
	p := From(ctx)
	start := time.Now()
	p.Event(Event{Time: start, Object: object, Status: Working, Text: text})
	return func(err error, doneText string) {
		e := Event{Time: time.Now(), Object: object, Status: Done, Text: doneText,
			Elapsed: time.Since(start).Round(time.Millisecond).String()}
		if err != nil {
			e.Status, e.Text = Failed, err.Error()
		}
		p.Event(e)
	}
}

type plainPrinter struct {
	mu    sync.Mutex
	w     io.Writer
	start time.Time
	quiet bool
}

func (p *plainPrinter) Event(e Event) {
	if p.quiet && e.Status != Failed {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	line := fmt.Sprintf("[%6.1fs] %-16s %-8s %s", e.Time.Sub(p.start).Seconds(), e.Object, e.Status, e.Text)
	if e.Elapsed != "" {
		line += " (" + e.Elapsed + ")"
	}
	fmt.Fprintln(p.w, line)
}

func (p *plainPrinter) Infof(format string, args ...any) {
	if p.quiet {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, format+"\n", args...)
}

func (p *plainPrinter) Warnf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "warning: "+format+"\n", args...)
}

func (p *plainPrinter) Close() {}

type jsonPrinter struct {
	mu    sync.Mutex
	w     io.Writer
	start time.Time
}

func (p *jsonPrinter) write(v any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	data, _ := json.Marshal(v)
	fmt.Fprintln(p.w, string(data))
}

func (p *jsonPrinter) Event(e Event) { p.write(e) }

func (p *jsonPrinter) Infof(format string, args ...any) {
	p.write(Event{Time: time.Now(), Status: Note, Text: fmt.Sprintf(format, args...)})
}

func (p *jsonPrinter) Warnf(format string, args ...any) {
	p.write(Event{Time: time.Now(), Status: Failed, Text: "warning: " + fmt.Sprintf(format, args...)})
}

func (p *jsonPrinter) Close() {}
