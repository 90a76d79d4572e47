package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"runtime/debug"
	"time"
)

// version is the release name, set at build time with
// -ldflags '-X main.version=v1.2.3'. When empty, the module version or VCS
// revision recorded by the Go toolchain is used.
var version string

// healthcheckTimeout bounds the whole "web healthcheck" request.
const healthcheckTimeout = 2 * time.Second

// healthcheck implements "web healthcheck" for a Docker HEALTHCHECK in an
// image without a shell or curl: it asks the local server's /healthz and
// returns 0 on 200, else 1 (Docker reserves exit code 2).
func healthcheck(getenv func(string) string, stdout, stderr io.Writer) int {
	e := envReader{get: getenv}
	port := e.listenPort("WEB_LISTEN", e.str("WEB_LISTEN", ":5000"))
	if e.err != nil {
		_, _ = fmt.Fprintln(stderr, "web healthcheck: "+e.err.Error())
		return 1
	}
	return checkHealth("http://"+net.JoinHostPort("127.0.0.1", port)+"/healthz", healthcheckTimeout, stdout, stderr)
}

// checkHealth GETs url and returns 0 if it answers 200 within timeout.
func checkHealth(url string, timeout time.Duration, stdout, stderr io.Writer) int {
	client := &http.Client{
		Timeout:   timeout,
		Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true},
	}
	resp, err := client.Get(url)
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "unhealthy: %v\n", err)
		return 1
	}
	defer func() { _ = resp.Body.Close() }()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode != http.StatusOK {
		_, _ = fmt.Fprintf(stderr, "unhealthy: %s: %s\n", resp.Status, body)
		return 1
	}
	_, _ = fmt.Fprintf(stdout, "healthy: %s\n", body)
	return 0
}

// versionString describes the build: release, Go version and platform.
func versionString() string {
	v := version
	if bi, ok := debug.ReadBuildInfo(); ok && v == "" {
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && v == "" {
				v = s.Value
				if len(v) > 12 {
					v = v[:12]
				}
			}
		}
	}
	if v == "" {
		v = "dev"
	}
	return fmt.Sprintf("%s (%s %s/%s)", v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
