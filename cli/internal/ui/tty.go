package ui

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// ttyPrinter keeps one line per object and redraws the block in place.
type ttyPrinter struct {
	mu     sync.Mutex
	w      io.Writer
	start  time.Time
	order  []string
	lines  map[string]Event
	drawn  int
	ticker *time.Ticker
	done   chan struct{}
	closed bool
}

var spinner = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

func newTTYPrinter(w io.Writer, start time.Time) *ttyPrinter {
	p := &ttyPrinter{w: w, start: start, lines: map[string]Event{},
		ticker: time.NewTicker(120 * time.Millisecond), done: make(chan struct{})}
	go p.loop()
	return p
}

func (p *ttyPrinter) loop() {
	for {
		select {
		case <-p.ticker.C:
			p.mu.Lock()
			if !p.closed {
				p.redraw()
			}
			p.mu.Unlock()
		case <-p.done:
			return
		}
	}
}

func (p *ttyPrinter) Event(e Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	if _, ok := p.lines[e.Object]; !ok {
		p.order = append(p.order, e.Object)
	}
	if prev, ok := p.lines[e.Object]; ok && e.Status == Working {
		e.Time = prev.Time
		if prev.Status != Working {
			e.Time = time.Now()
		}
	}
	p.lines[e.Object] = e
	p.redraw()
}

func (p *ttyPrinter) redraw() {
	if p.drawn > 0 {
		fmt.Fprintf(p.w, "\x1b[%dA", p.drawn)
	}
	frame := spinner[int(time.Since(p.start)/(120*time.Millisecond))%len(spinner)]
	var b strings.Builder
	for _, obj := range p.order {
		e := p.lines[obj]
		mark := map[Status]string{Done: "✔", Failed: "✘", Skipped: "-", Note: "•"}[e.Status]
		text := e.Text
		switch e.Status {
		case Working:
			mark = frame
			text += fmt.Sprintf(" %.1fs", time.Since(e.Time).Seconds())
		case Done:
			if e.Elapsed != "" {
				text += " (" + e.Elapsed + ")"
			}
		}
		fmt.Fprintf(&b, "\x1b[2K %s %-16s %s\n", mark, obj, text)
	}
	io.WriteString(p.w, b.String())
	p.drawn = len(p.order)
}

func (p *ttyPrinter) printAbove(line string) {
	if p.closed {
		fmt.Fprintln(p.w, line)
		return
	}
	if p.drawn > 0 {
		fmt.Fprintf(p.w, "\x1b[%dA", p.drawn)
		for i := 0; i < p.drawn; i++ {
			fmt.Fprint(p.w, "\x1b[2K\n")
		}
		fmt.Fprintf(p.w, "\x1b[%dA", p.drawn)
		p.drawn = 0
	}
	fmt.Fprintln(p.w, line)
	p.redraw()
}

func (p *ttyPrinter) Infof(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.printAbove(fmt.Sprintf(format, args...))
}

func (p *ttyPrinter) Warnf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.printAbove("warning: " + fmt.Sprintf(format, args...))
}

// Close draws the block a last time and leaves it: later output goes
// below it. Closing twice is harmless.
func (p *ttyPrinter) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.ticker.Stop()
	close(p.done)
	if len(p.order) > 0 {
		p.redraw()
	}
	p.closed = true
	p.drawn = 0
}
