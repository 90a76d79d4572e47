package images

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/hactl/hactl/cli/internal/catalog"
	"github.com/hactl/hactl/cli/internal/labels"
	"github.com/hactl/hactl/cli/internal/ui"
)

// rootfsTempParent is where root filesystems are bootstrapped: it must
// allow device nodes and executables, which /tmp often does not.
const rootfsTempParent = "/var/tmp"

// rootfsChanges are the Dockerfile instructions applied when a root
// filesystem is imported as an image.
func rootfsChanges(r catalog.Rootfs) []string {
	return []string{
		`CMD ["/bin/bash"]`,
		"ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"ENV LANG=C.UTF-8",
		"LABEL " + labels.Managed + "=true",
		"LABEL " + labels.ImageKind + "=" + KindRootfs,
		"LABEL " + labels.ImageSource + "=" + rootfsSource(r),
	}
}

// rootfsSource is the package hash of r: the tag's hash part.
func rootfsSource(r catalog.Rootfs) string {
	tag := r.Tag()
	return tag[strings.LastIndex(tag, ":")+1:]
}

// buildRootfs bootstraps r with debootstrap in a temporary directory, trims
// it and imports it as an image. The directory is removed afterwards, also
// on failure or cancellation.
func (b *Builder) buildRootfs(ctx context.Context, r catalog.Rootfs) (err error) {
	tag := r.Tag()
	done := ui.Step(ctx, tag, fmt.Sprintf("bootstrapping Debian %s with %d packages", catalog.Suite, len(r.Packages)))
	defer func() {
		if err != nil {
			err = fmt.Errorf("build base image %s: %w", tag, err)
			done(err, "")
		}
	}()
	if os.Geteuid() != 0 {
		return errors.New("debootstrap needs root (it creates device nodes and runs chroot): " +
			"run hactl as root, or docker load an image built elsewhere")
	}
	deb, err := findDebootstrap(ctx, tag)
	if err != nil {
		return err
	}
	cacheDir := ""
	if b.CacheDir != "" {
		if cacheDir, err = filepath.Abs(filepath.Join(b.CacheDir, "debootstrap")); err != nil {
			return fmt.Errorf("cache directory: %w", err)
		}
		if err := os.MkdirAll(cacheDir, 0o755); err != nil {
			return fmt.Errorf("create the package cache: %w", err)
		}
	}
	if err := checkTempParent(rootfsTempParent); err != nil {
		return err
	}
	dir, err := os.MkdirTemp(rootfsTempParent, "hactl-rootfs-")
	if err != nil {
		return fmt.Errorf("create a directory for the root filesystem: %w", err)
	}
	defer func() {
		if cerr := removeRootfs(dir); cerr != nil {
			err = errors.Join(err, cerr)
		}
	}()
	root := filepath.Join(dir, "rootfs")

	if err := runDebootstrap(ctx, deb, debootstrapArgs(r, cacheDir, root, b.mirror()), root, tag); err != nil {
		return err
	}
	if killed := killChrootProcesses(root); len(killed) > 0 {
		ui.From(ctx).Event(ui.Event{Time: timeNow(), Object: tag, Status: ui.Note,
			Text: "stopped processes left running in the root filesystem: " + strings.Join(killed, ", ")})
	}
	if err := unmountUnder(root); err != nil {
		return err
	}
	ui.From(ctx).Event(ui.Event{Time: timeNow(), Object: tag, Status: ui.Working, Text: "trimming the root filesystem"})
	if err := trimRootfs(root, tag); err != nil {
		return err
	}
	if err := importRootfs(ctx, b.Engine, root, tag, rootfsChanges(r)); err != nil {
		return err
	}
	img, found, err := b.inspect(ctx, tag)
	if err != nil {
		return err
	}
	if !found {
		return errors.New("the engine reported a successful import but the image is missing")
	}
	done(nil, "built "+shortID(img.ID)+", "+humanSize(img.Size))
	return nil
}

// checkTempParent checks that dir's filesystem allows device nodes and
// executables, which debootstrap needs.
func checkTempParent(dir string) error {
	const stNoDev, stNoExec = 0x4, 0x8 // ST_NODEV, ST_NOEXEC
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return fmt.Errorf("check %s: %w", dir, err)
	}
	if st.Flags&(stNoDev|stNoExec) != 0 {
		return fmt.Errorf("%s is mounted nodev or noexec, but debootstrap needs device nodes and executables there: remount it with dev,exec", dir)
	}
	return nil
}

