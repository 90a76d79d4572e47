package images

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hactl/hactl/cli/internal/catalog"
	"github.com/hactl/hactl/cli/internal/labels"
)

func TestGoWebContext(t *testing.T) {
	dir := t.TempDir()
	bin := buildTinyBinary(t, dir, "one")
	bc, err := goWebContext(bin)
	if err != nil {
		t.Fatal(err)
	}
	data, err := bc.Tar()
	if err != nil {
		t.Fatal(err)
	}
	files, order := readTar(t, data)
	if got := strings.Join(order, ","); got != "Dockerfile,web" {
		t.Fatalf("context files = %s, want Dockerfile,web", got)
	}
	if files["Dockerfile"].Mode != 0o644 || files["web"].Mode != 0o755 {
		t.Errorf("modes: Dockerfile %o, web %o; want 644, 755", files["Dockerfile"].Mode, files["web"].Mode)
	}
	want, _ := os.ReadFile(bin)
	if files["web"].Content != string(want) {
		t.Error("web in the context differs from the binary")
	}
	df := files["Dockerfile"].Content
	for _, line := range []string{"FROM scratch\n", "COPY web /web\n", "EXPOSE 5000\n", "USER 65534:65534\n",
		"ENV WEB_LISTEN=:5000\n", `CMD ["/web", "healthcheck"]`, `ENTRYPOINT ["/web"]`} {
		if !strings.Contains(df, line) {
			t.Errorf("Dockerfile lacks %q:\n%s", line, df)
		}
	}
	// The same files make the same tar.
	again, _ := bc.Tar()
	if string(again) != string(data) {
		t.Error("the context tar is not deterministic")
	}
}

func TestFlaskContext(t *testing.T) {
	for _, w := range catalog.WebImages {
		if w.Kind == catalog.WebGo {
			continue
		}
		t.Run(w.Tag, func(t *testing.T) {
			bc, err := (&Builder{}).webContext(w)
			if err != nil {
				t.Fatal(err)
			}
			data, err := bc.Tar()
			if err != nil {
				t.Fatal(err)
			}
			files, order := readTar(t, data)
			if got := strings.Join(order, ","); got != "Dockerfile,app.py,web" {
				t.Fatalf("context files = %s", got)
			}
			if files["web"].Mode != 0o755 || files["app.py"].Mode != 0o644 {
				t.Errorf("modes: web %o, app.py %o", files["web"].Mode, files["app.py"].Mode)
			}
			if !strings.HasPrefix(files["web"].Content, "#!/usr/bin/python3\n") {
				t.Error("the launcher lacks its #!/usr/bin/python3 line")
			}
			if !strings.Contains(files["app.py"].Content, "OK. We have set") {
				t.Error("app.py is not the Flask app")
			}
			df := files["Dockerfile"].Content
			for _, line := range []string{"FROM " + catalog.Python.Tag() + "\n", "COPY app.py /srv/web/app.py\n",
				"COPY web /web\n", "WEB_SERVER=" + string(w.Kind) + " ", "EXPOSE 5000\n", "USER 65534:65534\n"} {
				if !strings.Contains(df, line) {
					t.Errorf("Dockerfile lacks %q:\n%s", line, df)
				}
			}
		})
	}
}

func TestSourceHash(t *testing.T) {
	dir := t.TempDir()
	one := buildTinyBinary(t, filepath.Join(dir, "1"), "one")
	two := buildTinyBinary(t, filepath.Join(dir, "2"), "two")
	a, err := goWebContext(one)
	if err != nil {
		t.Fatal(err)
	}
	b, err := goWebContext(one)
	if err != nil {
		t.Fatal(err)
	}
	c, err := goWebContext(two)
	if err != nil {
		t.Fatal(err)
	}
	if a.Hash() != b.Hash() {
		t.Error("the same binary gives different source hashes")
	}
	if a.Hash() == c.Hash() {
		t.Error("different binaries give the same source hash")
	}
	if len(a.Hash()) != 64 {
		t.Errorf("hash %q is not hex SHA-256", a.Hash())
	}
	// Order of files does not matter; a mode does.
	rev := buildContext{a[1], a[0]}
	if rev.Hash() != a.Hash() {
		t.Error("the hash depends on file order")
	}
	mode := append(buildContext(nil), a...)
	mode[1].Mode = 0o700
	if mode.Hash() == a.Hash() {
		t.Error("the hash ignores file modes")
	}
	f1, _ := (&Builder{}).webContext(catalog.WebImages[1])
	f2, _ := (&Builder{}).webContext(catalog.WebImages[2])
	if f1.Hash() == f2.Hash() {
		t.Error("web-flask and web-gunicorn have the same source hash")
	}
}

