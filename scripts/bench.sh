#!/usr/bin/env bash
# Throughput and latency through HAProxy, `hactl up` time against
# docker-compose, and the containers' CPU and memory; the results go into
# BENCHMARKS.md (sections http, up, resources and targets). A benchmark, not
# a test: with the defaults it takes about 15 minutes, on loopback only.
#
#   scripts/bench.sh                           # RUNS=3 DURATION=15s CONNECTIONS=32 THREADS=2
#   RUNS=1 DURATION=3s scripts/bench.sh        # a quick pass
#   STACKS=go PARTS=http scripts/bench.sh      # only the Go stack's HTTP figures
#
# Every project it makes is named $PREFIX-* (hbench-go, hbench-article, ...),
# publishes its ports on 127.0.0.1 from $PORT_BASE up (7301...), keeps its
# secrets under $BENCH_HOME, and is torn down on exit or Ctrl-C. Other stacks
# on the machine are left alone.
#
# Tunables (environment):
#   RUNS=3             measured runs of every figure (medians, min–max)
#   DURATION=15s       one wrk run
#   CONNECTIONS=32     wrk connections (and redis-benchmark clients)
#   THREADS=2          wrk threads
#   WARMUP=2s          an unmeasured wrk run before each target's runs
#   REDIS_REQUESTS=200000  redis-benchmark requests per test and run
#   UP_RUNS=$RUNS      cold/warm up runs per example
#   STACKS="go gunicorn flask"   web images to measure: web:v1, web-gunicorn:v1, web-flask:v1
#   EXAMPLES="examples/*.yaml"   topology files for the up-time part
#   PARTS="http up"    http (with resources) and/or up
#   COLD=0             1: first remove web:v1 and the server base image (no
#                      container may use them) and time their build + up
#   HTTP_FILE=examples/article.yaml   the stack the HTTP part runs
#   PREFIX=hbench PORT_BASE=7300 BENCH_HOME=/tmp/hbench-home OUT=BENCHMARKS.md
set -euo pipefail
cd "$(dirname "$0")/.."

# The settings the caller gave, for the command line in BENCHMARKS.md.
given=""
for v in RUNS DURATION CONNECTIONS THREADS WARMUP REDIS_REQUESTS UP_RUNS STACKS EXAMPLES PARTS COLD HTTP_FILE PREFIX PORT_BASE; do
	if [[ -n ${!v+x} ]]; then
		val=${!v}
		[[ $val == *" "* ]] && val="\"$val\""
		given+="$v=$val "
	fi
done

