package docker

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hactl/hactl/cli/internal/engine"
)

// probeSource is a tiny static program used as the only binary in the test
// images. Without arguments it logs a few lines, serves "hello from probe"
// on TCP 8080 and exits 0 on SIGTERM; with arguments it runs one command
// for Exec.
const probeSource = `package main

import (
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

var ballast []byte

func main() {
	args := os.Args[1:]
	if len(args) == 0 {
		serve()
		return
	}
	switch args[0] {
	case "echo":
		fmt.Println(strings.Join(args[1:], " "))
	case "split":
		fmt.Fprint(os.Stdout, args[1])
		fmt.Fprint(os.Stderr, args[2])
		os.Exit(atoi(args[3]))
	case "exit":
		os.Exit(atoi(args[1]))
	case "cat":
		b, err := os.ReadFile(args[1])
		if err != nil {
			fail(err)
		}
		os.Stdout.Write(b)
	case "stat":
		fi, err := os.Stat(args[1])
		if err != nil {
			fail(err)
		}
		fmt.Printf("%v %04o\n", fi.IsDir(), fi.Mode().Perm())
	case "env":
		fmt.Println(os.Getenv(args[1]))
	case "hostname":
		h, _ := os.Hostname()
		fmt.Println(h)
	case "resolve":
		addrs, err := net.LookupHost(args[1])
		if err != nil {
			fail(err)
		}
		fmt.Println(strings.Join(addrs, " "))
	default:
		fail(fmt.Errorf("unknown command %q", args[0]))
	}
}

func serve() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	ballast = make([]byte, 8<<20)
	for i := range ballast {
		ballast[i] = 1
	}
	fmt.Fprintln(os.Stderr, "err-1")
	time.Sleep(100 * time.Millisecond)
	for i := 1; i <= 3; i++ {
		fmt.Printf("out-%d\n", i)
	}
	ln, err := net.Listen("tcp", ":8080")
	if err != nil {
		fail(err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			fmt.Fprintln(c, "hello from probe")
			c.Close()
		}
	}()
	s := <-sig
	fmt.Printf("got %v\n", s)
	os.Exit(0)
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		fail(err)
	}
	return n
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
`

const (
	testLabel = "io.hactl.test"
	testValue = "engine-docker"
	runLabel  = "io.hactl.test.run"
)

var (
	testEngine *Engine
	skipReason string
	runID      string
	nameSeq    atomic.Int64

	importedImage string
	builtImage    string
	buildLines    []string
	importLines   []string
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	ctx := context.Background()
	runID = randomHex(4)
	e, err := New(ctx)
	if err != nil {
		skipReason = err.Error()
		return m.Run()
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	_, err = e.Ping(pingCtx)
	cancel()
	if err != nil {
		skipReason = err.Error()
		e.Close()
		return m.Run()
	}
	testEngine = e
	defer e.Close()
	defer sweep(e)
	if err := prepareImages(ctx, e); err != nil {
		fmt.Fprintf(os.Stderr, "prepare test images: %v\n", err)
		return 1
	}
	return m.Run()
}

// requireEngine returns the shared engine or skips the test.
func requireEngine(t *testing.T) *Engine {
	t.Helper()
	if testEngine == nil {
		t.Skip("no Docker daemon: " + skipReason)
	}
	return testEngine
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// uniqueName returns a name that no other test or run uses.
func uniqueName(kind string) string {
	return fmt.Sprintf("hactl-test-%s-%s-%d", kind, runID, nameSeq.Add(1))
}

// testLabels are the labels every object made by the tests carries.
func testLabels(extra ...string) map[string]string {
	l := map[string]string{testLabel: testValue, runLabel: runID}
	for i := 0; i+1 < len(extra); i += 2 {
		l[extra[i]] = extra[i+1]
	}
	return l
}

// prepareImages compiles the probe and makes one image from it by import
// and one by build.
func prepareImages(ctx context.Context, e *Engine) error {
	probe, err := buildProbe()
	if err != nil {
		return err
	}
	importedImage = "hactl-test-probe:import-" + runID
	rootfs, err := tarOf(map[string]tarFile{"probe": {mode: 0o755, content: probe}})
	if err != nil {
		return err
	}
	changes := []string{
		`ENTRYPOINT ["/probe"]`,
		fmt.Sprintf("LABEL %s=%s %s=%s", testLabel, testValue, runLabel, runID),
	}
	err = e.ImportImage(ctx, rootfs, importedImage, changes, func(l string) { importLines = append(importLines, l) })
	if err != nil {
		return err
	}

	builtImage = "hactl-test-probe:build-" + runID
	buildCtx, err := tarOf(map[string]tarFile{
		"Dockerfile": {mode: 0o644, content: []byte("FROM scratch\nCOPY probe /probe\nENTRYPOINT [\"/probe\"]\n")},
		"probe":      {mode: 0o755, content: probe},
	})
	if err != nil {
		return err
	}
	return e.BuildImage(ctx, buildCtx, builtImage, testLabels(), func(l string) { buildLines = append(buildLines, l) })
}

// buildProbe compiles probeSource into a static Linux binary.
func buildProbe() ([]byte, error) {
	dir, err := os.MkdirTemp("", "hactl-probe-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(probeSource), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", "probe", "main.go")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH, "GOWORK=off", "GOFLAGS=-buildvcs=false")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build probe: %v\n%s", err, out)
	}
	return os.ReadFile(filepath.Join(dir, "probe"))
}