func TestCheckStatic(t *testing.T) {
	bin := buildTinyBinary(t, t.TempDir(), "x")
	if _, err := readWebBinary(bin); err != nil {
		t.Errorf("static Go binary rejected: %v", err)
	}
	ls, err := os.ReadFile("/bin/ls")
	if err != nil {
		t.Skip("no /bin/ls to test a dynamic binary with")
	}
	err = checkStatic("/bin/ls", ls)
	if err == nil || !strings.Contains(err.Error(), "dynamically linked") || !strings.Contains(err.Error(), "CGO_ENABLED=0") {
		t.Errorf("/bin/ls: err = %v, want a dynamically linked error", err)
	}
	script := filepath.Join(t.TempDir(), "web")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho hi\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := readWebBinary(script); err == nil || !strings.Contains(err.Error(), "not an ELF executable") {
		t.Errorf("shell script: err = %v", err)
	}
	missing := filepath.Join(t.TempDir(), "nope")
	_, err = readWebBinary(missing)
	want := "the web app binary " + missing + " is missing: run make build (it builds hactl-web next to hactl), or set HACTL_WEB_BINARY"
	if err == nil || err.Error() != want {
		t.Errorf("missing binary: err = %v\nwant %s", err, want)
	}
}

func TestBuildable(t *testing.T) {
	for _, ref := range []string{catalog.Server.Tag(), catalog.Python.Tag(), "web:v1", "web-flask:v1", "web-gunicorn:v1"} {
		if !Buildable(ref) {
			t.Errorf("Buildable(%q) = false", ref)
		}
	}
	for _, ref := range []string{"redis:7", "web:v2", "hactl/server:latest", catalog.Server.Repository, ""} {
		if Buildable(ref) {
			t.Errorf("Buildable(%q) = true", ref)
		}
	}
	names := Names()
	if len(names) != 5 || names[0] != catalog.Server.Tag() || names[1] != catalog.Python.Tag() {
		t.Errorf("Names() = %v", names)
	}
}

func TestDefaultWebBinary(t *testing.T) {
	t.Setenv("HACTL_WEB_BINARY", "/opt/x/web")
	if got := DefaultWebBinary(); got != "/opt/x/web" {
		t.Errorf("with HACTL_WEB_BINARY: %s", got)
	}
	t.Setenv("HACTL_WEB_BINARY", "")
	if got := DefaultWebBinary(); filepath.Base(got) != "hactl-web" || !filepath.IsAbs(got) {
		t.Errorf("DefaultWebBinary() = %s", got)
	}
}

func TestRootfsChanges(t *testing.T) {
	got := strings.Join(rootfsChanges(catalog.Server), "\n")
	tag := catalog.Server.Tag()
	for _, want := range []string{`CMD ["/bin/bash"]`, "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"ENV LANG=C.UTF-8", "LABEL io.hactl.managed=true", "LABEL io.hactl.image-kind=rootfs",
		"LABEL io.hactl.image-source=" + tag[strings.Index(tag, ":")+1:]} {
		if !strings.Contains(got, want) {
			t.Errorf("changes lack %q:\n%s", want, got)
		}
	}
	args := strings.Join(debootstrapArgs(catalog.Python, "/c/debootstrap", "/var/tmp/x/rootfs", DefaultMirror), " ")
	want := "--variant=minbase --include=curl,gunicorn,python3-flask,python3-redis --cache-dir=/c/debootstrap bookworm /var/tmp/x/rootfs http://deb.debian.org/debian"
	if args != want {
		t.Errorf("debootstrap args:\n got %s\nwant %s", args, want)
	}
}

