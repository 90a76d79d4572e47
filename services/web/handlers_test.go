package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hactl/hactl/services/web/internal/store"
)

// fakeStore is an in-memory store.Store whose errors can be forced.
type fakeStore struct {
	mu      sync.RWMutex
	m       map[string]string
	setErr  error
	getErr  error
	pingErr error
	delay   time.Duration
	closed  bool
	lastCtx context.Context
}

func newFakeStore() *fakeStore { return &fakeStore{m: map[string]string{}} }

func (f *fakeStore) Set(ctx context.Context, key, value string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastCtx = ctx
	if f.setErr != nil {
		return f.setErr
	}
	f.m[key] = value
	return nil
}

func (f *fakeStore) Get(ctx context.Context, key string) (string, error) {
	if f.delay > 0 {
		time.Sleep(f.delay)
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	if f.getErr != nil {
		return "", f.getErr
	}
	v, ok := f.m[key]
	if !ok {
		return "", store.ErrNotFound
	}
	return v, nil
}

func (f *fakeStore) Ping(context.Context) error { return f.pingErr }

func (f *fakeStore) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	return nil
}

func newTestServer(fs *fakeStore) *server {
	return &server{store: fs, maxValueBytes: 1 << 20, requestTimeout: 2 * time.Second}
}

func do(h http.Handler, method, target string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
	return rec
}

var errDial = errors.New("dial tcp 10.1.2.3:6379: connect: connection refused (password hunter2)")

