package images

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hactl/hactl/cli/internal/engine"
	"github.com/hactl/hactl/cli/internal/ui"
)

// importProgressEvery is how many bytes of the streamed tar pass between
// two progress events.
const importProgressEvery = 32 << 20

// tarArgs are the arguments of the tar command that archives root for an
// import: numeric owners kept, the contents of the kernel's and Docker's
// mount points (/dev, /proc, /sys) left out but the directories kept.
func tarArgs(root string) []string {
	return []string{
		"--numeric-owner", "--anchored",
		"--exclude=./dev/*", "--exclude=./proc/*", "--exclude=./sys/*",
		"-C", root, "-cf", "-", ".",
	}
}

// importRootfs streams a tar of root straight into the engine as image tag,
// applying changes. The tar is never written to disk.
func importRootfs(ctx context.Context, eng engine.Images, root, tag string, changes []string) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, "tar", tarArgs(root)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 5 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("archive the root filesystem: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("archive the root filesystem: run tar: %w", err)
	}
	p := ui.From(ctx)
	src := &tarStream{r: out, cmd: cmd, stderr: &stderr, onProgress: func(n int64) {
		p.Event(ui.Event{Time: timeNow(), Object: tag, Status: ui.Working,
			Text: "importing the root filesystem (" + humanSize(n) + ")"})
	}}
	importErr := eng.ImportImage(ctx, src, tag, changes, nil)
	if importErr != nil {
		// The engine may have stopped reading early: stop tar.
		cancel()
		_ = src.wait()
		return fmt.Errorf("import the root filesystem: %w", importErr)
	}
	if err := src.wait(); err != nil {
		return err
	}
	return nil
}

// tarStream reads tar's output and reports progress. At the end of the
// stream it waits for tar: if tar failed, the reader fails instead of
// ending, so the engine never imports a truncated archive.
type tarStream struct {
	r          io.Reader
	cmd        *exec.Cmd
	stderr     *bytes.Buffer
	onProgress func(n int64)

	n, reported int64
	once        sync.Once
	waitErr     error
}

func (t *tarStream) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.n += int64(n)
	if t.n-t.reported >= importProgressEvery {
		t.reported = t.n
		t.onProgress(t.n)
	}
	if errors.Is(err, io.EOF) {
		if werr := t.wait(); werr != nil {
			return n, werr
		}
	}
	return n, err
}

// wait waits for tar once, after its output was read or abandoned.
func (t *tarStream) wait() error {
	t.once.Do(func() {
		if err := t.cmd.Wait(); err != nil {
			t.waitErr = fmt.Errorf("archive the root filesystem: tar failed (%w): %s", err, strings.TrimSpace(t.stderr.String()))
		}
	})
	return t.waitErr
}
