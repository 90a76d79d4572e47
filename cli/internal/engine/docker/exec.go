package docker

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/pkg/stdcopy"

	"github.com/hactl/hactl/cli/internal/engine"
)

// execExitWait bounds how long Exec waits for the daemon to record the exit
// code once the command's output has ended.
const execExitWait = 5 * time.Second

// Exec runs cmd in the running container and collects its output and exit
// code. env (KEY=VALUE) is added to the command's environment; use it for
// secrets so they never appear in the process's arguments.
func (e *Engine) Exec(ctx context.Context, nameOrID string, cmd []string, env []string) (engine.ExecResult, error) {
	if len(cmd) == 0 {
		return engine.ExecResult{}, fmt.Errorf("exec in container %s: empty command", nameOrID)
	}
	created, err := e.cli.ContainerExecCreate(ctx, nameOrID, container.ExecOptions{
		Cmd:          cmd,
		Env:          env,
		AttachStdout: true,
		AttachStderr: true,
	})
	if err != nil {
		return engine.ExecResult{}, wrapErr(err, "exec %s in container %s", cmd[0], nameOrID)
	}
	hijacked, err := e.cli.ContainerExecAttach(ctx, created.ID, container.ExecAttachOptions{})
	if err != nil {
		return engine.ExecResult{}, wrapErr(err, "attach to exec %s in container %s", cmd[0], nameOrID)
	}
	defer hijacked.Close()

	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			hijacked.Close()
		case <-done:
		}
	}()

	var stdout, stderr bytes.Buffer
	_, copyErr := stdcopy.StdCopy(&stdout, &stderr, hijacked.Reader)
	if ctx.Err() != nil {
		return engine.ExecResult{}, fmt.Errorf("exec %s in container %s: %w", cmd[0], nameOrID, ctx.Err())
	}
	if copyErr != nil {
		return engine.ExecResult{}, fmt.Errorf("read output of exec %s in container %s: %w", cmd[0], nameOrID, copyErr)
	}

	code, err := e.execExitCode(ctx, created.ID)
	if err != nil {
		return engine.ExecResult{}, fmt.Errorf("exec %s in container %s: %w", cmd[0], nameOrID, err)
	}
	return engine.ExecResult{ExitCode: code, Stdout: stdout.Bytes(), Stderr: stderr.Bytes()}, nil
}

// execExitCode polls the exec until the daemon reports it finished.
func (e *Engine) execExitCode(ctx context.Context, execID string) (int, error) {
	deadline := time.Now().Add(execExitWait)
	delay := 10 * time.Millisecond
	for {
		info, err := e.cli.ContainerExecInspect(ctx, execID)
		if err != nil {
			return 0, wrapErr(err, "inspect exec")
		}
		if !info.Running {
			return info.ExitCode, nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("output ended but the command is still running after %s", execExitWait)
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(delay):
		}
		delay = min(2*delay, 200*time.Millisecond)
	}
}
