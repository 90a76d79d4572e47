#!/usr/bin/env bash
# Background noise for failover benchmarks on a small machine: one core
# kept busy, a 256 MiB fsync'd write in a loop, and a docker exec into a
# container every 200 ms. Stops by itself after SECONDS (default 600).
#
#   scripts/noise.sh 900 hactl-bench-redis-2 &
#   DOWN_AFTER=500ms N=10 MODES=kill scripts/bench-failover.sh
set -euo pipefail
seconds=${1:-600}
container=${2:-hactl-bench-redis-2}
end=$(($(date +%s) + seconds))
scratch=$(mktemp /tmp/hactl-noise.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -f "$scratch"' EXIT
(while [ "$(date +%s)" -lt "$end" ]; do :; done) &
(while [ "$(date +%s)" -lt "$end" ]; do dd if=/dev/zero of="$scratch" bs=1M count=256 conv=fsync 2>/dev/null; done) &
(while [ "$(date +%s)" -lt "$end" ]; do docker exec "$container" true >/dev/null 2>&1 || true; sleep 0.2; done) &
wait
