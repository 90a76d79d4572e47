package render_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/hactl/hactl/cli/internal/render"
	"github.com/hactl/hactl/cli/internal/secrets"
	"github.com/hactl/hactl/cli/internal/topology"
)

var update = flag.Bool("update", false, "rewrite the golden files under examples/<name>/golden")

const examplesDir = "../../../examples"

// examples lists each example topology and the built-in defaults.
func examples(t *testing.T) map[string]topology.Topology {
	t.Helper()
	out := map[string]topology.Topology{"default": topology.Default()}
	files, err := filepath.Glob(filepath.Join(examplesDir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples found: %v", err)
	}
	for _, f := range files {
		top, err := topology.Load(f)
		if err != nil {
			t.Fatalf("example %s: %v", f, err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".yaml")] = top
	}
	return out
}

// TestGolden renders every example with fixed secrets and compares each
// file with examples/<name>/golden/<path>. Run with -update to rewrite.
func TestGolden(t *testing.T) {
	for name, top := range examples(t) {
		t.Run(name, func(t *testing.T) {
			out, err := render.Render(top, secrets.Fixed())
			if err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(examplesDir, name, "golden")
			if *update {
				if err := os.RemoveAll(dir); err != nil {
					t.Fatal(err)
				}
				if err := render.WriteDir(dir, out); err != nil {
					t.Fatal(err)
				}
			}
			var want []string
			err = filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
				if err == nil && !info.IsDir() {
					rel, _ := filepath.Rel(dir, path)
					want = append(want, filepath.ToSlash(rel))
				}
				return err
			})
			if err != nil {
				t.Fatalf("read golden files (run go test ./cli/internal/render -update): %v", err)
			}
			var got []string
			for _, f := range out.Files {
				got = append(got, f.Path)
				golden, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
				if err != nil {
					t.Errorf("%s: no golden file (run go test ./cli/internal/render -update): %v", f.Path, err)
					continue
				}
				if !bytes.Equal(golden, f.Content) {
					t.Errorf("%s differs from its golden file; run go test ./cli/internal/render -update and review the diff\n%s",
						f.Path, firstDiff(string(golden), string(f.Content)))
				}
			}
			sort.Strings(want)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("rendered files\n%s\ngolden files\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	for name, top := range examples(t) {
		a, err := render.Render(top, secrets.Fixed())
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 5; i++ {
			b, err := render.Render(top, secrets.Fixed())
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Files) != len(b.Files) {
				t.Fatalf("%s: file count changed between renders", name)
			}
			for j := range a.Files {
				if a.Files[j].Path != b.Files[j].Path || !bytes.Equal(a.Files[j].Content, b.Files[j].Content) {
					t.Fatalf("%s: %s differs between two renders of the same input", name, a.Files[j].Path)
				}
			}
		}
	}
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n  golden: " + w + "\n  got:    " + g
		}
	}
	return ""
}
