package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/hactl/hactl/services/web/internal/store"
)

// shutdownTimeout is how long in-flight requests get to finish after
// SIGTERM or SIGINT.
const shutdownTimeout = 5 * time.Second

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run dispatches on the first argument and returns the exit code: 0 on a
// clean stop, 1 on a runtime failure, 2 on bad usage or configuration.
func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "healthcheck":
			return healthcheck(getenv, stdout, stderr)
		case "version":
			_, _ = fmt.Fprintln(stdout, "web "+versionString())
			return 0
		default:
			_, _ = fmt.Fprintf(stderr, "web: unknown command %q: want no argument (serve), healthcheck or version\n", args[0])
			return 2
		}
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		_, _ = fmt.Fprintln(stderr, "web: "+err.Error())
		return 2
	}
	logger := newLogger(stdout)
	redis.SetLogger(&redisLogger{out: logger})

	// As PID 1 the process gets no default signal handling from the
	// kernel; Go's handlers plus NotifyContext take its place.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	st := store.New(cfg.storeOptions())
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		logger.Printf("web: %v", err)
		_ = st.Close()
		return 1
	}
	return serve(ctx, cfg, st, ln, logger)
}

// serve answers HTTP on ln until ctx is done, then shuts down gracefully
// and closes st. It returns the exit code.
func serve(ctx context.Context, cfg config, st interface {
	store.Store
	io.Closer
}, ln net.Listener, logger *log.Logger) int {
	h := &server{
		store:          st,
		maxValueBytes:  cfg.MaxValueBytes,
		requestTimeout: cfg.RequestTimeout,
		log:            &requestLogger{out: logger, all: cfg.AccessLog},
	}
	if cfg.PProf {
		h.pprof = pprofHandler()
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    cfg.maxHeaderBytes(),
		ErrorLog:          log.New(logger.Writer(), "http: ", logger.Flags()),
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Printf("web %s: listening on %s, %s, durable replicas=%d timeout=%s, pprof=%t",
		versionString(), ln.Addr(), describeRedis(cfg), cfg.DurableReplicas, cfg.DurableTimeout, cfg.PProf)

	select {
	case err := <-errc:
		logger.Printf("web: serve: %v", err)
		_ = st.Close()
		return 1
	case <-ctx.Done():
	}

	logger.Printf("web: stopping (%v)", context.Cause(ctx))
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Printf("web: shutdown: %v; closing remaining connections", err)
		_ = srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		logger.Printf("web: serve: %v", err)
	}
	if err := st.Close(); err != nil {
		logger.Printf("web: closing redis client: %v", err)
	}
	logger.Printf("web: stopped")
	return 0
}

// describeRedis names the Redis endpoints for the start line; it never
// includes passwords.
func describeRedis(cfg config) string {
	if len(cfg.Sentinels) > 0 {
		return fmt.Sprintf("redis master %q via sentinels %s", cfg.MasterName, strings.Join(cfg.Sentinels, ","))
	}
	return "redis at " + cfg.RedisAddr
}

// pprofHandler serves net/http/pprof under /debug/pprof/.
func pprofHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
