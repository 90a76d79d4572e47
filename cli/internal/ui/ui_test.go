package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestParseMode(t *testing.T) {
	for _, m := range []string{"auto", "tty", "plain", "json", "quiet"} {
		if _, err := ParseMode(m); err != nil {
			t.Errorf("%s: %v", m, err)
		}
	}
	if _, err := ParseMode("loud"); err == nil || !strings.Contains(err.Error(), `got "loud"`) {
		t.Errorf("loud: %v", err)
	}
}

func TestPlainStep(t *testing.T) {
	var buf bytes.Buffer
	ctx := With(context.Background(), New(ModePlain, &buf))
	Step(ctx, "redis-1", "starting")(nil, "started")
	Step(ctx, "redis-2", "starting")(errors.New("boom"), "")
	out := buf.String()
	for _, want := range []string{"redis-1          working  starting", "redis-1          done     started (", "redis-2          failed   boom"} {
		if !strings.Contains(out, want) {
			t.Errorf("plain output lacks %q:\n%s", want, out)
		}
	}
}

func TestQuietShowsOnlyFailures(t *testing.T) {
	var buf bytes.Buffer
	p := New(ModeQuiet, &buf)
	ctx := With(context.Background(), p)
	Step(ctx, "a", "x")(nil, "ok")
	p.Infof("info")
	Step(ctx, "b", "x")(errors.New("bad"), "")
	p.Warnf("careful")
	out := buf.String()
	if strings.Contains(out, "info") || strings.Contains(out, " a ") || !strings.Contains(out, "bad") || !strings.Contains(out, "warning: careful") {
		t.Fatalf("quiet output:\n%s", out)
	}
}

func TestJSONEvents(t *testing.T) {
	var buf bytes.Buffer
	ctx := With(context.Background(), New(ModeJSON, &buf))
	Step(ctx, "haproxy", "waiting")(nil, "ready")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines:\n%s", len(lines), buf.String())
	}
	var e Event
	if err := json.Unmarshal([]byte(lines[1]), &e); err != nil || e.Object != "haproxy" || e.Status != Done || e.Text != "ready" || e.Elapsed == "" {
		t.Fatalf("event %+v err %v", e, err)
	}
}

func TestFromWithoutPrinterDiscards(t *testing.T) {
	Step(context.Background(), "x", "y")(nil, "z")
}

func TestTTYRedrawsInPlace(t *testing.T) {
	var buf bytes.Buffer
	p := New(ModeTTY, &buf)
	ctx := With(context.Background(), p)
	Step(ctx, "redis-1", "starting")(nil, "started")
	Step(ctx, "redis-2", "starting")(nil, "started")
	p.Close()
	out := buf.String()
	if !strings.Contains(out, "\x1b[1A") || !strings.Contains(out, "✔ redis-2") {
		t.Fatalf("tty output does not redraw:\n%q", out)
	}
}