// trimRootfs deletes what a container does not need (package caches and
// lists, documentation, translations) and adds hactl's own files: /data,
// and /etc/hactl/image holding the tag.
func trimRootfs(root, tag string) error {
	for _, pattern := range []string{
		"var/cache/apt/archives/*.deb",
		"var/cache/apt/*.bin",
		"var/lib/apt/lists/*",
		"usr/share/doc/*",
		"usr/share/man/*",
		"usr/share/locale/*",
		"usr/share/info",
		"debootstrap",
	} {
		if err := removeGlob(root, pattern); err != nil {
			return fmt.Errorf("trim the root filesystem: %w", err)
		}
	}
	if err := mkdirIn(root, "data", 0o755); err != nil {
		return err
	}
	if err := mkdirIn(root, "etc/hactl", 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(root, "etc/hactl/image"), []byte(tag+"\n"), 0o644); err != nil {
		return fmt.Errorf("write /etc/hactl/image: %w", err)
	}
	// debootstrap copies the host's resolv.conf and hostname; Docker
	// provides both at run time.
	for _, name := range []string{"etc/resolv.conf", "etc/hostname"} {
		if err := removeGlob(root, name); err != nil {
			return err
		}
	}
	return nil
}

// removeGlob removes what pattern matches under root. It refuses to follow
// a symbolic link in the directories leading to the matches, so that it
// never deletes outside root.
func removeGlob(root, pattern string) error {
	dir := filepath.Dir(pattern)
	if err := checkNoSymlink(root, dir); err != nil {
		return err
	}
	matches, err := filepath.Glob(filepath.Join(root, pattern))
	if err != nil {
		return fmt.Errorf("bad pattern %s: %w", pattern, err)
	}
	for _, m := range matches {
		if err := os.RemoveAll(m); err != nil {
			return fmt.Errorf("remove %s: %w", strings.TrimPrefix(m, root), err)
		}
	}
	return nil
}

// checkNoSymlink checks that no component of rel under root is a symbolic
// link.
func checkNoSymlink(root, rel string) error {
	p := root
	for _, part := range strings.Split(filepath.ToSlash(rel), "/") {
		if part == "" || part == "." {
			continue
		}
		p = filepath.Join(p, part)
		fi, err := os.Lstat(p)
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			return fmt.Errorf("%s in the root filesystem is a symbolic link; not following it", strings.TrimPrefix(p, root))
		}
	}
	return nil
}

func mkdirIn(root, rel string, mode os.FileMode) error {
	if err := checkNoSymlink(root, rel); err != nil {
		return err
	}
	p := filepath.Join(root, rel)
	if err := os.MkdirAll(p, mode); err != nil {
		return fmt.Errorf("create /%s: %w", rel, err)
	}
	if err := os.Chmod(p, mode); err != nil {
		return fmt.Errorf("create /%s: %w", rel, err)
	}
	return nil
}

// removeRootfs removes a bootstrap directory: it first stops processes
// running inside it and unmounts what debootstrap mounted there (a killed
// debootstrap leaves /proc, /sys and bind mounts of /dev behind, which
// os.RemoveAll would descend into). It leaves the directory in place if
// something is still mounted.
func removeRootfs(dir string) error {
	killChrootProcesses(dir)
	if err := unmountUnder(dir); err != nil {
		return fmt.Errorf("%w; left %s in place", err, dir)
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("remove the temporary root filesystem: %w", err)
	}
	return nil
}

// killChrootProcesses kills the processes whose root directory is dir or
// under it (daemons a package started inside the chroot) and returns their
// names.
func killChrootProcesses(dir string) []string {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var killed []string
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		root, err := os.Readlink(filepath.Join("/proc", e.Name(), "root"))
		if err != nil || !within(root, dir) {
			continue
		}
		comm, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "comm"))
		if syscall.Kill(pid, syscall.SIGKILL) == nil {
			killed = append(killed, strings.TrimSpace(string(comm))+"["+e.Name()+"]")
		}
	}
	return killed
}

// within reports whether path is dir or below it.
func within(path, dir string) bool {
	return path == dir || strings.HasPrefix(path, dir+"/")
}

// unmountUnder lazily unmounts every mount point at or below dir, deepest
// first, and fails if any is left.
func unmountUnder(dir string) error {
	points, err := mountsUnder(dir)
	if err != nil || len(points) == 0 {
		return err
	}
	for i := len(points) - 1; i >= 0; i-- {
		_ = syscall.Unmount(points[i], syscall.MNT_DETACH)
	}
	left, err := mountsUnder(dir)
	if err != nil {
		return err
	}
	if len(left) > 0 {
		return fmt.Errorf("cannot unmount %s", strings.Join(left, ", "))
	}
	return nil
}

// mountsUnder lists the mount points at or below dir, in mount order.
func mountsUnder(dir string) ([]string, error) {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return nil, fmt.Errorf("read the mount table: %w", err)
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 5 {
			continue
		}
		if mp := unescapeMount(fields[4]); within(mp, dir) {
			out = append(out, mp)
		}
	}
	return out, nil
}

// unescapeMount decodes the octal escapes (\040 for a space) of a
// mountinfo path.
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
