package images

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// tailLines is how many lines of a failed command's output go into its
// error.
const tailLines = 30

// tail keeps the last lines written to it.
type tail struct {
	max   int
	lines []string
}

func (t *tail) add(line string) {
	if len(t.lines) == t.max {
		copy(t.lines, t.lines[1:])
		t.lines = t.lines[:t.max-1]
	}
	t.lines = append(t.lines, line)
}

func (t *tail) String() string { return strings.Join(t.lines, "\n") }

// runLines runs a command in a process group of its own, with stdin from
// /dev/null, passing each line of its combined stdout and stderr to onLine
// (from another goroutine). When ctx ends, the whole group is killed: the
// command's children too. On failure the error carries the last lines of
// output.
func runLines(ctx context.Context, env []string, onLine func(string), path string, args ...string) error {
	name := filepath.Base(path)
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = append(hostEnv(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return killGroup(cmd) }
	cmd.WaitDelay = 5 * time.Second
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("run %s: %w", name, err)
	}
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		_ = r.Close()
		_ = w.Close()
		return fmt.Errorf("run %s: %w", name, err)
	}
	_ = w.Close()

	last := &tail{max: tailLines}
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := strings.TrimRight(sc.Text(), "\r")
			last.add(line)
			if onLine != nil {
				onLine(line)
			}
		}
	}()
	waitErr := cmd.Wait()
	// Leftovers of the group would hold the pipe open; a daemon that left
	// the group would too, so stop reading after a grace period.
	_ = killGroup(cmd)
	select {
	case <-scanned:
	case <-time.After(2 * time.Second):
	}
	_ = r.Close()
	<-scanned

	if ctx.Err() != nil {
		return fmt.Errorf("%s stopped: %w", name, context.Cause(ctx))
	}
	if waitErr != nil {
		var exit *exec.ExitError
		if errors.As(waitErr, &exit) && len(last.lines) > 0 {
			return fmt.Errorf("%s failed (%w); last output:\n%s", name, waitErr, last)
		}
		return fmt.Errorf("%s failed: %w", name, waitErr)
	}
	return nil
}

// killGroup kills the process group led by cmd's process.
func killGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	if errors.Is(err, syscall.ESRCH) {
		return os.ErrProcessDone
	}
	return err
}

// hostEnv is the environment of hactl with the sbin directories on PATH
// (debootstrap calls chroot, mknod and friends by name) and no locale, so
// that the output parsed for progress is in English.
func hostEnv() []string {
	var env []string
	path := ""
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		switch {
		case k == "PATH":
			path = v
		case k == "LANG", k == "LANGUAGE", strings.HasPrefix(k, "LC_"):
		default:
			env = append(env, kv)
		}
	}
	dirs := strings.Split(path, ":")
	for _, d := range []string{"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"} {
		if !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	return append(env, "PATH="+strings.Trim(strings.Join(dirs, ":"), ":"), "LC_ALL=C")
}