type tarFile struct {
	mode    int64
	content []byte
}

func tarOf(files map[string]tarFile) (*bytes.Buffer, error) {
	buf := &bytes.Buffer{}
	tw := tar.NewWriter(buf)
	for name, f := range files {
		hdr := &tar.Header{Name: name, Mode: f.mode, Size: int64(len(f.content)), ModTime: time.Now(), Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.content); err != nil {
			return nil, err
		}
	}
	return buf, tw.Close()
}

// sweep removes whatever this run left behind.
func sweep(e *Engine) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run := map[string]string{runLabel: runID}
	report := func(err error) {
		if err != nil && !errors.Is(err, engine.ErrNotFound) {
			fmt.Fprintf(os.Stderr, "cleanup: %v\n", err)
		}
	}
	if cs, err := e.ListContainers(ctx, run); err == nil {
		for _, c := range cs {
			report(e.RemoveContainer(ctx, c.ID))
		}
	}
	if ns, err := e.ListNetworks(ctx, run); err == nil {
		for _, n := range ns {
			report(e.RemoveNetwork(ctx, n.ID))
		}
	}
	if vs, err := e.ListVolumes(ctx, run); err == nil {
		for _, v := range vs {
			report(e.RemoveVolume(ctx, v.Name))
		}
	}
	for _, ref := range []string{importedImage, builtImage} {
		if ref != "" {
			report(e.RemoveImage(ctx, ref))
		}
	}
	if is, err := e.ListImages(ctx, run); err == nil {
		for _, img := range is {
			report(e.RemoveImage(ctx, img.ID))
		}
	}
}

// Helpers shared by the tests.

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func cleanupCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 30*time.Second)
}

func newNetwork(t *testing.T, e *Engine, extraLabels ...string) string {
	t.Helper()
	name := uniqueName("net")
	if _, err := e.CreateNetwork(testCtx(t), engine.NetworkSpec{Name: name, Labels: testLabels(extraLabels...)}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := cleanupCtx()
		defer cancel()
		if err := e.RemoveNetwork(ctx, name); err != nil && !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("cleanup: %v", err)
		}
	})
	return name
}

func newVolume(t *testing.T, e *Engine, extraLabels ...string) string {
	t.Helper()
	name := uniqueName("vol")
	if err := e.CreateVolume(testCtx(t), engine.VolumeSpec{Name: name, Labels: testLabels(extraLabels...)}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := cleanupCtx()
		defer cancel()
		if err := e.RemoveVolume(ctx, name); err != nil && !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("cleanup: %v", err)
		}
	})
	return name
}

// newContainer creates a probe container from spec, filling in the name,
// image and labels when they are empty, and removes it when the test ends.
func newContainer(t *testing.T, e *Engine, spec engine.ContainerSpec) string {
	t.Helper()
	if spec.Name == "" {
		spec.Name = uniqueName("ctr")
	}
	if spec.Image == "" {
		spec.Image = importedImage
	}
	if spec.Labels == nil {
		spec.Labels = testLabels()
	}
	if _, err := e.CreateContainer(testCtx(t), spec); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := cleanupCtx()
		defer cancel()
		if err := e.RemoveContainer(ctx, spec.Name); err != nil && !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("cleanup: %v", err)
		}
	})
	return spec.Name
}

// startProbe creates and starts a probe container and waits until it has
// logged its start-up lines.
func startProbe(t *testing.T, e *Engine, spec engine.ContainerSpec) string {
	t.Helper()
	name := newContainer(t, e, spec)
	ctx := testCtx(t)
	if err := e.StartContainer(ctx, name); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "probe start-up logs", func() bool {
		var buf bytes.Buffer
		return e.Logs(ctx, name, engine.LogOptions{}, &buf) == nil && strings.Contains(buf.String(), "out-3")
	})
	return name
}

func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func mustInspect(t *testing.T, e *Engine, name string) engine.Container {
	t.Helper()
	c, err := e.InspectContainer(testCtx(t), name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustExec(t *testing.T, e *Engine, name string, env []string, cmd ...string) engine.ExecResult {
	t.Helper()
	res, err := e.Exec(testCtx(t), name, cmd, env)
	if err != nil {
		t.Fatal(err)
	}
	return res
}
