package docker

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hactl/hactl/cli/internal/engine"
)

func TestPingUnavailable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	e, err := NewWithHost(ctx, "unix:///nonexistent.sock")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	_, err = e.Ping(ctx)
	if !errors.Is(err, engine.ErrUnavailable) {
		t.Fatalf("Ping error = %v, want ErrUnavailable", err)
	}
	if !strings.Contains(err.Error(), "unix:///nonexistent.sock") {
		t.Errorf("Ping error %q does not name the daemon address", err)
	}
	_, err = e.InspectContainer(ctx, "anything")
	if !errors.Is(err, engine.ErrUnavailable) || errors.Is(err, engine.ErrNotFound) {
		t.Errorf("InspectContainer error = %v, want ErrUnavailable only", err)
	}
}

func TestPing(t *testing.T) {
	e := requireEngine(t)
	info, err := e.Ping(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if info.ServerVersion == "" || info.APIVersion == "" || info.OS == "" || info.CPUs < 1 || info.MemoryBytes <= 0 {
		t.Errorf("incomplete info: %+v", info)
	}
	t.Logf("daemon: %+v", info)
}

func TestImportedAndBuiltImages(t *testing.T) {
	e := requireEngine(t)
	ctx := testCtx(t)
	if len(importLines) == 0 {
		t.Error("import reported no progress")
	}
	if len(buildLines) == 0 {
		t.Error("build reported no progress")
	}
	for _, ref := range []string{importedImage, builtImage} {
		img, err := e.InspectImage(ctx, ref)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(img.Tags, ref) || img.Size <= 0 || img.ID == "" {
			t.Errorf("InspectImage(%s) = %+v", ref, img)
		}
		if img.Labels[testLabel] != testValue || img.Labels[runLabel] != runID {
			t.Errorf("InspectImage(%s) labels = %v", ref, img.Labels)
		}
	}
	list, err := e.ListImages(ctx, map[string]string{runLabel: runID})
	if err != nil {
		t.Fatal(err)
	}
	var tags []string
	for _, img := range list {
		tags = append(tags, img.Tags...)
	}
	slices.Sort(tags)
	if want := []string{builtImage, importedImage}; !slices.Equal(tags, want) {
		t.Errorf("ListImages tags = %v, want %v", tags, want)
	}

	name := startProbe(t, e, engine.ContainerSpec{Image: builtImage})
	res := mustExec(t, e, name, nil, "/probe", "echo", "built")
	if string(res.Stdout) != "built\n" || res.ExitCode != 0 {
		t.Errorf("exec in built image: %+v", res)
	}
}

func TestBuildImageError(t *testing.T) {
	e := requireEngine(t)
	ctx := testCtx(t)
	buildCtx, err := tarOf(map[string]tarFile{
		"Dockerfile": {mode: 0o644, content: []byte("FROM scratch\nCOPY missing-file /missing-file\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	tag := "hactl-test-broken:" + runID
	err = e.BuildImage(ctx, buildCtx, tag, testLabels(), nil)
	if err == nil {
		t.Fatal("build with a missing file succeeded")
	}
	if !strings.Contains(err.Error(), "missing-file") || !strings.Contains(err.Error(), tag) {
		t.Errorf("build error %q should name the image and the missing file", err)
	}
	if _, err := e.InspectImage(ctx, tag); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("failed build left image %s behind (inspect: %v)", tag, err)
	}
}

func TestNotFound(t *testing.T) {
	e := requireEngine(t)
	ctx := testCtx(t)
	missing := uniqueName("missing")
	checks := map[string]error{
		"InspectContainer":  func() error { _, err := e.InspectContainer(ctx, missing); return err }(),
		"StartContainer":    e.StartContainer(ctx, missing),
		"StopContainer":     e.StopContainer(ctx, missing, time.Second),
		"KillContainer":     e.KillContainer(ctx, missing, "SIGKILL"),
		"PauseContainer":    e.PauseContainer(ctx, missing),
		"RemoveContainer":   e.RemoveContainer(ctx, missing),
		"Exec":              func() error { _, err := e.Exec(ctx, missing, []string{"true"}, nil); return err }(),
		"Logs":              e.Logs(ctx, missing, engine.LogOptions{}, &strings.Builder{}),
		"Stats":             func() error { _, err := e.Stats(ctx, missing); return err }(),
		"RemoveNetwork":     e.RemoveNetwork(ctx, missing),
		"ConnectNetwork":    e.ConnectNetwork(ctx, missing, engine.NetworkAttachment{Network: missing}),
		"DisconnectNetwork": e.DisconnectNetwork(ctx, missing, missing),
		"RemoveVolume":      e.RemoveVolume(ctx, missing),
		"InspectImage":      func() error { _, err := e.InspectImage(ctx, missing+":latest"); return err }(),
		"RemoveImage":       e.RemoveImage(ctx, missing+":latest"),
		"CreateContainer": func() error {
			_, err := e.CreateContainer(ctx, engine.ContainerSpec{Name: missing, Image: missing + ":latest", Labels: testLabels()})
			return err
		}(),
	}
	for op, err := range checks {
		if !errors.Is(err, engine.ErrNotFound) {
			t.Errorf("%s on a missing object: error = %v, want ErrNotFound", op, err)
		} else if !strings.Contains(err.Error(), missing) {
			t.Errorf("%s: error %q does not name the object", op, err)
		}
	}
}
