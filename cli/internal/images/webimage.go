package images

import (
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strings"
	"text/template"

	"github.com/hactl/hactl/cli/internal/catalog"
	"github.com/hactl/hactl/cli/internal/labels"
	"github.com/hactl/hactl/cli/internal/ui"
	"github.com/hactl/hactl/services"
	"github.com/hactl/hactl/templates"
)

// WebPort is the port the web apps listen on inside their containers.
const WebPort = 5000

// dockerfileData is what the Dockerfile templates see.
type dockerfileData struct {
	Port int
	Kind string // flask or gunicorn
	Base string // the image the Flask app starts FROM
}

// webKind is the io.hactl.image-kind label of a web image.
func webKind(w catalog.WebImage) string {
	switch w.Kind {
	case catalog.WebFlask:
		return KindWebFlask
	case catalog.WebGunicorn:
		return KindWebGunicorn
	}
	return KindWebGo
}

// webContext makes the build context of w.
func (b *Builder) webContext(w catalog.WebImage) (buildContext, error) {
	switch w.Kind {
	case catalog.WebGo:
		return goWebContext(b.WebBinary)
	case catalog.WebFlask, catalog.WebGunicorn:
		return flaskContext(w)
	}
	return nil, fmt.Errorf("image %s: unknown web image kind %q", w.Tag, w.Kind)
}

// goWebContext is the Dockerfile and the static web binary, as "web".
func goWebContext(binary string) (buildContext, error) {
	content, err := readWebBinary(binary)
	if err != nil {
		return nil, err
	}
	dockerfile, err := renderDockerfile("web.Dockerfile.tmpl", dockerfileData{Port: WebPort})
	if err != nil {
		return nil, err
	}
	return buildContext{
		{Name: "Dockerfile", Mode: 0o644, Content: dockerfile},
		{Name: "web", Mode: 0o755, Content: content},
	}, nil
}

// flaskContext is the Dockerfile, app.py and the launcher "web".
func flaskContext(w catalog.WebImage) (buildContext, error) {
	if w.Base == "" {
		return nil, fmt.Errorf("image %s: the Flask app needs a base image with Python", w.Tag)
	}
	dockerfile, err := renderDockerfile("flask.Dockerfile.tmpl", dockerfileData{Port: WebPort, Kind: string(w.Kind), Base: w.Base})
	if err != nil {
		return nil, err
	}
	app, err := fs.ReadFile(services.Flask, "flask/app.py")
	if err != nil {
		return nil, fmt.Errorf("read the embedded Flask app: %w", err)
	}
	launcher, err := fs.ReadFile(services.Flask, "flask/web")
	if err != nil {
		return nil, fmt.Errorf("read the embedded Flask launcher: %w", err)
	}
	return buildContext{
		{Name: "Dockerfile", Mode: 0o644, Content: dockerfile},
		{Name: "app.py", Mode: 0o644, Content: app},
		{Name: "web", Mode: 0o755, Content: launcher},
	}, nil
}

// renderDockerfile executes one of the embedded Dockerfile templates.
func renderDockerfile(name string, data dockerfileData) ([]byte, error) {
	t, err := template.New(name).Option("missingkey=error").ParseFS(templates.FS, name)
	if err != nil {
		return nil, fmt.Errorf("parse template %s: %w", name, err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return nil, fmt.Errorf("render template %s: %w", name, err)
	}
	return buf.Bytes(), nil
}

// readWebBinary reads the Go web app binary after checking that it can run
// in a FROM scratch image.
func readWebBinary(path string) ([]byte, error) {
	if path == "" {
		path = DefaultWebBinary()
	}
	content, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("the web app binary %s is missing: run make build (it builds hactl-web next to hactl), or set HACTL_WEB_BINARY", path)
	}
	if err != nil {
		return nil, fmt.Errorf("read the web app binary: %w", err)
	}
	if err := checkStatic(path, content); err != nil {
		return nil, err
	}
	return content, nil
}

// elfMachines maps GOARCH to the ELF machine a binary must be built for to
// run on the local engine (assumed to have the host's architecture).
var elfMachines = map[string]elf.Machine{
	"amd64":   elf.EM_X86_64,
	"arm64":   elf.EM_AARCH64,
	"386":     elf.EM_386,
	"arm":     elf.EM_ARM,
	"riscv64": elf.EM_RISCV,
	"ppc64le": elf.EM_PPC64,
	"s390x":   elf.EM_S390,
}