func TestPhaseParser(t *testing.T) {
	lines := []struct {
		line, want string
		changed    bool
	}{
		{"I: Target architecture can be executed", "debootstrap: starting", false},
		{"I: Retrieving InRelease ", "debootstrap: reading the package index", true},
		{"I: Checking Release signature", "debootstrap: reading the package index", false},
		{"I: Valid Release signature (key id 4D64FEC119C2029067D6E791F8D2585B8783D481)", "debootstrap: reading the package index", false},
		{"I: Retrieving Packages ", "debootstrap: reading the package index", false},
		{"I: Validating Packages ", "debootstrap: reading the package index", false},
		{"I: Resolving dependencies of required packages...", "debootstrap: resolving dependencies", true},
		{"I: Found additional required dependencies: libaudit1 libcap-ng0", "debootstrap: resolving dependencies", false},
		{"I: Checking component main on http://deb.debian.org/debian...", "debootstrap: resolving dependencies", false},
		{"I: Retrieving adduser 3.134", "debootstrap: retrieving packages (1)", true},
		{"I: Validating adduser 3.134", "debootstrap: retrieving packages (1)", false},
		{"I: Retrieving apt 2.6.1", "debootstrap: retrieving packages (2)", false},
		{"I: Validating apt 2.6.1", "debootstrap: retrieving packages (2)", false},
		{"I: Validating base-files 12.4+deb12u5", "debootstrap: retrieving packages (3)", false}, // cached
		{"I: Chosen extractor for .deb packages: dpkg-deb", "debootstrap: retrieving packages (3)", false},
		{"I: Extracting adduser...", "debootstrap: extracting packages (1)", true},
		{"I: Extracting apt...", "debootstrap: extracting packages (2)", false},
		{"I: Installing core packages...", "debootstrap: installing core packages", true},
		{"I: Unpacking required packages...", "debootstrap: unpacking required packages", true},
		{"I: Unpacking adduser...", "debootstrap: unpacking required packages (1)", false},
		{"dpkg: warning: something", "debootstrap: unpacking required packages (1)", false},
		{"I: Unpacking apt...", "debootstrap: unpacking required packages (2)", false},
		{"I: Configuring required packages...", "debootstrap: configuring required packages", true},
		{"I: Configuring debian-archive-keyring...", "debootstrap: configuring required packages (1)", false},
		{"I: Unpacking the base system...", "debootstrap: unpacking the base system", true},
		{"I: Unpacking redis-server...", "debootstrap: unpacking the base system (1)", false},
		{"I: Configuring the base system...", "debootstrap: configuring the base system", true},
		{"I: Configuring redis-server...", "debootstrap: configuring the base system (1)", false},
		{"W: Failure trying to run: chroot ...", "debootstrap: configuring the base system (1)", false},
		{"I: Base system installed successfully.", "debootstrap: base system installed", true},
	}
	var p phaseParser
	for _, l := range lines {
		changed := p.feed(l.line)
		if got := p.String(); got != l.want || changed != l.changed {
			t.Errorf("after %q: %q changed=%t, want %q changed=%t", l.line, got, changed, l.want, l.changed)
		}
	}
}

func TestTail(t *testing.T) {
	tl := &tail{max: 3}
	for _, s := range []string{"a", "b", "c", "d", "e"} {
		tl.add(s)
	}
	if got := tl.String(); got != "c\nd\ne" {
		t.Errorf("tail = %q", got)
	}
}

func TestUnescapeMount(t *testing.T) {
	if got := unescapeMount(`/var/tmp/a\040b/proc`); got != "/var/tmp/a b/proc" {
		t.Errorf("unescapeMount = %q", got)
	}
	if !within("/a/b", "/a") || !within("/a", "/a") || within("/ab", "/a") {
		t.Error("within is wrong")
	}
}

func TestRemoveGlobRefusesSymlinks(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "keep"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "usr/share"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "usr/share/doc")); err != nil {
		t.Fatal(err)
	}
	if err := removeGlob(root, "usr/share/doc/*"); err == nil {
		t.Error("removeGlob followed a symbolic link")
	}
	if _, err := os.Stat(filepath.Join(outside, "keep")); err != nil {
		t.Errorf("a file outside the root was removed: %v", err)
	}
}

