package main

import (
	"context"
	"io"
	"log"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// logKeyBytes is how much of a key a log line shows.
const logKeyBytes = 64

// newLogger returns the process logger: UTC timestamps, no prefix. The
// image has no tzdata, so UTC is what it would print anyway.
func newLogger(out io.Writer) *log.Logger {
	return log.New(out, "", log.Ldate|log.Ltime|log.Lmicroseconds|log.LUTC)
}

// requestLogger writes at most one line per request: for non-2xx answers
// always, for 2xx answers only when all is set. It never logs query
// values; keys are truncated to logKeyBytes. A nil *requestLogger logs
// nothing.
type requestLogger struct {
	out *log.Logger
	all bool
}

func (l *requestLogger) request(r *http.Request, status int, start time.Time, key, detail string) {
	if l == nil || (!l.all && status >= 200 && status < 300) {
		return
	}
	l.out.Printf("%s %q %d %s remote=%s key=%q %s",
		r.Method, truncate(r.URL.Path, 128), status,
		time.Since(start).Round(time.Microsecond), r.RemoteAddr, truncate(key, logKeyBytes), detail)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// redisLogPerSecond caps the go-redis internal log lines written per
// second, since a Redis outage makes the library log on every dial.
const redisLogPerSecond = 5

// redisLogger adapts go-redis's internal logger to the process logger and
// rate-limits it without a lock.
type redisLogger struct {
	out     *log.Logger
	second  atomic.Int64
	count   atomic.Int64
	dropped atomic.Int64
}

// Printf implements go-redis's internal Logging interface.
func (l *redisLogger) Printf(_ context.Context, format string, v ...interface{}) {
	now := time.Now().Unix()
	if s := l.second.Load(); s != now && l.second.CompareAndSwap(s, now) {
		l.count.Store(0)
		if d := l.dropped.Swap(0); d > 0 {
			l.out.Printf("redis: %d log line(s) suppressed", d)
		}
	}
	if l.count.Add(1) > redisLogPerSecond {
		l.dropped.Add(1)
		return
	}
	if !strings.HasPrefix(format, "redis: ") {
		format = "redis: " + format
	}
	l.out.Printf(format, v...)
}
