package images

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hactl/hactl/cli/internal/catalog"
	"github.com/hactl/hactl/cli/internal/engine"
	"github.com/hactl/hactl/cli/internal/engine/docker"
	"github.com/hactl/hactl/cli/internal/labels"
)

// dockerEngine returns the local Docker engine or skips the test.
func dockerEngine(t *testing.T) *docker.Engine {
	t.Helper()
	if testing.Short() {
		t.Skip("Docker tests skipped in -short mode")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	eng, err := docker.New(ctx)
	if err != nil {
		t.Skip("no Docker daemon: " + err.Error())
	}
	if _, err := eng.Ping(ctx); err != nil {
		_ = eng.Close()
		t.Skip("no Docker daemon: " + err.Error())
	}
	t.Cleanup(func() { _ = eng.Close() })
	return eng
}

func randomSuffix(t *testing.T) string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// countingImages counts the builds that reach the engine.
type countingImages struct {
	engine.Images
	builds int
}

func (c *countingImages) BuildImage(ctx context.Context, bc io.Reader, tag string, l map[string]string, p engine.BuildProgress) error {
	c.builds++
	return c.Images.BuildImage(ctx, bc, tag, l, p)
}

func TestDockerWebImage(t *testing.T) {
	eng := dockerEngine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	tag := "hactl-images-test/web:" + randomSuffix(t)
	counting := &countingImages{Images: eng}
	b := &Builder{
		Engine:    counting,
		WebBinary: buildTinyBinary(t, filepath.Join(dir, "1"), "first"),
		webImages: []catalog.WebImage{{Tag: tag, Kind: catalog.WebGo}},
	}
	var ids []string
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_ = eng.RemoveImage(ctx, tag)
		for _, id := range ids {
			_ = eng.RemoveImage(ctx, id)
		}
	})

	// Missing: built, with hactl's labels.
	if err := b.Ensure(ctx, []string{tag}); err != nil {
		t.Fatal(err)
	}
	img, err := eng.InspectImage(ctx, tag)
	if err != nil {
		t.Fatal(err)
	}
	ids = append(ids, img.ID)
	bc, _ := goWebContext(b.WebBinary)
	want := map[string]string{labels.Managed: "true", labels.ImageKind: KindWebGo, labels.ImageSource: bc.Hash()}
	for k, v := range want {
		if img.Labels[k] != v {
			t.Errorf("label %s = %q, want %q", k, img.Labels[k], v)
		}
	}
	if out := runImage(t, eng, tag); out != "first\n" {
		t.Errorf("the image printed %q, want %q", out, "first\n")
	}

	// Up to date: not rebuilt.
	if err := b.Ensure(ctx, []string{tag}); err != nil {
		t.Fatal(err)
	}
	again, err := eng.InspectImage(ctx, tag)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != img.ID || counting.builds != 1 {
		t.Errorf("second Ensure rebuilt: ID %s -> %s, %d builds", img.ID, again.ID, counting.builds)
	}

	// A changed binary: rebuilt, and the replaced image removed.
	b.WebBinary = buildTinyBinary(t, filepath.Join(dir, "2"), "second")
	if err := b.Ensure(ctx, []string{tag}); err != nil {
		t.Fatal(err)
	}
	changed, err := eng.InspectImage(ctx, tag)
	if err != nil {
		t.Fatal(err)
	}
	ids = append(ids, changed.ID)
	if changed.ID == img.ID || counting.builds != 2 {
		t.Errorf("changed binary not rebuilt: ID %s -> %s, %d builds", img.ID, changed.ID, counting.builds)
	}
	if _, err := eng.InspectImage(ctx, img.ID); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("the replaced image %s is still there (err %v)", img.ID, err)
	}
	if out := runImage(t, eng, tag); out != "second\n" {
		t.Errorf("the rebuilt image printed %q, want %q", out, "second\n")
	}

	// Forced: built again.
	if err := b.Build(ctx, []string{tag}, true); err != nil {
		t.Fatal(err)
	}
	if counting.builds != 3 {
		t.Errorf("forced Build did not build: %d builds", counting.builds)
	}

	list, err := b.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, im := range list {
		for _, tg := range im.Tags {
			found = found || tg == tag
		}
	}
	if !found {
		t.Errorf("List does not show %s", tag)
	}
}

func TestDockerNotBuildable(t *testing.T) {
	eng := dockerEngine(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ref := "hactl-images-test/missing:" + randomSuffix(t)
	err := (&Builder{Engine: eng}).Ensure(ctx, []string{ref})
	want := "image " + ref + " is not present and hactl cannot build it; no registry is reachable here: " +
		"load it with docker load, or use the default offline image"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v\nwant %s", err, want)
	}
}

// runImage runs tag to completion and returns what it printed.
func runImage(t *testing.T, eng *docker.Engine, tag string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	name := "hactl-images-test-" + randomSuffix(t)
	id, err := eng.CreateContainer(ctx, engine.ContainerSpec{Name: name, Image: tag})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = eng.RemoveContainer(context.Background(), id) }()
	if err := eng.StartContainer(ctx, id); err != nil {
		t.Fatal(err)
	}
	for {
		c, err := eng.InspectContainer(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if c.State == "exited" || c.State == "dead" {
			if c.ExitCode != 0 {
				t.Errorf("%s exited with %d", tag, c.ExitCode)
			}
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("%s did not exit: %v", tag, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
	var out bytes.Buffer
	if err := eng.Logs(ctx, id, engine.LogOptions{}, &out); err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(out.String(), "\r", "")
}
