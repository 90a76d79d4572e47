package secrets

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

func TestGenerate(t *testing.T) {
	a, err := Generate(nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generate(nil)
	if err != nil {
		t.Fatal(err)
	}
	if a == b || a.RedisPassword == a.SentinelPassword {
		t.Fatal("generated secrets repeat")
	}
	safe := regexp.MustCompile(`^[a-z2-7]{32}$`)
	for _, p := range []string{a.RedisPassword, a.SentinelPassword, a.StatsPassword} {
		if !safe.MatchString(p) {
			t.Errorf("password %q is not 32 characters of [a-z2-7]", p)
		}
	}
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(bytes.NewReader(make([]byte, 5))); err == nil {
		t.Fatal("Generate succeeded with too little randomness")
	}
}

func TestValidate(t *testing.T) {
	s := Fixed()
	s.StatsPassword = "a:b"
	if err := s.Validate(); err == nil {
		t.Error("a ':' in the stats password would break haproxy's stats auth line")
	}
	s = Fixed()
	s.RedisPassword = ""
	if err := s.Validate(); err == nil {
		t.Error("an empty password validated")
	}
}

func TestStore(t *testing.T) {
	store := Store{Dir: filepath.Join(t.TempDir(), "state")}
	if _, err := store.Load("p"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load of a new project: %v, want not-exist", err)
	}
	first, created, err := store.LoadOrCreate("p")
	if err != nil || !created {
		t.Fatalf("LoadOrCreate: created=%v err=%v", created, err)
	}
	again, created, err := store.LoadOrCreate("p")
	if err != nil || created || again != first {
		t.Fatalf("second LoadOrCreate: created=%v err=%v same=%v", created, err, again == first)
	}
	info, err := os.Stat(filepath.Join(store.Dir, "p", "secrets.json"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("secrets file mode %o, want 0600", info.Mode().Perm())
	}
	dir, _ := os.Stat(filepath.Join(store.Dir, "p"))
	if dir.Mode().Perm() != 0o700 {
		t.Errorf("secrets dir mode %o, want 0700", dir.Mode().Perm())
	}
	other, _, err := store.LoadOrCreate("q")
	if err != nil || other == first {
		t.Fatal("two projects share secrets")
	}
	if err := store.Remove("p"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Load("p"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("secrets survived Remove")
	}
	if err := store.Remove("never"); err != nil {
		t.Fatalf("Remove of nothing: %v", err)
	}
}

func TestLoadRejectsCorruptFile(t *testing.T) {
	store := Store{Dir: t.TempDir()}
	if err := os.MkdirAll(filepath.Join(store.Dir, "p"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(store.Dir, "p", "secrets.json"), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := store.LoadOrCreate("p"); err == nil || errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a corrupt secrets file must be an error, not silently replaced: %v", err)
	}
}
