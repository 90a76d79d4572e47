package render_test

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/hactl/hactl/cli/internal/render"
	"github.com/hactl/hactl/cli/internal/secrets"
)

// TestDockerComposeReadsRenderedProject checks that docker-compose (v1)
// accepts every rendered compose.yaml.
func TestDockerComposeReadsRenderedProject(t *testing.T) {
	bin, err := exec.LookPath("docker-compose")
	if err != nil {
		t.Skip("docker-compose is not installed: cannot check that it reads the rendered compose.yaml")
	}
	for name, top := range examples(t) {
		t.Run(name, func(t *testing.T) {
			out, err := render.Render(top, secrets.Fixed())
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if err := render.WriteDir(dir, out); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(bin, "-f", "compose.yaml", "config", "-q")
			cmd.Dir = dir
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("docker-compose config -q: %v\n%s", err, stderr.String())
			}
			cmd = exec.Command(bin, "-f", "compose.yaml", "config", "--services")
			cmd.Dir = dir
			services, err := cmd.Output()
			if err != nil {
				t.Fatalf("docker-compose config --services: %v", err)
			}
			got := strings.Fields(string(services))
			if len(got) != len(out.Project.Services) {
				t.Fatalf("docker-compose sees services %v, want %v", got, out.Project.ServiceNames())
			}
		})
	}
}
