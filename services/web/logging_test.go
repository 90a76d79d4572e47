package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestRedisLoggerRateLimit(t *testing.T) {
	var buf bytes.Buffer
	l := &redisLogger{out: newLogger(&buf)}
	for i := 0; i < 3*redisLogPerSecond; i++ {
		l.Printf(context.Background(), "redis: connection pool: failed to dial: %d", i)
	}
	lines := strings.Count(buf.String(), "\n")
	if lines > redisLogPerSecond+1 {
		t.Fatalf("%d lines logged in a burst, want at most %d:\n%s", lines, redisLogPerSecond+1, buf.String())
	}
	if strings.Contains(buf.String(), "redis: redis:") {
		t.Errorf("doubled prefix:\n%s", buf.String())
	}
	buf.Reset()
	l.second.Store(0) // as if a second had passed
	l.Printf(context.Background(), "sentinel: new master=%q", "mymaster")
	out := buf.String()
	if !strings.Contains(out, "log line(s) suppressed") || !strings.Contains(out, `redis: sentinel: new master="mymaster"`) {
		t.Fatalf("after the window:\n%s", out)
	}
}
