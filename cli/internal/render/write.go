package render

import (
	"fmt"
	"os"
	"path/filepath"
)

// WriteDir writes every rendered file under dir, creating directories as
// needed. A directory that holds credentials (the secrets, and each
// service's configs) is owner-only: Redis and Sentinel rewrite their
// config files in place with looser modes, and the directory keeps them
// private.
func WriteDir(dir string, out *Output) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write rendered files: %w", err)
	}
	for _, f := range out.Files {
		path := filepath.Join(dir, filepath.FromSlash(f.Path))
		parent := filepath.Dir(path)
		perm := os.FileMode(0o755)
		if filepath.Base(parent) == SecretsDir || f.Mode&0o077 == 0 {
			perm = 0o700
		}
		if err := os.MkdirAll(parent, perm); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		if err := os.Chmod(parent, perm); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		if err := os.WriteFile(path, f.Content, os.FileMode(f.Mode)); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		if err := os.Chmod(path, os.FileMode(f.Mode)); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	return nil
}
