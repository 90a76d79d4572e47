package images

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/hactl/hactl/cli/internal/engine"
)

// buildTinyBinary compiles a static Go program that prints msg and exits,
// into dir, and returns its path.
func buildTinyBinary(t *testing.T, dir, msg string) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go toolchain on PATH to build a test binary: " + err.Error())
	}
	src := filepath.Join(dir, "src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"go.mod": "module tiny\n\ngo 1.21\n",
		"main.go": "package main\n\nimport (\n\t\"fmt\"\n\t\"time\"\n)\n\nvar msg = \"hello\"\n\n" +
			"func main() {\n\tif msg == \"sleep\" {\n\t\ttime.Sleep(time.Minute)\n\t}\n\tfmt.Println(msg)\n}\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(src, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "hactl-web")
	cmd := exec.Command(goTool, "build", "-trimpath", "-ldflags", "-s -w -X main.msg="+msg, "-o", out, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOWORK=off", "GOFLAGS=")
	if data, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build the test binary: %v\n%s", err, data)
	}
	return out
}

// tarFile is one entry of a tar read back by readTar.
type tarFile struct {
	Mode    int64
	Content string
}

func readTar(t *testing.T, data []byte) (map[string]tarFile, []string) {
	t.Helper()
	tr := tar.NewReader(bytes.NewReader(data))
	files := map[string]tarFile{}
	var order []string
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return files, order
		}
		if err != nil {
			t.Fatal(err)
		}
		content, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if hdr.Typeflag != tar.TypeReg {
			t.Errorf("%s: type %c, want a regular file", hdr.Name, hdr.Typeflag)
		}
		files[hdr.Name] = tarFile{Mode: hdr.Mode, Content: string(content)}
		order = append(order, hdr.Name)
	}
}

// fakeImages is an in-memory engine.Images: BuildImage stores an image with
// the given labels, and counts builds.
type fakeImages struct {
	images map[string]engine.Image // by tag
	builds []string
	nextID int
}

func newFakeImages() *fakeImages { return &fakeImages{images: map[string]engine.Image{}} }

func (f *fakeImages) InspectImage(_ context.Context, ref string) (engine.Image, error) {
	if img, ok := f.images[ref]; ok {
		return img, nil
	}
	for _, img := range f.images {
		if img.ID == ref {
			return img, nil
		}
	}
	return engine.Image{}, fmt.Errorf("inspect image %s: %w", ref, engine.ErrNotFound)
}

func (f *fakeImages) ListImages(_ context.Context, labels map[string]string) ([]engine.Image, error) {
	var out []engine.Image
	for _, img := range f.images {
		ok := true
		for k, v := range labels {
			ok = ok && img.Labels[k] == v
		}
		if ok {
			out = append(out, img)
		}
	}
	return out, nil
}

func (f *fakeImages) BuildImage(_ context.Context, bc io.Reader, tag string, labels map[string]string, progress engine.BuildProgress) error {
	if _, err := io.ReadAll(bc); err != nil {
		return err
	}
	f.nextID++
	f.builds = append(f.builds, tag)
	if progress != nil {
		progress("Step 1/1 : FROM scratch")
	}
	f.images[tag] = engine.Image{ID: fmt.Sprintf("sha256:%064d", f.nextID), Tags: []string{tag}, Labels: labels}
	return nil
}

func (f *fakeImages) ImportImage(context.Context, io.Reader, string, []string, engine.BuildProgress) error {
	return fmt.Errorf("fakeImages: import is not supported")
}

func (f *fakeImages) RemoveImage(_ context.Context, ref string) error {
	for tag, img := range f.images {
		if tag == ref || img.ID == ref {
			delete(f.images, tag)
			return nil
		}
	}
	return fmt.Errorf("remove image %s: %w", ref, engine.ErrNotFound)
}

// lockedBuffer is a bytes.Buffer safe for a process's stdout and stderr.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
