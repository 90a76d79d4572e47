// Package version holds hactl's version, set at build time with
// -ldflags "-X github.com/hactl/hactl/cli/internal/version.Version=...".
package version

// Version of this hactl build.
var Version = "0.1.0-dev"

// Label is the version as the com.docker.compose.version label carries it.
// docker-compose compares that label as a version number and fails on one
// that starts with a letter (a bare commit hash), so Label always starts
// with a number.
func Label() string {
	if Version != "" && Version[0] >= '0' && Version[0] <= '9' {
		return Version
	}
	return "0.0.0-" + Version
}
