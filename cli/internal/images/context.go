package images

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"time"
)

// contextFile is one regular file of a build context.
type contextFile struct {
	Name    string // slash-separated path inside the context
	Mode    int64  // permission bits
	Content []byte
}

// buildContext is a Docker build context held in memory: a few small files
// and the web binary.
type buildContext []contextFile

// contextModTime is the modification time of every file in a context tar,
// fixed so that the same files always make the same tar.
var contextModTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// sorted returns the files ordered by name.
func (c buildContext) sorted() buildContext {
	out := append(buildContext(nil), c...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Tar returns the context as an uncompressed tar, files sorted by name,
// owned by root, with a fixed modification time.
func (c buildContext) Tar() ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range c.sorted() {
		hdr := &tar.Header{
			Typeflag: tar.TypeReg,
			Name:     f.Name,
			Mode:     f.Mode,
			Size:     int64(len(f.Content)),
			ModTime:  contextModTime,
			Format:   tar.FormatPAX,
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, fmt.Errorf("build context: write header of %s: %w", f.Name, err)
		}
		if _, err := tw.Write(f.Content); err != nil {
			return nil, fmt.Errorf("build context: write %s: %w", f.Name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("build context: %w", err)
	}
	return buf.Bytes(), nil
}

// Hash is the hex SHA-256 of the context's file names, modes and contents,
// in name order. It is the io.hactl.image-source label of the image built
// from the context, and depends on nothing else (not on time, not on the
// tar encoding).
func (c buildContext) Hash() string {
	h := sha256.New()
	for _, f := range c.sorted() {
		fmt.Fprintf(h, "%s\x00%o\x00%d\x00", f.Name, f.Mode, len(f.Content))
		h.Write(f.Content)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Size is the total size of the files.
func (c buildContext) Size() int64 {
	var n int64
	for _, f := range c {
		n += int64(len(f.Content))
	}
	return n
}
