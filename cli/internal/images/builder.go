// Package images makes sure the images a stack needs exist on the local
// engine, building what is missing. Nothing is ever pulled: no registry is
// reachable where hactl runs.
//
// hactl builds three kinds of image (see package catalog):
//
//   - rootfs base images (hactl/server, hactl/python): Debian bootstrapped
//     with debootstrap from a Debian mirror and imported. They are tagged
//     with a hash of their package list, so a present tag is up to date.
//   - the Go web app (web:v1): the static hactl-web binary in a FROM scratch
//     image, built from an in-memory build context.
//   - the Flask web app (web-flask:v1, web-gunicorn:v1): the embedded
//     services/flask files on top of the hactl/python base image.
//
// Web images carry the label io.hactl.image-source with the hash of their
// build context; an image whose label differs from what would be built now
// is rebuilt, so a new web binary is picked up and an unchanged one is not.
// The hash covers the Dockerfile, whose FROM line names the base image by
// its package-list tag; a forced rebuild of a base image does not by itself
// rebuild the images on top of it.
package images

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hactl/hactl/cli/internal/catalog"
	"github.com/hactl/hactl/cli/internal/engine"
	"github.com/hactl/hactl/cli/internal/labels"
	"github.com/hactl/hactl/cli/internal/ui"
)

// DefaultMirror is the Debian mirror the base images are bootstrapped from.
const DefaultMirror = "http://deb.debian.org/debian"

// timeNow is time.Now, for progress events.
var timeNow = time.Now

// Image kinds, the values of the io.hactl.image-kind label.
const (
	KindRootfs      = "rootfs"
	KindWebGo       = "web-go"
	KindWebFlask    = "web-flask"
	KindWebGunicorn = "web-gunicorn"
)

// Builder ensures images exist, building them on the local engine. Building
// a base image needs root (debootstrap). A Builder is not safe for
// concurrent use.
type Builder struct {
	// Engine is where images are looked up, built and imported.
	Engine engine.Images
	// WebBinary is the path of the static Go web app binary (hactl-web) that
	// goes into web:v1. See DefaultWebBinary.
	WebBinary string
	// CacheDir keeps downloads between builds: debootstrap's .deb cache is
	// CacheDir/debootstrap, so a rebuild downloads nothing. Empty disables
	// the cache.
	CacheDir string
	// Mirror is the Debian mirror; empty means DefaultMirror.
	Mirror string

	// webImages replaces catalog.WebImages when not nil, so that tests can
	// build under tags of their own.
	webImages []catalog.WebImage
}

// Ensure makes sure every ref exists, building only what is missing or, for
// web images, out of date. Base images are built before the images that
// start FROM them. A missing ref that hactl cannot build is an error: there
// is no registry to pull it from.
func (b *Builder) Ensure(ctx context.Context, refs []string) error {
	return b.run(ctx, refs, false, false)
}

// Build is `hactl images build`: like Ensure, but every ref must be one hactl
// can build, an empty refs means all of them (see Names), up-to-date images
// are reported as such, and force rebuilds the named refs even when they
// are up to date (their base images are only ensured).
func (b *Builder) Build(ctx context.Context, refs []string, force bool) error {
	if len(refs) == 0 {
		refs = b.names()
	}
	for _, ref := range refs {
		if !b.buildable(ref) {
			return fmt.Errorf("hactl cannot build image %s: it builds only %s", ref, strings.Join(b.names(), ", "))
		}
	}
	return b.run(ctx, refs, force, true)
}

// List returns the images hactl built (label io.hactl.managed=true).
func (b *Builder) List(ctx context.Context) ([]engine.Image, error) {
	imgs, err := b.Engine.ListImages(ctx, map[string]string{labels.Managed: "true"})
	if err != nil {
		return nil, fmt.Errorf("list hactl images: %w", err)
	}
	return imgs, nil
}

// Buildable reports whether hactl knows how to build ref.
func Buildable(ref string) bool {
	return (&Builder{}).buildable(ref)
}

// Names lists every image hactl can build: the base images first.
func Names() []string {
	return (&Builder{}).names()
}

// DefaultWebBinary is where the Go web app binary is looked for: the file
// hactl-web next to the running executable, or $HACTL_WEB_BINARY when set.
func DefaultWebBinary() string {
	if p := os.Getenv("HACTL_WEB_BINARY"); p != "" {
		return p
	}
	exe, err := os.Executable()
	if err != nil {
		return "hactl-web"
	}
	if resolved, err := filepath.EvalSymlinks(exe); err == nil {
		exe = resolved
	}
	return filepath.Join(filepath.Dir(exe), "hactl-web")
}