func TestHandlers(t *testing.T) {
	long := strings.Repeat("k", maxKeyBytes)
	tests := []struct {
		name       string
		method     string
		target     string
		maxValue   int
		setup      func(*fakeStore)
		wantStatus int
		wantBody   string
		wantAllow  bool
	}{
		{name: "set", target: "/set?key=a&value=b", wantStatus: 200, wantBody: "OK. We have set a to be b"},
		{name: "set empty value", target: "/set?key=a&value=", wantStatus: 200, wantBody: "OK. We have set a to be "},
		{name: "set value without =", target: "/set?key=a&value", wantStatus: 200, wantBody: "OK. We have set a to be "},
		{name: "set decodes", target: "/set?key=a%20b&value=x+y%26z", wantStatus: 200, wantBody: "OK. We have set a b to be x y&z"},
		{name: "set first value wins", target: "/set?key=a&value=1&value=2", wantStatus: 200, wantBody: "OK. We have set a to be 1"},
		{name: "set key at limit", target: "/set?value=v&key=" + long, wantStatus: 200, wantBody: "OK. We have set " + long + " to be v"},
		{name: "set value at limit", target: "/set?key=a&value=0123456789", maxValue: 10, wantStatus: 200, wantBody: "OK. We have set a to be 0123456789"},
		{name: "set missing key", target: "/set?value=b", wantStatus: 400, wantBody: `missing query parameter "key"`},
		{name: "set empty key", target: "/set?key=&value=b", wantStatus: 400, wantBody: `query parameter "key" is empty`},
		{name: "set missing value", target: "/set?key=a", wantStatus: 400, wantBody: `missing query parameter "value"`},
		{name: "set no query", target: "/set", wantStatus: 400, wantBody: `missing query parameter "key"`},
		{name: "set key too long", target: "/set?value=v&key=" + long + "k", wantStatus: 400, wantBody: "key is 1025 bytes, the limit is 1024"},
		{name: "set bad escape", target: "/set?key=a&value=%zz", wantStatus: 400, wantBody: `invalid percent-encoding in query parameter "value"`},
		{name: "set value too long", target: "/set?key=a&value=0123456789A", maxValue: 10, wantStatus: 413, wantBody: "value is 11 bytes, the limit is 10"},
		{name: "set POST", method: "POST", target: "/set?key=a&value=b", wantStatus: 405, wantBody: "method POST not allowed, use GET", wantAllow: true},
		{name: "set HEAD", method: "HEAD", target: "/set?key=a&value=b", wantStatus: 405, wantAllow: true},
		{
			name: "set unavailable", target: "/set?key=a&value=b",
			setup:      func(f *fakeStore) { f.setErr = &store.UnavailableError{Reason: "connection failed", Cause: errDial} },
			wantStatus: 503, wantBody: "redis unavailable: connection failed",
		},
		{
			name: "set not acknowledged", target: "/set?key=a&value=b",
			setup: func(f *fakeStore) {
				f.setErr = &store.NotAcknowledgedError{Want: 1, Got: 0, Timeout: 500 * time.Millisecond}
			},
			wantStatus: 503, wantBody: "write not acknowledged by 1 replica(s) within 500ms",
		},
		{
			name: "set other error", target: "/set?key=a&value=b",
			setup:      func(f *fakeStore) { f.setErr = errDial },
			wantStatus: 500, wantBody: "internal error",
		},
		{
			name: "get", target: "/get?key=a",
			setup:      func(f *fakeStore) { f.m["a"] = "hello world" },
			wantStatus: 200, wantBody: "hello world",
		},
		{
			name: "get empty value", target: "/get?key=a",
			setup:      func(f *fakeStore) { f.m["a"] = "" },
			wantStatus: 200, wantBody: "",
		},
		{name: "get not found", target: "/get?key=nope", wantStatus: 404, wantBody: `key "nope" not found`},
		{name: "get missing key", target: "/get", wantStatus: 400, wantBody: `missing query parameter "key"`},
		{name: "get key too long", target: "/get?key=" + long + "k", wantStatus: 400, wantBody: "key is 1025 bytes, the limit is 1024"},
		{name: "get PUT", method: "PUT", target: "/get?key=a", wantStatus: 405, wantBody: "method PUT not allowed, use GET", wantAllow: true},
		{
			name: "get unavailable", target: "/get?key=a",
			setup:      func(f *fakeStore) { f.getErr = &store.UnavailableError{Reason: "timeout", Cause: errDial} },
			wantStatus: 503, wantBody: "redis unavailable: timeout",
		},
		{
			name: "get bare ErrUnavailable", target: "/get?key=a",
			setup:      func(f *fakeStore) { f.getErr = store.ErrUnavailable },
			wantStatus: 503, wantBody: "redis unavailable",
		},
		{name: "healthz", target: "/healthz", wantStatus: 200, wantBody: "ok"},
		{name: "healthz any method", method: "OPTIONS", target: "/healthz", wantStatus: 200, wantBody: "ok"},
		{
			name: "healthz down", target: "/healthz",
			setup: func(f *fakeStore) {
				f.pingErr = &store.UnavailableError{Reason: "no master address from sentinels", Cause: errDial}
			},
			wantStatus: 503, wantBody: "redis unavailable: no master address from sentinels",
		},
		{name: "unknown path", target: "/", wantStatus: 404, wantBody: "not found"},
		{name: "pprof off", target: "/debug/pprof/", wantStatus: 404, wantBody: "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := newFakeStore()
			if tt.setup != nil {
				tt.setup(fs)
			}
			s := newTestServer(fs)
			if tt.maxValue > 0 {
				s.maxValueBytes = tt.maxValue
			}
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			rec := do(s, method, tt.target)
			if rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d (body %q)", rec.Code, tt.wantStatus, rec.Body.String())
			}
			if method != http.MethodHead && rec.Body.String() != tt.wantBody {
				t.Errorf("body = %q, want %q", rec.Body.String(), tt.wantBody)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "text/plain; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			if got := rec.Header().Get("Allow"); tt.wantAllow && got != "GET" {
				t.Errorf("Allow = %q, want GET", got)
			}
			if b := rec.Body.String(); strings.Contains(b, "10.1.2.3") || strings.Contains(b, "hunter2") {
				t.Errorf("body leaks the cause: %q", b)
			}
		})
	}
}

func TestSetThenGet(t *testing.T) {
	fs := newFakeStore()
	s := newTestServer(fs)
	if rec := do(s, "GET", "/set?key=greeting&value=hi%21"); rec.Code != 200 {
		t.Fatalf("set: %d %q", rec.Code, rec.Body.String())
	}
	rec := do(s, "GET", "/get?key=greeting")
	if rec.Code != 200 || rec.Body.String() != "hi!" {
		t.Fatalf("get: %d %q", rec.Code, rec.Body.String())
	}
	if do(s, "GET", "/set?key=e&value=").Code != 200 {
		t.Fatal("empty value rejected")
	}
	if rec := do(s, "GET", "/get?key=e"); rec.Code != 200 || rec.Body.Len() != 0 {
		t.Fatalf("get empty: %d %q", rec.Code, rec.Body.String())
	}
}

