// Package render turns a topology and its secrets into the stack's desired
// state: a compose project and the config files its services use. It is
// deterministic: the same input gives byte-identical output.
package render

import (
	"fmt"
	"sort"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/hactl/hactl/cli/internal/secrets"
	"github.com/hactl/hactl/cli/internal/topology"
)

// ComposeFile is the name of the rendered compose file.
const ComposeFile = "compose.yaml"

// ConfigDir is where each service finds its rendered config files.
const ConfigDir = "/etc/hactl"

// SecretDir is where services find their secrets.
const SecretDir = "/run/secrets"

// File is one rendered file, by its path relative to the output directory.
type File struct {
	Path    string
	Content []byte
	// Mode is the file's permission bits on disk: 0600 for configs that
	// hold credentials, 0644 for the rest. Secrets are 0644 inside the
	// owner-only secrets directory, so that a non-root service can read the
	// bind-mounted file.
	Mode uint32
}

// SecretsDir is the owner-only directory of secret files in the output.
const SecretsDir = "secrets"

// Output is the desired state of one stack.
type Output struct {
	Project *types.Project
	// Files holds every file of the project, compose.yaml included, sorted
	// by path.
	Files []File
}

// File returns the rendered file at path.
func (o *Output) File(path string) ([]byte, bool) {
	for _, f := range o.Files {
		if f.Path == path {
			return f.Content, true
		}
	}
	return nil, false
}

// Render builds the desired state.
func Render(t topology.Topology, s secrets.Secrets) (*Output, error) {
	if err := topology.Validate(t); err != nil {
		return nil, err
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	files, err := configFiles(t, s)
	if err != nil {
		return nil, err
	}
	project, err := composeProject(t, files)
	if err != nil {
		return nil, err
	}
	compose, err := ComposeYAML(project)
	if err != nil {
		return nil, err
	}
	files = append(files,
		File{Path: ComposeFile, Content: compose, Mode: 0o644},
		File{Path: ".env", Content: []byte("COMPOSE_PROJECT_NAME=" + t.Project + "\n"), Mode: 0o644},
	)
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return &Output{Project: project, Files: files}, nil
}
