-- wrk script for hactl's web apps (GET /set and GET /get), used by
-- scripts/bench.sh:
--
--   BENCH_ROUTE=set BENCH_PREFIX=run1 wrk -s scripts/bench/kv.lua URL
--       /set?key=bench:<prefix>:<thread>:<n>&value=v<n>: every request
--       writes a new key
--   BENCH_ROUTE=get BENCH_KEY=bench:hot wrk -s scripts/bench/kv.lua URL
--       /get?key=<key> of a key written beforehand (it must exist, or every
--       answer is a 404 and counts as an error)
--
-- done() prints one line "BENCH {json}" with the request count, the
-- duration, the errors (non-2xx answers included) and latency percentiles in
-- microseconds, for scripts/benchreport.

local route = os.getenv("BENCH_ROUTE") or "get"
local prefix = os.getenv("BENCH_PREFIX") or tostring(os.time())
local key = os.getenv("BENCH_KEY") or "bench:hot"

local threads = {}
local nthreads = 0

function setup(thread)
	nthreads = nthreads + 1
	thread:set("tid", nthreads)
	table.insert(threads, thread)
end

function init(args)
	counter = 0
	if route == "get" then
		-- A fixed request: wrk sends it without calling request() again.
		wrk.path = "/get?key=" .. key
	end
end

if route == "set" then
	function request()
		counter = counter + 1
		return wrk.format("GET", "/set?key=bench:" .. prefix .. ":" .. tid .. ":" .. counter
			.. "&value=v" .. counter)
	end
end

function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format(
		'BENCH {"route":"%s","requests":%d,"duration_us":%d,"bytes":%d,'
			.. '"errors_connect":%d,"errors_read":%d,"errors_write":%d,"errors_status":%d,"errors_timeout":%d,'
			.. '"latency_mean_us":%.1f,"latency_p50_us":%d,"latency_p90_us":%d,"latency_p99_us":%d,"latency_max_us":%d}\n',
		route, summary.requests, summary.duration, summary.bytes,
		e.connect, e.read, e.write, e.status, e.timeout,
		latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
