package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/hactl/hactl/cli/internal/engine"
	"github.com/hactl/hactl/cli/internal/probe"
	"github.com/hactl/hactl/cli/internal/render"
	"github.com/hactl/hactl/cli/internal/secrets"
	"github.com/hactl/hactl/cli/internal/topology"
)

// DefaultFile is read when -f is not given and it exists.
const DefaultFile = "hactl.yaml"

var fileFlag = &cli.StringFlag{
	Name:    "file",
	Aliases: []string{"f"},
	Usage:   "topology `FILE` (default: ./hactl.yaml if it exists, else the built-in defaults)",
	EnvVars: []string{"HACTL_FILE"},
}

// loadTopology reads the topology named by -f.
func loadTopology(c *cli.Context) (topology.Topology, error) {
	path := c.String("file")
	if path == "" {
		if _, err := os.Stat(DefaultFile); err == nil {
			path = DefaultFile
		}
	}
	t, err := topology.Load(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return t, usagef("topology file %s does not exist", path)
		}
		return t, err
	}
	return t, nil
}

func secretStore() (secrets.Store, error) {
	dir, err := secrets.DefaultDir()
	if err != nil {
		return secrets.Store{}, err
	}
	return secrets.Store{Dir: dir}, nil
}

// renderStack loads the topology and the stack's secrets, and renders them.
func renderStack(c *cli.Context) (topology.Topology, *render.Output, error) {
	t, out, _, err := desiredWithSecrets(c)
	return t, out, err
}

// desiredWithSecrets is renderStack that also returns the secrets, generating
// them the first time a stack needs them.
func desiredWithSecrets(c *cli.Context) (topology.Topology, *render.Output, secrets.Secrets, error) {
	t, err := loadTopology(c)
	if err != nil {
		return t, nil, secrets.Secrets{}, err
	}
	store, err := secretStore()
	if err != nil {
		return t, nil, secrets.Secrets{}, err
	}
	sec, _, err := store.LoadOrCreate(t.Project)
	if err != nil {
		return t, nil, sec, err
	}
	out, err := render.Render(t, sec)
	if err != nil {
		return t, nil, sec, fmt.Errorf("render project %s: %w", t.Project, err)
	}
	return t, out, sec, nil
}

// topologyWithSecrets loads the topology and the secrets of an existing
// stack; a stack without secrets has never been brought up.
func topologyWithSecrets(c *cli.Context) (topology.Topology, secrets.Secrets, error) {
	t, err := loadTopology(c)
	if err != nil {
		return t, secrets.Secrets{}, err
	}
	store, err := secretStore()
	if err != nil {
		return t, secrets.Secrets{}, err
	}
	sec, err := store.Load(t.Project)
	if errors.Is(err, fs.ErrNotExist) {
		return t, sec, fmt.Errorf("project %s has no secrets in %s: it was never brought up here (run hactl up)", t.Project, store.Dir)
	}
	return t, sec, err
}

// stackEnv is what a command acting on a running stack needs.
type stackEnv struct {
	t     topology.Topology
	sec   secrets.Secrets
	e     engine.Engine
	probe *probe.Prober
}

// openStack loads the topology and the secrets of an existing stack and
// connects to the engine. The caller closes env.e.
func openStack(c *cli.Context) (*stackEnv, error) {
	t, sec, err := topologyWithSecrets(c)
	if err != nil {
		return nil, err
	}
	e, err := openEngine(c.Context)
	if err != nil {
		return nil, err
	}
	return &stackEnv{t: t, sec: sec, e: e, probe: probe.New(e, t, sec)}, nil
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}
