#!/usr/bin/env bash
# Runs N failover drills of each fault mode against the Redis master and
# writes the distribution of write unavailability and lost writes to
# BENCHMARKS.md. A benchmark, not a test: it takes about 35 s a drill.
#
# It runs on a fresh stack of its own: examples/article.yaml with the
# project renamed hactl-bench and the ports moved to 6401-6403, so a stack
# of yours is left alone. DOWN_AFTER overrides Sentinel's down-after.
#
#   scripts/bench-failover.sh                 # N=10, all four modes
#   N=3 MODES="kill pause" DOWN_AFTER=1s scripts/bench-failover.sh
set -euo pipefail
cd "$(dirname "$0")/.."

N=${N:-10}
MODES=${MODES:-"kill stop pause disconnect"}
OUT=${OUT:-BENCHMARKS.md}
SECTION=${SECTION:-failover}
HACTL=${HACTL:-bin/hactl}
DOWN_AFTER=${DOWN_AFTER:-}
results=$(mktemp -d /tmp/hactl-bench-failover.XXXXXX)
FILE="$results/hactl.yaml"
sed -e 's/^project: hactl$/project: hactl-bench/' -e 's/port: 6301/port: 6401/' \
	-e 's/host_port: 5001/host_port: 6402/' -e 's/host_port: 5002/host_port: 6403/' \
	examples/article.yaml >"$FILE"
if [ -n "$DOWN_AFTER" ]; then
	sed -i "s/^  master_name: mymaster$/  master_name: mymaster\n  down_after: $DOWN_AFTER/" "$FILE"
fi
cleanup() { "$HACTL" -q down -f "$FILE" --volumes >/dev/null 2>&1 || true; }
trap cleanup EXIT

"$HACTL" -q images build -f "$FILE" >/dev/null
"$HACTL" -q down -f "$FILE" --volumes >/dev/null
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
		printf '%s #%d: %s %s %s\n' "$mode" "$i" "$(grep -o '"write_unavailable_ms": [0-9.]*' "$out")" \
			"$(grep -o '"failovers": [0-9]*' "$out")" "$(grep -o '"pass": [a-z]*' "$out")"
	done
done

cpus=$(nproc)
mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)
engine=$(docker version --format '{{.Server.Version}}')
down_after=$(grep -o 'sentinel down-after-milliseconds mymaster [0-9]*' <("$HACTL" render -f "$FILE" --out "$results/render" >/dev/null; cat "$results/render/sentinel-1/sentinel.conf") | awk '{print $4}')
settings="N=$N"
[ "$MODES" != "kill stop pause disconnect" ] && settings="$settings MODES=\"$MODES\""
[ -n "$DOWN_AFTER" ] && settings="$settings DOWN_AFTER=$DOWN_AFTER"
header="Command: \`$settings make bench-failover\` (\`hactl failover redis-master --mode MODE --json\`, $N drills a mode, 200 requests/s through HAProxy, durability on, Sentinel down-after ${down_after}ms) on $(date -u +%Y-%m-%d), $cpus cores, $mem, Docker $engine, on a fresh stack of \`examples/article.yaml\` (project and ports moved)."
go run ./scripts/benchreport -failover "$results" -into "$OUT" -section "$SECTION" -header "$header"
echo "results in $results; summary in $OUT"
