// Package templates embeds every file hactl renders: server configs and
// Dockerfiles, as Go text/template sources.
package templates

import "embed"

// FS holds the templates, by file name.
//
//go:embed *.tmpl
var FS embed.FS
