package images

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hactl/hactl/cli/internal/catalog"
	"github.com/hactl/hactl/cli/internal/ui"
)

// progressEvery is how often a phase's growing count is reported at most;
// phase changes are reported at once.
const progressEvery = 2 * time.Second

// errNoDebootstrap is the error when debootstrap is missing and hactl cannot
// install it.
var errNoDebootstrap = errors.New("building the base image needs debootstrap: install it (apt-get install debootstrap) or run as root on Debian")

// debootstrapArgs are the arguments that bootstrap r into target.
func debootstrapArgs(r catalog.Rootfs, cacheDir, target, mirror string) []string {
	args := []string{"--variant=minbase"}
	if len(r.Packages) > 0 {
		args = append(args, "--include="+strings.Join(r.Packages, ","))
	}
	if cacheDir != "" {
		args = append(args, "--cache-dir="+cacheDir)
	}
	return append(args, catalog.Suite, target, mirror)
}

// findDebootstrap returns the path of debootstrap, installing it with
// apt-get when it is missing and hactl runs as root on Debian.
func findDebootstrap(ctx context.Context, object string) (string, error) {
	if p, err := lookDebootstrap(); err == nil {
		return p, nil
	}
	if _, err := os.Stat("/etc/debian_version"); err != nil || os.Geteuid() != 0 {
		return "", errNoDebootstrap
	}
	p := ui.From(ctx)
	onLine := func(line string) {
		if line = strings.TrimSpace(line); line != "" {
			p.Event(ui.Event{Time: timeNow(), Object: object, Status: ui.Working, Text: "apt-get: " + line})
		}
	}
	env := []string{"DEBIAN_FRONTEND=noninteractive"}
	install := func() error {
		return runLines(ctx, env, onLine, "apt-get", "install", "-y", "--no-install-recommends", "debootstrap")
	}
	if err := install(); err != nil {
		if ctx.Err() != nil {
			return "", err
		}
		// The package lists may be missing (a fresh system): update once.
		if uerr := runLines(ctx, env, onLine, "apt-get", "update"); uerr != nil {
			return "", fmt.Errorf("install debootstrap: %w; apt-get update: %w", err, uerr)
		}
		if err := install(); err != nil {
			return "", fmt.Errorf("install debootstrap: %w", err)
		}
	}
	path, err := lookDebootstrap()
	if err != nil {
		return "", fmt.Errorf("apt-get installed debootstrap but it is still not found: %w", errNoDebootstrap)
	}
	return path, nil
}

func lookDebootstrap() (string, error) {
	if p, err := exec.LookPath("debootstrap"); err == nil {
		return p, nil
	}
	for _, p := range []string{"/usr/sbin/debootstrap", "/sbin/debootstrap"} {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", exec.ErrNotFound
}

// runDebootstrap runs debootstrap, reporting its phases as progress events
// on object. On failure the error carries the last lines of its output and
// of its log inside the target.
func runDebootstrap(ctx context.Context, path string, args []string, target, object string) error {
	p := ui.From(ctx)
	var (
		mu       sync.Mutex
		phases   phaseParser
		reported time.Time
		shown    string
	)
	onLine := func(line string) {
		mu.Lock()
		defer mu.Unlock()
		changed := phases.feed(line)
		text := phases.String()
		if text == shown || (!changed && time.Since(reported) < progressEvery) {
			return
		}
		reported, shown = time.Now(), text
		p.Event(ui.Event{Time: timeNow(), Object: object, Status: ui.Working, Text: text})
	}
	err := runLines(ctx, nil, onLine, path, args...)
	if err == nil || ctx.Err() != nil {
		return err
	}
	if log := lastLinesOf(filepath.Join(target, "debootstrap", "debootstrap.log"), tailLines); log != "" {
		err = fmt.Errorf("%w\nlast lines of debootstrap.log:\n%s", err, log)
	}
	return err
}

// lastLinesOf returns the last n lines of a file, or "" if it is unreadable.
func lastLinesOf(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// phaseParser follows debootstrap's "I: ..." lines and names the phase it is
// in, with a count of the packages handled in that phase so far.
type phaseParser struct {
	phase string
	count int
	last  string // the package of the last counted line
}

// feed takes one line of output and reports whether the phase changed.
func (p *phaseParser) feed(line string) bool {
	msg, ok := strings.CutPrefix(strings.TrimSpace(line), "I: ")
	if !ok {
		return false
	}
	phase, item := classifyLine(strings.TrimSpace(msg))
	if phase == "" {
		return false
	}
	if verb, _, _ := strings.Cut(phase, " "); item != "" && strings.HasPrefix(p.phase, verb+" ") {
		// "Unpacking x..." inside "unpacking the base system".
		phase = p.phase
	}
	changed := phase != p.phase
	if changed {
		p.phase, p.count, p.last = phase, 0, ""
	}
	// Retrieving x is followed by Validating x: count x once.
	if item != "" && item != p.last {
		p.count++
		p.last = item
	}
	return changed
}

// String is the progress text, e.g. "debootstrap: retrieving packages (57)".
func (p *phaseParser) String() string {
	if p.phase == "" {
		return "debootstrap: starting"
	}
	s := "debootstrap: " + p.phase
	if p.count > 0 {
		s += " (" + strconv.Itoa(p.count) + ")"
	}
	return s
}

// classifyLine maps the text of an "I:" line to its phase, and for a line
// about one package returns that package as item.
func classifyLine(msg string) (phase, item string) {
	verb, rest, _ := strings.Cut(msg, " ")
	rest = strings.TrimSuffix(strings.TrimSpace(rest), "...")
	switch {
	case strings.Contains(msg, "Release signature"),
		(verb == "Retrieving" || verb == "Validating") && isIndex(rest):
		return "reading the package index", ""
	case strings.HasPrefix(msg, "Resolving dependencies"), strings.HasPrefix(msg, "Found additional"),
		strings.HasPrefix(msg, "Checking component"):
		return "resolving dependencies", ""
	case strings.HasPrefix(msg, "Installing core packages"):
		return "installing core packages", ""
	case strings.HasPrefix(msg, "Base system installed successfully"):
		return "base system installed", ""
	case strings.HasSuffix(msg, "packages...") || strings.HasSuffix(msg, "base system..."):
		// "Unpacking required packages...", "Configuring the base system..."
		return strings.ToLower(strings.TrimSuffix(msg, "...")), ""
	}
	switch verb {
	case "Retrieving", "Validating":
		// Cached packages are only validated.
		return "retrieving packages", rest
	case "Extracting", "Unpacking", "Configuring":
		return strings.ToLower(verb) + " packages", rest
	}
	return "", ""
}

// isIndex reports whether a Retrieving or Validating line is about the
// archive's index files rather than a package.
func isIndex(rest string) bool {
	switch rest {
	case "InRelease", "Release", "Release.gpg", "Packages":
		return true
	}
	return false
}
