// Package memory is an in-memory engine.Engine for unit tests of the logic
// above the engine. Containers, networks, volumes and images are plain
// records: nothing runs. Every mutating call is logged (see Calls) and can
// be made to fail (see FailOn), so tests can check what a command did, what
// it did not do, and how it copes with a failure half-way.
//
// The fake follows the Docker adapter's behaviour where tests rely on it
// (unique names, ErrNotFound for missing objects, starting a running
// container or stopping a stopped one is not an error, a network or volume
// in use cannot be removed) and is stricter where that catches ordering
// bugs: a container can only be created once the networks and volumes it
// names exist.
package memory

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hactl/hactl/cli/internal/engine"
)

// The operations passed to FailOn and recorded by Calls.
const (
	OpCreateContainer   = "create-container"
	OpStartContainer    = "start-container"
	OpStopContainer     = "stop-container"
	OpKillContainer     = "kill-container"
	OpPauseContainer    = "pause-container"
	OpUnpauseContainer  = "unpause-container"
	OpRemoveContainer   = "remove-container"
	OpCreateNetwork     = "create-network"
	OpRemoveNetwork     = "remove-network"
	OpConnectNetwork    = "connect-network"
	OpDisconnectNetwork = "disconnect-network"
	OpCreateVolume      = "create-volume"
	OpRemoveVolume      = "remove-volume"
	OpBuildImage        = "build-image"
	OpImportImage       = "import-image"
	OpRemoveImage       = "remove-image"
)

// ErrConflict is returned (wrapped) when a name is already taken or an
// object is in use or in the wrong state for the call, where Docker answers
// with a conflict.
var ErrConflict = errors.New("conflict")

// DefaultInfo is what Ping reports.
var DefaultInfo = engine.Info{
	ServerVersion: "memory",
	APIVersion:    "1.41",
	OS:            "linux",
	CPUs:          4,
	MemoryBytes:   8 << 30,
}

// Engine is the in-memory engine. The zero value is not usable: call New.
//
// The exported fields are hooks and switches. Set them before the engine is
// used concurrently (between calls in a test is fine): they are read under
// the engine's lock but written without it.
type Engine struct {
	// FailOn, when set, is called at the start of every mutating call with
	// the operation (one of the Op constants) and the object's name (a
	// container's name even when the call named it by ID; "network
	// container" for connect and disconnect). A non-nil error fails the
	// call, wrapped, before it changes anything. The call is still logged.
	FailOn func(op, name string) error
	// ExecFunc, when set, answers Exec in running containers. By default
	// every command exits 0 with no output.
	ExecFunc func(container string, cmd, env []string) (engine.ExecResult, error)
	// Unavailable makes every call fail with engine.ErrUnavailable, as if
	// the daemon had gone away. Such calls are not logged.
	Unavailable bool
	// RequireImages makes CreateContainer fail with engine.ErrNotFound when
	// the image is not in the image set, as a daemon that never pulls does.
	RequireImages bool

	mu         sync.Mutex
	seq        int
	containers map[string]*container // by name
	networks   map[string]*network   // by name
	volumes    map[string]*volume    // by name
	images     map[string]*image     // by normalized reference
	logs       map[string]string     // by container name
	calls      []string
}

// New returns an empty engine: no containers, networks, volumes or images.
func New() *Engine {
	return &Engine{
		containers: map[string]*container{},
		networks:   map[string]*network{},
		volumes:    map[string]*volume{},
		images:     map[string]*image{},
		logs:       map[string]string{},
	}
}

var _ engine.Engine = (*Engine)(nil)

// Ping reports DefaultInfo.
func (e *Engine) Ping(ctx context.Context) (engine.Info, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := e.available(ctx, "ping"); err != nil {
		return engine.Info{}, err
	}
	return DefaultInfo, nil
}

// Close does nothing: the engine stays usable.
func (e *Engine) Close() error { return nil }

