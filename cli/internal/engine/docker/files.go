package docker

import (
	"archive/tar"
	"bytes"
	"fmt"
	"path"
	"sort"
	"time"

	"github.com/hactl/hactl/cli/internal/engine"
)

// standardDirs exist in every Linux root filesystem (or are created by the
// engine in every container). The copy archive holds no entries for them, so
// their mode and owner (e.g. /tmp's 1777) are left alone.
var standardDirs = map[string]bool{
	"/": true, "/bin": true, "/boot": true, "/dev": true, "/etc": true,
	"/home": true, "/lib": true, "/lib64": true, "/media": true, "/mnt": true,
	"/opt": true, "/proc": true, "/root": true, "/run": true, "/sbin": true,
	"/srv": true, "/sys": true, "/tmp": true, "/usr": true, "/var": true,
	"/usr/bin": true, "/usr/lib": true, "/usr/local": true, "/usr/sbin": true,
	"/usr/share": true, "/var/cache": true, "/var/lib": true, "/var/log": true,
	"/var/run": true, "/var/tmp": true,
}

// filesArchive builds the tar stream that CreateContainer extracts at "/":
// the files, owned by root (mode 0644 when Mode is 0), preceded by entries
// (mode 0755) for their parent directories that are not standard ones.
func filesArchive(files []engine.File, modTime time.Time) (*bytes.Buffer, error) {
	dirs := map[string]bool{}
	for _, f := range files {
		p := path.Clean(f.Path)
		if !path.IsAbs(f.Path) || p == "/" {
			return nil, fmt.Errorf("file path %q is not an absolute file path", f.Path)
		}
		for d := path.Dir(p); !standardDirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	sortedDirs := make([]string, 0, len(dirs))
	for d := range dirs {
		sortedDirs = append(sortedDirs, d)
	}
	sort.Strings(sortedDirs) // parents sort before their children

	buf := &bytes.Buffer{}
	tw := tar.NewWriter(buf)
	for _, d := range sortedDirs {
		hdr := &tar.Header{Typeflag: tar.TypeDir, Name: d[1:] + "/", Mode: 0o755, ModTime: modTime}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, fmt.Errorf("archive directory %s: %w", d, err)
		}
	}
	for _, f := range files {
		p := path.Clean(f.Path)
		mode := f.Mode & 0o7777
		if mode == 0 {
			mode = 0o644
		}
		hdr := &tar.Header{Typeflag: tar.TypeReg, Name: p[1:], Mode: mode, Size: int64(len(f.Content)), ModTime: modTime}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, fmt.Errorf("archive file %s: %w", p, err)
		}
		if _, err := tw.Write(f.Content); err != nil {
			return nil, fmt.Errorf("archive file %s: %w", p, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("finish file archive: %w", err)
	}
	return buf, nil
}
