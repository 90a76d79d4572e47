package docker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/build"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/pkg/jsonmessage"

	"github.com/hactl/hactl/cli/internal/engine"
)

// InspectImage describes a local image.
func (e *Engine) InspectImage(ctx context.Context, ref string) (engine.Image, error) {
	resp, err := e.cli.ImageInspect(ctx, ref)
	if err != nil {
		return engine.Image{}, wrapErr(err, "inspect image %s", ref)
	}
	img := engine.Image{ID: resp.ID, Tags: realTags(resp.RepoTags), Size: resp.Size}
	if resp.Config != nil {
		img.Labels = resp.Config.Labels
	}
	return img, nil
}

// ListImages returns the local images carrying all the given labels.
func (e *Engine) ListImages(ctx context.Context, labels map[string]string) ([]engine.Image, error) {
	list, err := e.cli.ImageList(ctx, image.ListOptions{Filters: labelFilter(labels)})
	if err != nil {
		return nil, wrapErr(err, "list images")
	}
	out := make([]engine.Image, 0, len(list))
	for _, s := range list {
		out = append(out, engine.Image{ID: s.ID, Tags: realTags(s.RepoTags), Size: s.Size, Labels: s.Labels})
	}
	return out, nil
}

// realTags drops the "<none>:<none>" placeholder older daemons report.
func realTags(tags []string) []string {
	var out []string
	for _, t := range tags {
		if t != "<none>:<none>" {
			out = append(out, t)
		}
	}
	return out
}

// BuildImage builds an image with the classic builder from a tar build
// context holding a Dockerfile, tags it and adds labels. It never pulls: the
// Dockerfile must start FROM scratch or FROM a local image.
func (e *Engine) BuildImage(ctx context.Context, buildContext io.Reader, tag string, labels map[string]string, progress engine.BuildProgress) error {
	resp, err := e.cli.ImageBuild(ctx, buildContext, build.ImageBuildOptions{
		Tags:        []string{tag},
		Labels:      labels,
		Remove:      true,
		ForceRemove: true,
		PullParent:  false,
		Version:     build.BuilderV1,
	})
	if err != nil {
		return wrapErr(err, "build image %s", tag)
	}
	defer resp.Body.Close()
	if err := readJSONMessages(resp.Body, progress); err != nil {
		return fmt.Errorf("build image %s: %w", tag, err)
	}
	return nil
}

// ImportImage creates an image from a tar of a root filesystem, tags it and
// applies Dockerfile-style changes such as `ENTRYPOINT ["/app"]` or
// `LABEL k=v`.
func (e *Engine) ImportImage(ctx context.Context, rootfs io.Reader, tag string, changes []string, progress engine.BuildProgress) error {
	rc, err := e.cli.ImageImport(ctx, image.ImportSource{Source: rootfs, SourceName: "-"}, tag, image.ImportOptions{Changes: changes})
	if err != nil {
		return wrapErr(err, "import image %s", tag)
	}
	defer rc.Close()
	if err := readJSONMessages(rc, progress); err != nil {
		return fmt.Errorf("import image %s: %w", tag, err)
	}
	return nil
}

// RemoveImage removes an image reference, and the image with its untagged
// parents once no reference is left. It fails while a container uses the
// image.
func (e *Engine) RemoveImage(ctx context.Context, ref string) error {
	_, err := e.cli.ImageRemove(ctx, ref, image.RemoveOptions{PruneChildren: true})
	if cerrdefs.IsConflict(err) {
		return fmt.Errorf("remove image %s: the image is in use: %w", ref, err)
	}
	return wrapErr(err, "remove image %s", ref)
}

// readJSONMessages reads a build or import progress stream, passes each
// output line to progress (if not nil) and returns the first error message
// in the stream.
func readJSONMessages(r io.Reader, progress engine.BuildProgress) error {
	dec := json.NewDecoder(r)
	for {
		var msg jsonmessage.JSONMessage
		if err := dec.Decode(&msg); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("read progress stream: %w", err)
		}
		if msg.Error != nil && msg.Error.Message != "" {
			return errors.New(strings.TrimSpace(msg.Error.Message))
		}
		if msg.ErrorMessage != "" {
			return errors.New(strings.TrimSpace(msg.ErrorMessage))
		}
		if progress == nil {
			continue
		}
		if msg.Stream != "" {
			for _, line := range strings.Split(strings.TrimRight(msg.Stream, "\r\n"), "\n") {
				if line = strings.TrimRight(line, "\r"); line != "" {
					progress(line)
				}
			}
		}
		if msg.Status != "" && msg.Progress == nil {
			line := msg.Status
			if msg.ID != "" {
				line = msg.ID + ": " + line
			}
			progress(line)
		}
	}
}