// Calls returns the mutating calls made so far, in order and failed ones
// included, as "op name", e.g. "create-network hactl_back" or
// "start-container hactl-redis-1". Reads (list, inspect, logs, stats, exec,
// ping) are not recorded.
func (e *Engine) Calls() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.calls)
}

// ResetCalls forgets the calls made so far.
func (e *Engine) ResetCalls() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls = nil
}

// Objects lists every object the engine holds, sorted, as "container
// name", "network name", "volume name" or "image ref": empty when nothing
// is left.
func (e *Engine) Objects() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for n := range e.containers {
		out = append(out, "container "+n)
	}
	for n := range e.networks {
		out = append(out, "network "+n)
	}
	for n := range e.volumes {
		out = append(out, "volume "+n)
	}
	for r := range e.images {
		out = append(out, "image "+r)
	}
	sort.Strings(out)
	return out
}

// begin starts a mutating call: it checks the context and availability,
// logs the call and runs FailOn. It must be called without the lock held.
func (e *Engine) begin(ctx context.Context, op, name string) error {
	if err := ctx.Err(); err != nil {
		return opErr(op, name, err)
	}
	e.mu.Lock()
	if e.Unavailable {
		e.mu.Unlock()
		return opErr(op, name, engine.ErrUnavailable)
	}
	name = e.canonical(op, name)
	e.calls = append(e.calls, op+" "+name)
	failOn := e.FailOn
	e.mu.Unlock()
	if failOn != nil {
		if err := failOn(op, name); err != nil {
			return opErr(op, name, err)
		}
	}
	return nil
}

// canonical turns a container or network ID into its name for the call log
// and FailOn. Unknown names are kept as given.
func (e *Engine) canonical(op, name string) string {
	switch {
	case strings.HasSuffix(op, "-container") && op != OpCreateContainer:
		if c, err := e.container(name); err == nil {
			return c.info.Name
		}
	case op == OpRemoveNetwork:
		if n, err := e.network(name); err == nil {
			return n.info.Name
		}
	}
	return name
}

// available checks, with the lock held, that a read can proceed.
func (e *Engine) available(ctx context.Context, what string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if e.Unavailable {
		return fmt.Errorf("%s: %w", what, engine.ErrUnavailable)
	}
	return nil
}

// newID returns a fresh 64-hex-digit ID, deterministic for a given engine.
func (e *Engine) newID(kind string) string {
	e.seq++
	sum := sha256.Sum256([]byte(kind + "/" + strconv.Itoa(e.seq)))
	return hex.EncodeToString(sum[:])
}

// opErr reports a failed call as "<op words> <name>: <err>", e.g.
// "start container hactl-redis-1: no such container: not found".
func opErr(op, name string, err error) error {
	return fmt.Errorf("%s %s: %w", strings.ReplaceAll(op, "-", " "), name, err)
}

func notFound(kind string) error {
	return fmt.Errorf("no such %s: %w", kind, engine.ErrNotFound)
}

// matches says whether have carries every label of filter; an empty value
// in filter only asks for the key.
func matches(have, filter map[string]string) bool {
	for k, v := range filter {
		got, ok := have[k]
		if !ok || (v != "" && got != v) {
			return false
		}
	}
	return true
}

// byIDOrName finds an object by exact name, exact ID or unique ID prefix,
// as Docker does; a prefix must be at least as long as a short ID (12
// digits), so that a missing short name cannot match an ID by chance.
func byIDOrName[T any](m map[string]*T, id func(*T) string, nameOrID string) (*T, bool) {
	nameOrID = strings.TrimPrefix(nameOrID, "/")
	if o, ok := m[nameOrID]; ok && nameOrID != "" {
		return o, true
	}
	if len(nameOrID) < 12 {
		return nil, false
	}
	var found *T
	for _, o := range m {
		if strings.HasPrefix(id(o), nameOrID) {
			if found != nil {
				return nil, false // ambiguous
			}
			found = o
		}
	}
	return found, found != nil
}

func now() time.Time { return time.Now().UTC() }
