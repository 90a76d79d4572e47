// Package services embeds the source of the web apps that hactl packs into
// images at build time. The Go web app lives in services/web as its own main
// package and is built into the hactl-web binary instead.
package services

import "embed"

// Flask holds the write-up's Flask app, kept as a benchmark baseline:
// flask/app.py (the app) and flask/web (its launcher, the image's
// ENTRYPOINT /web, executable).
//
//go:embed flask/app.py flask/web
var Flask embed.FS