// checkStatic checks that content is an executable Linux ELF file for this
// architecture with no dynamic loader (no PT_INTERP program header), since
// a FROM scratch image has no libc and no loader.
func checkStatic(path string, content []byte) error {
	f, err := elf.NewFile(bytes.NewReader(content))
	if err != nil {
		return fmt.Errorf("the web app binary %s is not an ELF executable (%v): build it for Linux with CGO_ENABLED=0", path, err)
	}
	defer f.Close()
	if f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
		return fmt.Errorf("the web app binary %s is not an executable (ELF type %s)", path, f.Type)
	}
	if want, ok := elfMachines[runtime.GOARCH]; ok && f.Machine != want {
		return fmt.Errorf("the web app binary %s is built for %s, not for this machine (%s): rebuild it with GOARCH=%s",
			path, strings.TrimPrefix(f.Machine.String(), "EM_"), runtime.GOARCH, runtime.GOARCH)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			interp := "a dynamic loader"
			if data, err := readAll(p); err == nil {
				interp = strings.TrimRight(string(data), "\x00")
			}
			return fmt.Errorf("the web app binary %s is dynamically linked (it needs %s), so it cannot run FROM scratch: build it with CGO_ENABLED=0", path, interp)
		}
	}
	return nil
}

func readAll(p *elf.Prog) ([]byte, error) {
	data := make([]byte, p.Filesz)
	_, err := p.ReadAt(data, 0)
	return data, err
}

// ensureWeb builds w unless an image with its tag and the source hash of
// the current build context exists.
func (b *Builder) ensureWeb(ctx context.Context, j *job, w catalog.WebImage) error {
	old, found, err := b.inspect(ctx, w.Tag)
	if err != nil {
		return err
	}
	bc, err := b.webContext(w)
	if err != nil {
		if found && !j.force[w.Tag] && !j.explicit {
			// The image can still run; it just cannot be checked for
			// staleness.
			ui.From(ctx).Event(ui.Event{Time: timeNow(), Object: w.Tag, Status: ui.Note,
				Text: "kept the present image: " + err.Error()})
			return nil
		}
		return fmt.Errorf("build image %s: %w", w.Tag, err)
	}
	source := bc.Hash()
	if found && !j.force[w.Tag] && old.Labels[labels.ImageSource] == source {
		if j.explicit {
			upToDate(ctx, w.Tag, old)
		}
		return nil
	}
	why := "building (missing)"
	if found {
		why = "rebuilding (source changed)"
		if j.force[w.Tag] {
			why = "rebuilding (forced)"
		}
	}
	if err := b.buildWeb(ctx, w, bc, source, why); err != nil {
		return err
	}
	if found {
		b.dropOld(ctx, old)
	}
	return nil
}

// buildWeb builds w from its build context with the engine's builder.
func (b *Builder) buildWeb(ctx context.Context, w catalog.WebImage, bc buildContext, source, why string) (err error) {
	done := ui.Step(ctx, w.Tag, why)
	defer func() {
		if err != nil {
			done(err, "")
		}
	}()
	data, err := bc.Tar()
	if err != nil {
		return err
	}
	lbls := map[string]string{
		labels.Managed:     "true",
		labels.ImageKind:   webKind(w),
		labels.ImageSource: source,
	}
	p := ui.From(ctx)
	progress := func(line string) {
		if strings.HasPrefix(line, "Step ") {
			p.Event(ui.Event{Time: timeNow(), Object: w.Tag, Status: ui.Working, Text: line})
		}
	}
	if err := b.Engine.BuildImage(ctx, bytes.NewReader(data), w.Tag, lbls, progress); err != nil {
		return fmt.Errorf("build image %s: %w", w.Tag, err)
	}
	img, found, err := b.inspect(ctx, w.Tag)
	if err != nil {
		return err
	}
	if !found || img.Labels[labels.ImageSource] != source {
		return fmt.Errorf("build image %s: the engine reported success but the image is missing or lacks label %s=%s", w.Tag, labels.ImageSource, source)
	}
	done(nil, "built "+shortID(img.ID)+", "+humanSize(img.Size))
	return nil
}
