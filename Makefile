# hactl: bring up a high-availability web stack on one Docker host.
#
#   make up     build hactl and the images, bring the write-up's stack up, verify it
#   make test   every test: unit, golden, fuzz seeds, and end to end on the Docker engine

GO      ?= go
FILE    ?= examples/article.yaml
VERSION ?= 0.1.0-$(shell git describe --always --dirty 2>/dev/null || echo dev)
PKG     := github.com/hactl/hactl
HACTL   := bin/hactl

export CGO_ENABLED := 0

.PHONY: all build up verify down test unit e2e lint fmt golden bench bench-failover clean

all: build

## build: bin/hactl and, next to it, bin/hactl-web (the web app that goes into web:v1)
build:
	$(GO) build -trimpath -ldflags '-X $(PKG)/cli/internal/version.Version=$(VERSION)' -o $(HACTL) ./cli/cmd/hactl
	$(GO) build -trimpath -buildvcs=false -ldflags '-s -w' -o bin/hactl-web ./services/web

## up: build hactl and the images, then hactl up and hactl verify on $(FILE)
up: build
	$(HACTL) images build -f $(FILE)
	$(HACTL) up -f $(FILE)
	$(HACTL) verify -f $(FILE)

verify:
	$(HACTL) verify -f $(FILE)

down:
	$(HACTL) down -f $(FILE)

## test: everything, the end-to-end tests on the real engine included; one
## package at a time, so that no other test loads the machine during a drill
test: build
	HACTL_BIN=$(abspath $(HACTL)) $(GO) test -p 1 -count=1 -timeout 40m ./...

## unit: the tests that need no Docker daemon
unit:
	$(GO) test -count=1 -short ./cli/internal/topology/... ./cli/internal/render/... ./cli/internal/plan/... \
		./cli/internal/desired/... ./cli/internal/converge/... ./cli/internal/stack/... ./cli/internal/drill/... \
		./cli/internal/secrets/... ./cli/internal/app/... ./cli/internal/engine/memory/... ./services/...

## e2e: only the end-to-end tests
e2e: build
	HACTL_BIN=$(abspath $(HACTL)) $(GO) test -count=1 -timeout 40m -v ./cli/e2e/

lint:
	@test -z "$$(gofmt -l cli services templates scripts)" || (gofmt -l cli services templates scripts; exit 1)
	$(GO) vet ./...

fmt:
	gofmt -w cli services templates scripts

## golden: rewrite examples/*/golden after a deliberate change; review the diff
golden:
	$(GO) test ./cli/internal/render/ -run TestGolden -update

## bench: throughput, latency, up time and resources; results in BENCHMARKS.md
bench: build
	scripts/bench.sh

## bench-failover: N drills of each fault mode against the master; results in BENCHMARKS.md
bench-failover: build
	scripts/bench-failover.sh

clean:
	rm -rf bin
