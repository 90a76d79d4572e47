// Package catalog names the images hactl can build without a registry and
// what goes into each. It is pure data: the builder in package images does
// the work.
package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Suite is the Debian release the base images are bootstrapped from.
const Suite = "bookworm"

// Rootfs is a base image made by bootstrapping Debian with a package list
// and importing the result.
type Rootfs struct {
	Repository string   // image name without tag
	Packages   []string // installed on top of Debian's minbase variant
}

// Tag is the image reference: the repository tagged with a hash of the suite
// and the package list, so the image is rebuilt only when the list changes.
func (r Rootfs) Tag() string {
	sum := sha256.Sum256([]byte(Suite + "\n" + strings.Join(r.Packages, "\n")))
	return r.Repository + ":" + hex.EncodeToString(sum[:])[:12]
}

// Server is the base image of the server roles: Redis, Sentinel, HAProxy now;
// RabbitMQ, MariaDB, nginx and keepalived for the full architecture.
var Server = Rootfs{
	Repository: "hactl/server",
	Packages: []string{
		"ca-certificates", "curl", "haproxy", "iproute2", "keepalived",
		"mariadb-server", "nginx", "procps", "rabbitmq-server",
		"redis-sentinel", "redis-server", "redis-tools",
	},
}

// Python is the base image of the Flask web app used as a baseline in
// benchmarks.
var Python = Rootfs{
	Repository: "hactl/python",
	Packages:   []string{"curl", "gunicorn", "python3-flask", "python3-redis"},
}

// Rootfses lists every bootstrapped base image.
var Rootfses = []Rootfs{Server, Python}

// WebKind says how a web image is built.
type WebKind string

const (
	// WebGo is the Go web app in a FROM scratch image.
	WebGo WebKind = "go"
	// WebFlask is the write-up's Flask app run with `flask run`.
	WebFlask WebKind = "flask"
	// WebGunicorn is the same Flask app under gunicorn.
	WebGunicorn WebKind = "gunicorn"
)

// WebImage is an image of the web app that hactl builds.
type WebImage struct {
	Tag  string
	Kind WebKind
	Base string // empty for FROM scratch
}

// WebImages lists the web app images hactl knows how to build.
var WebImages = []WebImage{
	{Tag: "web:v1", Kind: WebGo},
	{Tag: "web-flask:v1", Kind: WebFlask, Base: Python.Tag()},
	{Tag: "web-gunicorn:v1", Kind: WebGunicorn, Base: Python.Tag()},
}

// LookupRootfs finds a bootstrapped base image by tag.
func LookupRootfs(tag string) (Rootfs, bool) {
	for _, r := range Rootfses {
		if r.Tag() == tag {
			return r, true
		}
	}
	return Rootfs{}, false
}