RUNS=${RUNS:-3}
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
WARMUP=${WARMUP:-2s}
REDIS_REQUESTS=${REDIS_REQUESTS:-200000}
UP_RUNS=${UP_RUNS:-$RUNS}
STACKS=${STACKS:-"go gunicorn flask"}
EXAMPLES=${EXAMPLES:-$(echo examples/*.yaml)}
PARTS=${PARTS:-"http up"}
COLD=${COLD:-0}
HTTP_FILE=${HTTP_FILE:-examples/article.yaml}
PREFIX=${PREFIX:-hbench}
PORT_BASE=${PORT_BASE:-7300}
BENCH_HOME=${BENCH_HOME:-/tmp/hbench-home}
OUT=${OUT:-BENCHMARKS.md}
HACTL=${HACTL:-bin/hactl}
BENCH_COMMAND=${BENCH_COMMAND:-make bench}
REDIS_PORT=${REDIS_PORT:-6379}
SETTLE=${SETTLE:-5}               # seconds between up and the idle samples
STATS_SAMPLES=${STATS_SAMPLES:-3} # idle docker stats samples
UP_TIMEOUT=${UP_TIMEOUT:-300}     # seconds for one hactl up or docker-compose up
READY_TIMEOUT=${READY_TIMEOUT:-120} # seconds for a compose-started stack to pass verify

export HACTL_HOME=$BENCH_HOME
export HACTL_PROGRESS=quiet

for n in RUNS CONNECTIONS THREADS REDIS_REQUESTS UP_RUNS PORT_BASE; do
	if ! [[ ${!n} =~ ^[0-9]+$ ]] || ((${!n} < 1)); then
		echo "bench: $n=${!n}: want a positive integer" >&2
		exit 2
	fi
done
if ! [[ $PREFIX =~ ^[a-z][a-z0-9]*$ ]] || [[ $PREFIX == hactl ]]; then
	echo "bench: PREFIX=$PREFIX: want a lower-case word other than hactl (projects are PREFIX-*)" >&2
	exit 2
fi
for tool in docker wrk curl go; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is not installed" >&2; exit 1; }
done
[[ -x $HACTL ]] || { echo "bench: $HACTL is missing: run make build" >&2; exit 1; }
have_compose=1
command -v docker-compose >/dev/null || have_compose=0

work=$(mktemp -d /tmp/hactl-bench.XXXXXX)
results=$work/results
mkdir -p "$results/http" "$results/redis" "$results/stats" "$results/cpu"
tool=$work/bench
go build -o "$tool" ./scripts/bench
"$tool" seconds "$DURATION" >/dev/null # fails early on a duration wrk would not take
"$tool" seconds "$WARMUP" >/dev/null

# Progress goes to the script's stderr, saved as fd 3: a trap can run while a
# command's stderr is redirected to a file.
exec 3>&2
log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&3; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }

# --- teardown --------------------------------------------------------------

topos=()        # topology files of projects this run may have created
compose_runs=() # "project|dir" of compose-started projects
bg_pids=()      # background jobs (wrk under sampling)

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	for pid in "${bg_pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for entry in "${compose_runs[@]}"; do
		local project=${entry%%|*} dir=${entry#*|}
		if [[ -f $dir/compose.yaml ]]; then
			timeout 120 docker-compose -p "$project" -f "$dir/compose.yaml" down -v --remove-orphans >/dev/null 2>&1 || true
		fi
	done
	for topo in "${topos[@]}"; do
		timeout 120 "$HACTL" -q down --volumes -f "$topo" >/dev/null 2>&1 || true
	done
	if ((rc != 0)); then
		log "failed or interrupted (exit $rc); raw results kept in $results"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- helpers ---------------------------------------------------------------

# port_free PORT: nothing listens on 127.0.0.1:PORT.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# topology SRC PROJECT PORT [IMAGE] [-publish-first]: writes $work/PROJECT.yaml
# and sets TOPO to it (not in a subshell: the teardown list must see it).
# What an earlier, killed run left of the same project goes first; then the
# ports must be free.
topology() {
	local src=$1 project=$2 port=$3 image=${4:-} extra=${5:-} file=$work/$2.yaml
	[[ $project == "$PREFIX"-* ]] || { echo "bench: refusing project $project" >&2; exit 1; }
	# shellcheck disable=SC2086
	"$tool" topology -in "$src" -project "$project" -port "$port" ${image:+-image "$image"} $extra >"$file"
	topos+=("$file")
	TOPO=$file
	timeout 120 "$HACTL" -q down --volumes -f "$file" >/dev/null
	local p
	for p in $port $((port + 1)) $((port + 2)); do
		port_free "$p" || { echo "bench: 127.0.0.1:$p is taken; set PORT_BASE" >&2; exit 1; }
	done
}

# container_ids PROJECT: the project's container IDs, sorted.
container_ids() { docker ps -aq --no-trunc --filter "label=com.docker.compose.project=$1" | sort | tr '\n' ' '; }

# stats_sample PROJECT OUT: one docker stats sample of every container.
stats_sample() {
	local ids
	ids=$(docker ps -q --filter "label=com.docker.compose.project=$1")
	# shellcheck disable=SC2086
	timeout 30 docker stats --no-stream --format '{{json .}}' $ids >"$2"
}

clk_tck=$(getconf CLK_TCK)

# cpu_snapshot IDS OUT: the machine's busy CPU time (/proc/stat) and each
# container's (its cgroup's cpuacct, v1 or v2), in ns. IDS holds lines
# "<full id>\t<name>", or "pid:<pid>\t<name>" for a host process (Docker's
# userland proxy of a published port). Reading these files costs nothing
# measurable.
cpu_snapshot() {
	local id name f
	{
		awk -v hz="$clk_tck" '/^cpu / { printf "machine\t%.0f\n", ($2 + $3 + $4 + $7 + $8 + $9) * 1e9 / hz }' /proc/stat
		while IFS=$'\t' read -r id name; do
			if [[ $id == pid:* ]]; then
				awk -v n="$name" -v hz="$clk_tck" '{ printf "%s\t%.0f\n", n, ($14 + $15) * 1e9 / hz }' "/proc/${id#pid:}/stat" 2>/dev/null || true
				continue
			fi
			for f in /sys/fs/cgroup/cpuacct/docker/"$id"/cpuacct.usage \
				/sys/fs/cgroup/cpuacct/system.slice/docker-"$id".scope/cpuacct.usage; do
				if [[ -r $f ]]; then
					printf '%s\t%s\n' "$name" "$(<"$f")"
					continue 2
				fi
			done
			f=/sys/fs/cgroup/system.slice/docker-$id.scope/cpu.stat
			if [[ -r $f ]]; then
				awk -v n="$name" '$1 == "usage_usec" { printf "%s\t%.0f\n", n, $2 * 1000 }' "$f"
			fi
		done <"$1"
	} >"$2"
}
cpu_ids="" # the IDS file of the stack being measured

# wrk_run URL ROUTE DURATION OUT KEYPREFIX: one wrk run with scripts/bench/kv.lua.
# A measured run (OUT under $results/http) also records the CPU time the
# machine, each container and wrk itself spent during it, under $results/cpu.
wrk_run() {
	local url=$1 route=$2 dur=$3 out=$4 prefix=$5 secs base="" rc=0
	secs=$("$tool" seconds "$dur")
	if [[ $out == "$results/http/"* && -n $cpu_ids ]]; then
		base=$results/cpu/$(basename "$out" .txt)
		cpu_snapshot "$cpu_ids" "$base.before"
	fi
	local TIMEFORMAT='%3U %3S'
	{ time BENCH_ROUTE=$route BENCH_PREFIX=$prefix BENCH_KEY=bench:hot \
		timeout $((secs + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"$dur" --timeout 2s --latency \
		-s scripts/bench/kv.lua "$url" >"$out" 2>&1; } 2>"$out.time" || rc=$?
	if [[ -n $base ]]; then
		cpu_snapshot "$cpu_ids" "$base.after"
		mv "$out.time" "$base.wrk"
	else
		rm -f "$out.time"
	fi
	if ((rc != 0)); then
		log "wrk failed: $(tail -3 "$out")"
		return 1
	fi
	log "  $(basename "$out" .txt): $(awk '/^Requests\/sec/ { print $2 " req/s" }' "$out"), $(grep -c 'Non-2xx\|Socket errors' "$out" || true) error line(s)"
}

# set_hot URL: writes the key the /get runs read.
set_hot() {
	local i
	for i in $(seq 1 20); do
		curl -fsS --max-time 5 "$1/set?key=bench:hot&value=hello-from-hactl-bench" >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	echo "bench: cannot set the key through $1" >&2
	return 1
}

# --- the machine -----------------------------------------------------------

cpus=$(nproc)
cpu_model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
mem=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
engine=$(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})')
compose_version=$( ((have_compose)) && docker-compose version --short 2>/dev/null || echo "not installed")
wrk_version=$(wrk --version 2>&1 | awk 'NR == 1 { print $2 }' || true)
others=$(docker ps -q | wc -l)
load=$(awk '{ print $1 }' /proc/loadavg)
machine="$cpus cores (${cpu_model:-unknown CPU}), $mem, Linux $(uname -r), Docker $engine, docker-compose $compose_version, wrk $wrk_version; load average $load and $others container(s) already running at the start"
date_utc=$(date -u '+%Y-%m-%d %H:%M UTC')
command="${given}${BENCH_COMMAND}"
log "results in $results; $machine"

commands_tsv=$results/commands.tsv
: >"$commands_tsv"
note() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$commands_tsv"; }

# --- cold: image build + up (COLD=1 only) ------------------------------------

if [[ $COLD == 1 ]]; then
	topology "$HTTP_FILE" "$PREFIX-cold" "$((PORT_BASE + 91))" web:v1
	topo=$TOPO
	server=$("$HACTL" config -f "$topo" | awk '$1 == "image:" && $2 ~ /^hactl\/server:/ { print $2; exit }')
	for img in "$server" web:v1; do
		if [[ -n $(docker ps -aq --filter "ancestor=$img") ]]; then
			echo "bench: COLD=1 needs to remove $img, but containers use it (docker ps -a --filter ancestor=$img)" >&2
			exit 1
		fi
	done
	log "cold: removing $server and web:v1"
	docker image rm "$server" web:v1 >/dev/null 2>&1 || true
	for img in "$server" web:v1; do
		if docker image inspect "$img" >/dev/null 2>&1; then
			echo "bench: COLD=1 could not remove $img (docker image rm $img)" >&2
			exit 1
		fi
	done
	t0=$(now)
	timeout 1800 "$HACTL" images build "$server"
	s_server=$(since "$t0")
	t1=$(now)
	timeout 600 "$HACTL" images build web:v1
	s_web=$(since "$t1")
	t2=$(now)
	timeout "$UP_TIMEOUT" "$HACTL" -q up -f "$topo" >/dev/null
	s_up=$(since "$t2")
	s_total=$(since "$t0")
	printf 'cold\timages-server\t1\t%s\t\ncold\timages-web\t1\t%s\t\ncold\tup\t1\t%s\t\ncold\ttotal\t1\t%s\t\n' \
		"$s_server" "$s_web" "$s_up" "$s_total" >>"$results/up.tsv"
	note up "cold, with the image build (COLD=1)" "docker image rm $server web:v1; hactl images build $server; hactl images build web:v1; hactl up -f FILE"
	log "cold: ${s_total}s (server image ${s_server}s, web:v1 ${s_web}s, up ${s_up}s)"
	"$HACTL" -q down --volumes -f "$topo" >/dev/null
fi

# --- HTTP through HAProxy, direct, redis-benchmark; resources --------------

declare -A image_of=([go]=web:v1 [gunicorn]=web-gunicorn:v1 [flask]=web-flask:v1)
declare -A port_of=([go]=$((PORT_BASE + 1)) [gunicorn]=$((PORT_BASE + 11)) [flask]=$((PORT_BASE + 21)))

http_stack() {
	local id=$1 image=${image_of[$1]} port=${port_of[$1]} topo project=$PREFIX-$1
	topology "$HTTP_FILE" "$project" "$port" "$image" -publish-first
	topo=$TOPO
	local t0
	t0=$(now)
	if ! docker image inspect "$image" >/dev/null 2>&1; then
		log "$id: building the missing images of $image (a base image takes minutes the first time)"
	fi
	timeout 1800 "$HACTL" -q images build -f "$topo" >/dev/null
	log "$id: up ($image, HAProxy on 127.0.0.1:$port)"
	timeout "$UP_TIMEOUT" "$HACTL" -q up -f "$topo" >/dev/null
	local url=http://127.0.0.1:$port direct=http://127.0.0.1:$((port + 1))
	set_hot "$url"
	cpu_ids=$work/$id.ids
	docker ps --no-trunc --format '{{.ID}}\t{{.Names}}' --filter "label=com.docker.compose.project=$project" >"$cpu_ids"
	# Docker's userland proxy, when the daemon uses it, carries every host
	# connection to a published port; count it apart from the kernel.
	local pid
	for pid in $(pgrep -f "docker-proxy .*-host-port ($port|$((port + 1))|$((port + 2))) " || true); do
		printf 'pid:%s\tdocker-proxy-%s\n' "$pid" "$pid" >>"$cpu_ids"
	done
	sleep "$SETTLE"
	local i run
	for i in $(seq 1 "$STATS_SAMPLES"); do
		stats_sample "$project" "$results/stats/${id}__idle__$i.jsonl"
	done

	wrk_run "$url" get "$WARMUP" "$work/warmup-$id.txt" "warm-$id"
	for run in $(seq 1 "$RUNS"); do
		wrk_run "$url" get "$DURATION" "$results/http/$id-haproxy__get__$run.txt" "$id-$run"
		wrk_run "$url" set "$DURATION" "$results/http/$id-haproxy__set__$run.txt" "$id-$run"
	done

	if [[ $id == go ]]; then
		wrk_run "$direct" get "$WARMUP" "$work/warmup-$id-direct.txt" "warm-$id-direct"
		for run in $(seq 1 "$RUNS"); do
			wrk_run "$direct" get "$DURATION" "$results/http/$id-direct__get__$run.txt" "$id-direct-$run"
			wrk_run "$direct" set "$DURATION" "$results/http/$id-direct__set__$run.txt" "$id-direct-$run"
		done
		local master
		master=$("$HACTL" status -f "$topo" --json | "$tool" master)
		for run in $(seq 1 "$RUNS"); do
			# The password goes through stdin, never onto a command line outside the container.
			"$HACTL" secrets -f "$topo" --json | "$tool" field redis_password |
				timeout 600 docker exec -i "$master" sh -c \
					'read -r pw; exec redis-benchmark -h 127.0.0.1 -p "$1" -a "$pw" -t get,set -n "$2" -c "$3" -r 100000 --csv 2>/dev/null' \
					sh "$REDIS_PORT" "$REDIS_REQUESTS" "$CONNECTIONS" >"$results/redis/$run.csv"
			log "  redis-benchmark #$run: $(tr '\n' ' ' <"$results/redis/$run.csv" | cut -c1-200)"
		done
	fi

	# Resources under load: a separate /set run, sampled while it runs.
	log "$id: docker stats under a /set run"
	wrk_run "$url" set "$DURATION" "$work/load-$id.txt" "$id-load" &
	local wpid=$! n=0 f
	bg_pids+=("$wpid")
	sleep 0.5
	while kill -0 "$wpid" 2>/dev/null && ((n < 100)); do
		n=$((n + 1))
		f=$results/stats/${id}__load__$n.jsonl
		stats_sample "$project" "$f" || break
		# A sample that ended after wrk did is not under load; keep at least one.
		if ! kill -0 "$wpid" 2>/dev/null && ((n > 1)); then
			rm -f "$f"
		fi
	done
	wait "$wpid" || true
	bg_pids=() # reaped: its ID may be reused, never kill it later

	cpu_ids=""
	"$HACTL" -q down --volumes -f "$topo" >/dev/null
	log "$id: done in $(since "$t0")s"
}

if [[ " $PARTS " == *" http "* ]]; then
	note http "each stack" "hactl up -f FILE"
	note http "" "FILE is $HTTP_FILE with project $PREFIX-<stack>, HAProxy on 127.0.0.1:PORT (go ${port_of[go]}, gunicorn ${port_of[gunicorn]}, flask ${port_of[flask]}), web-app1 also published on PORT+1 for the direct runs, and images.web set to the stack's image."
	note http "each target and route" "BENCH_ROUTE=get|set wrk -t$THREADS -c$CONNECTIONS -d$DURATION --timeout 2s --latency -s scripts/bench/kv.lua http://127.0.0.1:PORT"
	note http "" "Before each target one ${WARMUP} warm-up run that is not counted; get and set runs alternate. /get reads one key set beforehand through HAProxy; /set writes a new key per request (bench:<stack>-<run>:<thread>:<n>)."
	note http "the ceiling, in the master's container (found with hactl status --json)" \
		"docker exec -i <master> redis-benchmark -h 127.0.0.1 -p $REDIS_PORT -a <redis_password> -t get,set -n $REDIS_REQUESTS -c $CONNECTIONS -r 100000 --csv"
	for id in $STACKS; do
		[[ -n ${image_of[$id]+x} ]] || { echo "bench: unknown stack $id: want go, gunicorn or flask" >&2; exit 2; }
		http_stack "$id"
	done
	note resources "idle, $STATS_SAMPLES samples ${SETTLE}s after up; under load, one sample after another during an extra ${DURATION} /set run" \
		"docker stats --no-stream --format '{{json .}}' \$(docker ps -q --filter label=com.docker.compose.project=PROJECT)"
fi

# --- up time: hactl against docker-compose ---------------------------------

# up_example FILE INDEX
up_example() {
	local src=$1 idx=$2 name project port topo run t0 s before after
	name=$(basename "$src" .yaml)
	project=$PREFIX-$name
	port=$((PORT_BASE + 31 + 10 * idx))
	topology "$src" "$project" "$port"
	topo=$TOPO
	timeout 1800 "$HACTL" -q images build -f "$topo" >/dev/null
	for run in $(seq 1 "$UP_RUNS"); do
		"$HACTL" -q down --volumes -f "$topo" >/dev/null
		t0=$(now)
		timeout "$UP_TIMEOUT" "$HACTL" -q up -f "$topo" >/dev/null
		printf '%s\thactl-cold\t%d\t%s\t\n' "$name" "$run" "$(since "$t0")" >>"$results/up.tsv"
		before=$(container_ids "$project")
		t0=$(now)
		timeout "$UP_TIMEOUT" "$HACTL" -q up -f "$topo" >/dev/null
		s=$(since "$t0")
		after=$(container_ids "$project")
		printf '%s\thactl-warm\t%d\t%s\tnoop=%s\n' "$name" "$run" "$s" "$([[ $before == "$after" ]] && echo yes || echo no)" >>"$results/up.tsv"
		"$HACTL" -q down --volumes -f "$topo" >/dev/null
		log "$name #$run: hactl up $(awk -F'\t' -v n="$name" -v r="$run" '$1 == n && $3 == r && $2 ~ /^hactl/ { printf "%s %ss ", $2, $4 }' "$results/up.tsv")"

		((have_compose)) || continue
		local dir=$work/render-$name-$run upd ready verify_s=0 polls=0 vstart
		compose_runs+=("$project|$dir")
		t0=$(now)
		"$HACTL" -q render -f "$topo" --out "$dir" >/dev/null
		timeout "$UP_TIMEOUT" docker-compose -p "$project" -f "$dir/compose.yaml" up -d >"$dir.up.log" 2>&1 ||
			{ log "docker-compose up failed: $(tail -5 "$dir.up.log")"; exit 1; }
		upd=$(since "$t0")
		while :; do
			polls=$((polls + 1))
			vstart=$(now)
			if timeout 60 "$HACTL" -q verify -f "$topo" >"$dir.verify.log" 2>&1; then
				verify_s=$(since "$vstart")
				break
			fi
			if awk -v e="$(since "$t0")" -v m="$READY_TIMEOUT" 'BEGIN { exit !(e > m) }'; then
				log "the compose-started $name stack did not pass verify within ${READY_TIMEOUT}s: $(tail -5 "$dir.verify.log")"
				exit 1
			fi
			sleep 0.5
		done
		ready=$(since "$t0")
		# Not timed: does Docker also report every container healthy?
		local healthy=no i states
		for i in $(seq 1 60); do
			states=$(docker ps -a --filter "label=com.docker.compose.project=$project" --format '{{.Status}}')
			if [[ -n $states ]] && ! grep -qv '(healthy)' <<<"$states"; then
				healthy=yes
				break
			fi
			sleep 1
		done
		[[ $healthy == yes ]] || log "docker-compose $name: not every container is healthy after 60s: $(docker ps -a --filter "label=com.docker.compose.project=$project" --format '{{.Names}} {{.Status}}' | tr '\n' ';')"
		printf '%s\tcompose-cold\t%d\t%s\tpolls=%d;healthy=%s\n%s\tcompose-upd\t%d\t%s\t\n%s\tcompose-verify\t%d\t%s\t\n' \
			"$name" "$run" "$ready" "$polls" "$healthy" "$name" "$run" "$upd" "$name" "$run" "$verify_s" >>"$results/up.tsv"
		before=$(container_ids "$project")
		t0=$(now)
		timeout "$UP_TIMEOUT" docker-compose -p "$project" -f "$dir/compose.yaml" up -d >>"$dir.up.log" 2>&1
		s=$(since "$t0")
		after=$(container_ids "$project")
		printf '%s\tcompose-warm\t%d\t%s\tnoop=%s\n' "$name" "$run" "$s" "$([[ $before == "$after" ]] && echo yes || echo no)" >>"$results/up.tsv"
		timeout 120 docker-compose -p "$project" -f "$dir/compose.yaml" down -v >>"$dir.up.log" 2>&1
		grep -iE 'warning|not supported|error' "$dir.up.log" | sed -E "s/$project/<project>/g" >>"$results/compose-warnings.txt" || true
		log "$name #$run: docker-compose until verify passes ${ready}s (up -d returned at ${upd}s, $polls verify call(s)), warm up -d ${s}s"
	done
}

if [[ " $PARTS " == *" up "* ]]; then
	idx=0
	for f in $EXAMPLES; do
		up_example "$f" "$idx"
		idx=$((idx + 1))
	done
	note up "hactl, from nothing" "hactl down --volumes -f FILE; time hactl up -f FILE"
	note up "hactl, again (container IDs compared before and after)" "time hactl up -f FILE"
	if ((have_compose)); then
		note up "docker-compose, from nothing" "docker-compose -p P -f DIR/compose.yaml down -v; time { hactl render -f FILE --out DIR; docker-compose -p P -f DIR/compose.yaml up -d; until hactl verify -f FILE; do sleep 0.5; done; }"
		note up "docker-compose, again (container IDs compared)" "time docker-compose -p P -f DIR/compose.yaml up -d"
	fi
	note up "" "FILE is each of $EXAMPLES with project $PREFIX-<name> and HAProxy on 127.0.0.1:$((PORT_BASE + 31)), $((PORT_BASE + 41)), ... (published web apps on the next ports); the same FILE, project and ports for hactl and for docker-compose."
fi

# --- image sizes and the report --------------------------------------------

"$HACTL" images ls 2>/dev/null | awk 'NR > 1 { print $1 }' | while read -r img; do
	printf '%s\t%s\n' "$img" "$(docker image inspect --format '{{.Size}}' "$img")"
done >"$results/images.tsv" || true

"$tool" report -dir "$results" -into "$OUT" -command "$command" -date "$date_utc" -machine "$machine" -cores "$cpus"
log "done; raw results in $results, summary in $OUT"
