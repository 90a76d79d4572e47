package memory

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/hactl/hactl/cli/internal/engine"
)

// image is one local image's record, keyed by its normalized reference.
type image struct {
	info engine.Image
}

// normalize adds the implicit ":latest" tag to a reference without a tag
// or digest, as Docker does.
func normalize(ref string) string {
	last := ref[strings.LastIndex(ref, "/")+1:]
	if ref == "" || strings.ContainsAny(last, ":@") {
		return ref
	}
	return ref + ":latest"
}

// image finds an image by reference, ID or unique ID prefix.
func (e *Engine) image(ref string) (*image, bool) {
	if img, ok := e.images[normalize(ref)]; ok {
		return img, true
	}
	return byIDOrName(e.images, func(i *image) string { return i.info.ID }, strings.TrimPrefix(ref, "sha256:"))
}

// AddImage seeds the image set with a reference and no labels.
func (e *Engine) AddImage(ref string) {
	e.AddImageWithLabels(ref, nil)
}

// AddImageWithLabels seeds the image set with a reference and its labels,
// replacing an image of the same reference.
func (e *Engine) AddImageWithLabels(ref string, labels map[string]string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.addImage(ref, labels)
}

func (e *Engine) addImage(ref string, labels map[string]string) {
	ref = normalize(ref)
	labels = maps.Clone(labels)
	if labels == nil {
		labels = map[string]string{}
	}
	id := e.newID("image")
	e.images[ref] = &image{info: engine.Image{ID: id, Tags: []string{ref}, Labels: labels}}
}

// InspectImage describes a local image, found by reference or ID.
func (e *Engine) InspectImage(ctx context.Context, ref string) (engine.Image, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.available(ctx, "inspect image "+ref); err != nil {
		return engine.Image{}, err
	}
	img, ok := e.image(ref)
	if !ok {
		return engine.Image{}, fmt.Errorf("inspect image %s: %w", ref, notFound("image"))
	}
	return cloneImage(img.info), nil
}

// ListImages returns the images carrying all the given labels, sorted by
// reference.
func (e *Engine) ListImages(ctx context.Context, labels map[string]string) ([]engine.Image, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.available(ctx, "list images"); err != nil {
		return nil, err
	}
	var out []engine.Image
	for _, ref := range slices.Sorted(maps.Keys(e.images)) {
		if img := e.images[ref]; matches(img.info.Labels, labels) {
			out = append(out, cloneImage(img.info))
		}
	}
	return out, nil
}

// BuildImage reads the build context to its end and records the tag with
// the labels.
func (e *Engine) BuildImage(ctx context.Context, buildContext io.Reader, tag string, labels map[string]string, progress engine.BuildProgress) error {
	return e.makeImage(ctx, OpBuildImage, buildContext, tag, labels, progress)
}

// ImportImage reads the root filesystem to its end and records the tag.
func (e *Engine) ImportImage(ctx context.Context, rootfs io.Reader, tag string, _ []string, progress engine.BuildProgress) error {
	return e.makeImage(ctx, OpImportImage, rootfs, tag, nil, progress)
}

func (e *Engine) makeImage(ctx context.Context, op string, r io.Reader, tag string, labels map[string]string, progress engine.BuildProgress) error {
	if err := e.begin(ctx, op, tag); err != nil {
		return err
	}
	if r != nil {
		if _, err := io.Copy(io.Discard, r); err != nil {
			return opErr(op, tag, err)
		}
	}
	e.mu.Lock()
	e.addImage(tag, labels)
	e.mu.Unlock()
	if progress != nil {
		progress("Successfully tagged " + normalize(tag))
	}
	return nil
}

// RemoveImage removes an image. It fails while a container uses it.
func (e *Engine) RemoveImage(ctx context.Context, ref string) error {
	if err := e.begin(ctx, OpRemoveImage, ref); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	img, ok := e.image(ref)
	if !ok {
		return opErr(OpRemoveImage, ref, notFound("image"))
	}
	key := img.info.Tags[0]
	users := e.usedBy(func(c *container) bool { return normalize(c.info.Image) == key || c.info.Image == img.info.ID })
	if len(users) > 0 {
		return opErr(OpRemoveImage, ref, fmt.Errorf("the image is in use by %s: %w", strings.Join(users, ", "), ErrConflict))
	}
	delete(e.images, key)
	return nil
}

func cloneImage(i engine.Image) engine.Image {
	i.Tags = slices.Clone(i.Tags)
	i.Labels = maps.Clone(i.Labels)
	return i
}
