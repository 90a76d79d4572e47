package version

import "testing"

func TestLabelStartsWithANumber(t *testing.T) {
	defer func(v string) { Version = v }(Version)
	for in, want := range map[string]string{"0.1.0-dev": "0.1.0-dev", "f93daad-dirty": "0.0.0-f93daad-dirty", "": "0.0.0-"} {
		Version = in
		if got := Label(); got != want {
			t.Errorf("Label() with %q = %q, want %q", in, got, want)
		}
	}
}
