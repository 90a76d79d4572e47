package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the server's and the test's
// goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServeGracefulShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fs := newFakeStore()
	fs.m["k"] = "v"
	fs.delay = 300 * time.Millisecond
	cfg, err := loadConfig(envOf(map[string]string{"REDIS_ADDR": "r:6379"}))
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- serve(ctx, cfg, fs, ln, newLogger(&logs)) }()

	type result struct {
		status int
		body   string
		err    error
	}
	res := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/get?key=k")
		if err != nil {
			res <- result{err: err}
			return
		}
		defer func() { _ = resp.Body.Close() }()
		b, err := io.ReadAll(resp.Body)
		res <- result{status: resp.StatusCode, body: string(b), err: err}
	}()
	time.Sleep(100 * time.Millisecond) // the request is now inside the store's delay
	cancel()

	select {
	case r := <-res:
		if r.err != nil || r.status != 200 || r.body != "v" {
			t.Fatalf("in-flight request: %+v", r)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("in-flight request did not finish")
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit code %d", code)
		}
	case <-time.After(7 * time.Second):
		t.Fatal("serve did not return")
	}
	if !fs.closed {
		t.Error("store not closed")
	}
	out := logs.String()
	for _, want := range []string{"listening on", "redis at r:6379", "stopping", "stopped"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Error("still accepting after shutdown")
	}
}

func TestCheckHealth(t *testing.T) {
	var status = http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
	}))
	defer srv.Close()

	var out, errOut bytes.Buffer
	if code := checkHealth(srv.URL+"/healthz", 2*time.Second, &out, &errOut); code != 0 {
		t.Fatalf("200: exit %d, stderr %q", code, errOut.String())
	}
	status = http.StatusServiceUnavailable
	if code := checkHealth(srv.URL+"/healthz", 2*time.Second, &out, &errOut); code != 1 {
		t.Fatalf("503: exit %d", code)
	}
	if code := checkHealth("http://127.0.0.1:1/healthz", 2*time.Second, &out, &errOut); code != 1 {
		t.Fatalf("refused: exit %d", code)
	}
}

func TestHealthcheckCommand(t *testing.T) {
	srv := httptest.NewServer(newTestServer(newFakeStore()))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	var out, errOut bytes.Buffer
	env := envOf(map[string]string{"WEB_LISTEN": ":" + u.Port()})
	if code := run([]string{"healthcheck"}, env, &out, &errOut); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	if code := run([]string{"healthcheck"}, envOf(map[string]string{"WEB_LISTEN": "nope"}), &out, &errOut); code != 1 {
		t.Fatalf("bad WEB_LISTEN: exit %d", code)
	}
}

func TestRunCommands(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"version"}, envOf(nil), &out, &errOut); code != 0 || !strings.HasPrefix(out.String(), "web ") {
		t.Fatalf("version: exit %d, out %q", code, out.String())
	}
	errOut.Reset()
	if code := run([]string{"bogus"}, envOf(nil), &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "bogus") {
		t.Fatalf("bogus: exit %d, stderr %q", code, errOut.String())
	}
	errOut.Reset()
	code := run(nil, envOf(map[string]string{"REDIS_ADDR": "r:6379", "WEB_DURABLE_TIMEOUT": "soon"}), &out, &errOut)
	if code != 2 || strings.Count(errOut.String(), "\n") != 1 || !strings.Contains(errOut.String(), `WEB_DURABLE_TIMEOUT="soon"`) {
		t.Fatalf("bad config: exit %d, stderr %q", code, errOut.String())
	}
}
