#!/usr/bin/env bash
# Runs N failover drills of each fault mode against the Redis master and
# writes the distribution of write unavailability and lost writes to
# BENCHMARKS.md. A benchmark, not a test: it takes about 35 s a drill.
#
#   scripts/bench-failover.sh                 # N=10, all four modes
#   N=3 MODES="kill pause" scripts/bench-failover.sh
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-10}
MODES=${MODES:-"kill stop pause disconnect"}
FILE=${FILE:-examples/article.yaml}
OUT=${OUT:-BENCHMARKS.md}
SECTION=${SECTION:-failover}
HACTL=${HACTL:-bin/hactl}
results=$(mktemp -d /tmp/hactl-bench-failover.XXXXXX)

"$HACTL" -q images build -f "$FILE" >/dev/null
"$HACTL" -q up -f "$FILE" >/dev/null
"$HACTL" -q verify -f "$FILE" >/dev/null

for mode in $MODES; do
	for i in $(seq 1 "$N"); do
		out="$results/$mode-$i.json"
		# A failed drill still writes its report; keep going.
		"$HACTL" -q failover -f "$FILE" --mode "$mode" --json redis-master >"$out" || true
		if ! grep -q '"mode"' "$out"; then
			echo "drill $mode #$i did not report; the stack is not healthy, stopping" >&2
			exit 1
		fi
		printf '%s #%d: %s\n' "$mode" "$i" "$(grep -o '"write_unavailable_ms": [0-9.]*' "$out")"
	done
done

cpus=$(nproc)
mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)
engine=$(docker version --format '{{.Server.Version}}')
header="Command: \`N=$N MODES=\"$MODES\" make bench-failover\` (\`hactl failover redis-master --mode MODE --json\`, $N drills a mode, 200 requests/s through :6301, durability on) on $(date -u +%Y-%m-%d), $cpus cores, $mem, Docker $engine, topology \`$FILE\`."
go run ./scripts/benchreport -failover "$results" -into "$OUT" -section "$SECTION" -header "$header"
echo "results in $results; summary in $OUT"
