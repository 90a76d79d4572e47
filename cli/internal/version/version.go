// Package version holds hactl's version, set at build time with
// -ldflags "-X github.com/hactl/hactl/cli/internal/version.Version=...".
package version

// Version of this hactl build.
var Version = "0.1.0-dev"