func TestTrimRootfs(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"var/cache/apt/archives/a.deb", "var/cache/apt/archives/partial/x", "var/lib/apt/lists/l",
		"usr/share/doc/p/copyright", "usr/share/man/man1/x.1", "usr/share/locale/de/x.mo", "usr/share/info/dir",
		"usr/bin/keep", "etc/resolv.conf"} {
		p := filepath.Join(root, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := trimRootfs(root, "hactl/server:abc"); err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{"var/cache/apt/archives/a.deb", "var/lib/apt/lists/l", "usr/share/doc/p",
		"usr/share/man/man1", "usr/share/locale/de", "usr/share/info", "etc/resolv.conf"} {
		if _, err := os.Lstat(filepath.Join(root, gone)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s was not removed", gone)
		}
	}
	for _, kept := range []string{"var/lib/apt/lists", "usr/share/doc", "usr/bin/keep", "var/cache/apt/archives/partial"} {
		if _, err := os.Lstat(filepath.Join(root, kept)); err != nil {
			t.Errorf("%s was removed", kept)
		}
	}
	if data, _ := os.ReadFile(filepath.Join(root, "etc/hactl/image")); string(data) != "hactl/server:abc\n" {
		t.Errorf("/etc/hactl/image = %q", data)
	}
	if fi, err := os.Stat(filepath.Join(root, "data")); err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o755 {
		t.Errorf("/data: %v %v", fi, err)
	}
}

func TestEnsureWithFakeEngine(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	bin := buildTinyBinary(t, dir, "one")
	eng := newFakeImages()
	b := &Builder{Engine: eng, WebBinary: bin, webImages: []catalog.WebImage{{Tag: "test-web:v1", Kind: catalog.WebGo}}}

	if err := b.Ensure(ctx, []string{"test-web:v1"}); err != nil {
		t.Fatal(err)
	}
	img := eng.images["test-web:v1"]
	bc, _ := goWebContext(bin)
	if img.Labels[labels.Managed] != "true" || img.Labels[labels.ImageKind] != KindWebGo || img.Labels[labels.ImageSource] != bc.Hash() {
		t.Errorf("labels = %v", img.Labels)
	}
	if err := b.Ensure(ctx, []string{"test-web:v1", "test-web:v1"}); err != nil || len(eng.builds) != 1 {
		t.Fatalf("second Ensure: err %v, builds %v", err, eng.builds)
	}
	if err := b.Build(ctx, []string{"test-web:v1"}, true); err != nil || len(eng.builds) != 2 {
		t.Fatalf("forced Build: err %v, builds %v", err, eng.builds)
	}
	// A changed binary is rebuilt; a missing binary keeps the image.
	b.WebBinary = buildTinyBinary(t, filepath.Join(dir, "2"), "two")
	if err := b.Ensure(ctx, []string{"test-web:v1"}); err != nil || len(eng.builds) != 3 {
		t.Fatalf("Ensure after a change: err %v, builds %v", err, eng.builds)
	}
	b.WebBinary = filepath.Join(dir, "missing")
	if err := b.Ensure(ctx, []string{"test-web:v1"}); err != nil || len(eng.builds) != 3 {
		t.Fatalf("Ensure with a missing binary: err %v, builds %v", err, eng.builds)
	}
	if err := b.Build(ctx, []string{"test-web:v1"}, false); err == nil || !strings.Contains(err.Error(), "is missing") {
		t.Fatalf("Build with a missing binary: err %v", err)
	}

	// Not buildable: fine when present, else the one-line error.
	eng.images["redis:7"] = eng.images["test-web:v1"]
	if err := b.Ensure(ctx, []string{"redis:7"}); err != nil {
		t.Errorf("present redis:7: %v", err)
	}
	err := b.Ensure(ctx, []string{"redis:6"})
	var nb *NotBuildableError
	if !errors.As(err, &nb) || err.Error() != "image redis:6 is not present and hactl cannot build it; no registry is reachable here: "+
		"load it with docker load, or use the default offline image" {
		t.Errorf("missing redis:6: %v", err)
	}
	if err := b.Build(ctx, []string{"redis:7"}, false); err == nil || !strings.Contains(err.Error(), "hactl cannot build image redis:7") {
		t.Errorf("Build redis:7: %v", err)
	}
	list, err := b.List(ctx)
	if err != nil || len(list) != 2 {
		t.Errorf("List: %v %v", list, err)
	}
}

func TestFlaskImageNeedsItsBase(t *testing.T) {
	// The base is ensured first: a present base is not rebuilt, and the
	// Flask image is built on it.
	eng := newFakeImages()
	eng.images[catalog.Python.Tag()] = eng.images["x"]
	b := &Builder{Engine: eng}
	if err := b.Ensure(context.Background(), []string{"web-flask:v1"}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(eng.builds, ",") != "web-flask:v1" {
		t.Errorf("builds = %v", eng.builds)
	}
}

// TestRemoveRootfsAsRoot checks the cleanup of a bootstrap directory that a
// killed debootstrap would leave: a process running chrooted inside it and
// a mount under it.
func TestRemoveRootfsAsRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to chroot and mount")
	}
	dir, err := os.MkdirTemp(rootfsTempParent, "hactl-rootfs-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = unmountUnder(dir)
		_ = os.RemoveAll(dir)
	})
	root := filepath.Join(dir, "rootfs")
	if err := os.MkdirAll(filepath.Join(root, "proc"), 0o755); err != nil {
		t.Fatal(err)
	}
	bin := buildTinyBinary(t, t.TempDir(), "sleep")
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "sleeper"), data, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("/sleeper")
	cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: root}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	if err := syscall.Mount("tmpfs", filepath.Join(root, "proc"), "tmpfs", 0, "size=1m"); err != nil {
		t.Skip("cannot mount a tmpfs here: " + err.Error())
	}
	// Wait for the chroot to take effect.
	waitFor(t, 5*time.Second, "the chrooted process", func() bool {
		r, _ := os.Readlink(filepath.Join("/proc", strconv.Itoa(cmd.Process.Pid), "root"))
		return r == root
	})

	if err := removeRootfs(dir); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		t.Error("the chrooted process was not killed")
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s is still there: %v", dir, err)
	}
	if left, _ := mountsUnder(dir); len(left) > 0 {
		t.Errorf("still mounted: %v", left)
	}
}
