package secrets

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Store keeps each project's secrets in a file under a directory:
// <dir>/<project>/secrets.json, mode 0600, in a 0700 directory.
type Store struct {
	Dir string
}

// DefaultDir is $HACTL_HOME, else $XDG_STATE_HOME/hactl, else
// ~/.local/state/hactl.
func DefaultDir() (string, error) {
	if d := os.Getenv("HACTL_HOME"); d != "" {
		return d, nil
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "hactl"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find a place for hactl's state: set HACTL_HOME: %w", err)
	}
	return filepath.Join(home, ".local", "state", "hactl"), nil
}

func (s Store) path(project string) string {
	return filepath.Join(s.Dir, project, "secrets.json")
}

// Load reads a project's secrets; fs.ErrNotExist (wrapped) when there are none.
func (s Store) Load(project string) (Secrets, error) {
	data, err := os.ReadFile(s.path(project))
	if err != nil {
		return Secrets{}, fmt.Errorf("read secrets of project %s: %w", project, err)
	}
	var sec Secrets
	if err := json.Unmarshal(data, &sec); err != nil {
		return Secrets{}, fmt.Errorf("read secrets of project %s from %s: %w", project, s.path(project), err)
	}
	if err := sec.Validate(); err != nil {
		return Secrets{}, fmt.Errorf("secrets of project %s in %s: %w", project, s.path(project), err)
	}
	return sec, nil
}

// LoadOrCreate returns the project's secrets, generating and saving them the
// first time. created says whether they are new.
func (s Store) LoadOrCreate(project string) (sec Secrets, created bool, err error) {
	sec, err = s.Load(project)
	if err == nil {
		return sec, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return Secrets{}, false, err
	}
	if sec, err = Generate(nil); err != nil {
		return Secrets{}, false, err
	}
	if err := s.Save(project, sec); err != nil {
		return Secrets{}, false, err
	}
	return sec, true, nil
}

// Save writes the project's secrets atomically with owner-only permissions.
func (s Store) Save(project string, sec Secrets) error {
	dir := filepath.Dir(s.path(project))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("save secrets of project %s: %w", project, err)
	}
	data, err := json.MarshalIndent(sec, "", "  ")
	if err != nil {
		return fmt.Errorf("save secrets of project %s: %w", project, err)
	}
	tmp, err := os.CreateTemp(dir, ".secrets-*.json")
	if err != nil {
		return fmt.Errorf("save secrets of project %s: %w", project, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("save secrets of project %s: %w", project, err)
	}
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("save secrets of project %s: %w", project, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save secrets of project %s: %w", project, err)
	}
	if err := os.Rename(tmp.Name(), s.path(project)); err != nil {
		return fmt.Errorf("save secrets of project %s: %w", project, err)
	}
	return nil
}

// Remove deletes a project's secrets; removing none is not an error.
func (s Store) Remove(project string) error {
	err := os.RemoveAll(filepath.Dir(s.path(project)))
	if err != nil {
		return fmt.Errorf("remove secrets of project %s: %w", project, err)
	}
	return nil
}
