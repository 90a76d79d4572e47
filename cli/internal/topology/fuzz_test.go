package topology

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that no input makes the loader panic, and that whatever
// it accepts validates. The seed corpus (examples and testdata/fuzz) runs in
// every normal test pass.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("../../../examples/*.yaml")
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{
		"", "project: x", "redis:\n  replicas: 0", "redis: [1, 2]", "a: &a [*a, *a]",
		"web:\n  apps:\n    - name: a\n      host_port: 1\n", "haproxy:\n  check: {inter: 1s, rise: 1, fall: 1}",
		"--- \n...\n", "!!binary aGVsbG8=", "redis:\n  down_after: 1h\n  failover_timeout: 2h",
		"images: {web: null}", "? [a]\n: b", "redis:\n  replicas: 9999999999999999999999",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		top, err := Parse("fuzz.yaml", data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if verr := Validate(top); verr != nil {
			t.Fatalf("Parse accepted a topology that does not validate: %v", verr)
		}
	})
}