func TestRequestDeadline(t *testing.T) {
	fs := newFakeStore()
	s := newTestServer(fs)
	s.requestTimeout = 1500 * time.Millisecond
	do(s, "GET", "/set?key=a&value=b")
	dl, ok := fs.lastCtx.Deadline()
	if !ok {
		t.Fatal("store got a context without deadline")
	}
	if left := time.Until(dl); left > 1500*time.Millisecond || left < time.Second {
		t.Fatalf("deadline in %s, want about 1.5s", left)
	}
}

func TestLargeValueContentLength(t *testing.T) {
	fs := newFakeStore()
	v := strings.Repeat("x", 100_000)
	fs.m["big"] = v
	srv := httptest.NewServer(newTestServer(fs))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/get?key=big")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.ContentLength != int64(len(v)) {
		t.Fatalf("Content-Length = %d, want %d", resp.ContentLength, len(v))
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(resp.Body); err != nil || buf.String() != v {
		t.Fatalf("body: %d bytes, err %v", buf.Len(), err)
	}
}

func TestPProf(t *testing.T) {
	s := newTestServer(newFakeStore())
	s.pprof = pprofHandler()
	if rec := do(s, "GET", "/debug/pprof/"); rec.Code != 200 {
		t.Fatalf("pprof index: %d", rec.Code)
	}
}

func TestRequestLogging(t *testing.T) {
	for _, all := range []bool{false, true} {
		t.Run("all="+strconv.FormatBool(all), func(t *testing.T) {
			var buf bytes.Buffer
			fs := newFakeStore()
			s := newTestServer(fs)
			s.log = &requestLogger{out: newLogger(&buf), all: all}
			longKey := strings.Repeat("K", 100)

			do(s, "GET", "/set?key="+longKey+"&value=secretvalue")
			ok := buf.String()
			if all != (ok != "") {
				t.Fatalf("2xx logged=%t with all=%t: %q", ok != "", all, ok)
			}
			buf.Reset()
			fs.getErr = &store.UnavailableError{Reason: "timeout", Cause: errors.New("i/o timeout")}
			do(s, "GET", "/get?key="+longKey)
			line := buf.String()
			if strings.Count(line, "\n") != 1 {
				t.Fatalf("want one line, got %q", line)
			}
			for _, want := range []string{"GET", `"/get"`, " 503 ", `key="` + longKey[:logKeyBytes] + `"`, "redis unavailable: timeout: i/o timeout"} {
				if !strings.Contains(line, want) {
					t.Errorf("log line %q lacks %q", line, want)
				}
			}
			if strings.Contains(line, longKey[:logKeyBytes+1]) {
				t.Errorf("key not truncated: %q", line)
			}
			if strings.Contains(ok, "secretvalue") {
				t.Errorf("value logged: %q", ok)
			}
		})
	}
}

// discardWriter is a minimal reusable http.ResponseWriter for benchmarks.
type discardWriter struct{ h http.Header }

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *discardWriter) WriteHeader(int)             {}

// WriteString mirrors net/http's response, which implements io.StringWriter.
func (w *discardWriter) WriteString(s string) (int, error) { return len(s), nil }

func BenchmarkGetHandler(b *testing.B) {
	fs := newFakeStore()
	fs.m["somekey"] = "some value of moderate length"
	s := newTestServer(fs)
	r := httptest.NewRequest("GET", "/get?key=somekey", nil)
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		s.ServeHTTP(w, r)
	}
}

func BenchmarkSetHandler(b *testing.B) {
	fs := newFakeStore()
	s := newTestServer(fs)
	r := httptest.NewRequest("GET", "/set?key=somekey&value=some+value", nil)
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		s.ServeHTTP(w, r)
	}
}