// NotBuildableError is returned for a missing image hactl cannot build.
type NotBuildableError struct{ Ref string }

func (e *NotBuildableError) Error() string {
	return "image " + e.Ref + " is not present and hactl cannot build it; no registry is reachable here: " +
		"load it with docker load, or use the default offline image"
}

func (b *Builder) buildable(ref string) bool {
	_, isRootfs := catalog.LookupRootfs(ref)
	_, isWeb := b.lookupWeb(ref)
	return isRootfs || isWeb
}

func (b *Builder) names() []string {
	var out []string
	for _, r := range catalog.Rootfses {
		out = append(out, r.Tag())
	}
	for _, w := range b.webList() {
		out = append(out, w.Tag)
	}
	return out
}

func (b *Builder) webList() []catalog.WebImage {
	if b.webImages != nil {
		return b.webImages
	}
	return catalog.WebImages
}

func (b *Builder) lookupWeb(ref string) (catalog.WebImage, bool) {
	for _, w := range b.webList() {
		if w.Tag == ref {
			return w, true
		}
	}
	return catalog.WebImage{}, false
}

func (b *Builder) mirror() string {
	if b.Mirror != "" {
		return b.Mirror
	}
	return DefaultMirror
}

// job is one Ensure or Build call.
type job struct {
	force    map[string]bool // refs to rebuild even when up to date
	explicit bool            // Build: report up-to-date images too
	seen     map[string]bool
}

func (b *Builder) run(ctx context.Context, refs []string, force, explicit bool) error {
	if b.Engine == nil {
		return errors.New("images: Builder.Engine is nil")
	}
	j := &job{force: map[string]bool{}, explicit: explicit, seen: map[string]bool{}}
	if force {
		for _, ref := range refs {
			j.force[ref] = true
		}
	}
	for _, ref := range refs {
		if err := b.ensure(ctx, j, ref); err != nil {
			return err
		}
	}
	return nil
}

// ensure makes ref exist, its base image first.
func (b *Builder) ensure(ctx context.Context, j *job, ref string) error {
	if j.seen[ref] {
		return nil
	}
	j.seen[ref] = true
	if err := ctx.Err(); err != nil {
		return err
	}
	if r, ok := catalog.LookupRootfs(ref); ok {
		return b.ensureRootfs(ctx, j, r)
	}
	if w, ok := b.lookupWeb(ref); ok {
		if w.Base != "" {
			if err := b.ensure(ctx, j, w.Base); err != nil {
				return fmt.Errorf("base image of %s: %w", w.Tag, err)
			}
		}
		return b.ensureWeb(ctx, j, w)
	}
	_, found, err := b.inspect(ctx, ref)
	if err != nil {
		return err
	}
	if !found {
		return &NotBuildableError{Ref: ref}
	}
	return nil
}

// ensureRootfs builds a base image unless its tag is present.
func (b *Builder) ensureRootfs(ctx context.Context, j *job, r catalog.Rootfs) error {
	tag := r.Tag()
	old, found, err := b.inspect(ctx, tag)
	if err != nil {
		return err
	}
	if found && !j.force[tag] {
		if j.explicit {
			upToDate(ctx, tag, old)
		}
		return nil
	}
	if err := b.buildRootfs(ctx, r); err != nil {
		return err
	}
	if found {
		b.dropOld(ctx, old)
	}
	return nil
}

// inspect looks ref up; a missing image is not an error.
func (b *Builder) inspect(ctx context.Context, ref string) (engine.Image, bool, error) {
	img, err := b.Engine.InspectImage(ctx, ref)
	switch {
	case err == nil:
		return img, true, nil
	case errors.Is(err, engine.ErrNotFound):
		return engine.Image{}, false, nil
	}
	return engine.Image{}, false, fmt.Errorf("look up image %s: %w", ref, err)
}

// dropOld removes an image a rebuild replaced, if nothing refers to it any
// more (no tag left). Failing is harmless: a container or a child image
// still uses it.
func (b *Builder) dropOld(ctx context.Context, old engine.Image) {
	img, err := b.Engine.InspectImage(ctx, old.ID)
	if err != nil || len(img.Tags) > 0 {
		return
	}
	_ = b.Engine.RemoveImage(ctx, old.ID)
}

func upToDate(ctx context.Context, tag string, img engine.Image) {
	ui.From(ctx).Event(ui.Event{Time: timeNow(), Object: tag, Status: ui.Done,
		Text: "up to date (" + shortID(img.ID) + ", " + humanSize(img.Size) + ")"})
}

func shortID(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 12 {
		id = id[:12]
	}
	return id
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
