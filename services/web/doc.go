// Command web is the key-value web app of the stack: HAProxy balances it
// over two containers, and it stores keys in Redis, finding the master
// through Sentinel so that it follows failovers without a restart. It
// replaces the write-up's Flask app and answers the same routes:
//
//	GET /set?key=K&value=V  200 "OK. We have set K to be V"
//	GET /get?key=K          200 with the raw value, 404 if K is not set
//	    /healthz            200 "ok" when the Redis master answers PING
//	                        within 500ms, else 503 (any method, for
//	                        HAProxy health checks)
//
// Errors: 400 for a missing or empty key, a missing value parameter (an
// explicitly empty value= is allowed), a key over 1024 bytes or bad
// percent-encoding; 405 for a method other than GET on /set and /get; 413
// for a value over WEB_MAX_VALUE_BYTES; 503 when Redis is unreachable, has
// no master, times out or did not replicate a write (see
// WEB_DURABLE_REPLICAS). Every answer is text/plain; charset=utf-8, and
// error bodies never carry addresses or passwords.
//
// Usage:
//
//	web              serve (stops gracefully on SIGTERM or SIGINT)
//	web healthcheck  GET http://127.0.0.1:<WEB_LISTEN port>/healthz with a 2s
//	                 timeout; exit 0 on 200, else 1 (for Docker HEALTHCHECK)
//	web version      print the version
//
// Configuration comes from the environment only. Durations use Go syntax
// (time.ParseDuration: 250ms, 2s, 1m). An invalid value makes web exit with
// status 2 and a one-line error naming the variable.
//
//	WEB_LISTEN            listen address, [host]:port            (default :5000)
//	REDIS_SENTINELS       comma-separated Sentinel host:port list, e.g.
//	                      sentinel-1:26379,sentinel-2:26379,sentinel-3:26379
//	REDIS_MASTER_NAME     Sentinel master group name              (default mymaster)
//	REDIS_ADDR            single Redis host:port without Sentinel, used only
//	                      when REDIS_SENTINELS is empty; one of the two is required
//	REDIS_PASSWORD        the Redis servers' requirepass          (default empty)
//	SENTINEL_PASSWORD     the Sentinels' requirepass              (default empty)
//	*_FILE                a file holding REDIS_PASSWORD or SENTINEL_PASSWORD instead
//	WEB_MAX_VALUE_BYTES   longest /set value, else 413            (default 1048576)
//	WEB_DURABLE_REPLICAS  replicas that must acknowledge a /set, checked with
//	                      WAIT after SET on the same connection; fewer gives 503
//	                      "write not acknowledged by N replica(s) within T"
//	                      (the master keeps the write); 0 disables (default 1)
//	WEB_DURABLE_TIMEOUT   WAIT timeout, at least 1ms              (default 500ms)
//	REDIS_DIAL_TIMEOUT    connect timeout                         (default 250ms)
//	REDIS_READ_TIMEOUT    reply timeout; raised to WEB_DURABLE_TIMEOUT+250ms
//	                      when durability is on and it is shorter (default 500ms)
//	REDIS_WRITE_TIMEOUT   send timeout                            (default 500ms)
//	REDIS_MAX_RETRIES     retries of a failed command, 0 for none (default 2)
//	REDIS_POOL_SIZE       maximum connections to the master       (default 64)
//	WEB_REQUEST_TIMEOUT   deadline of the Redis work of one request; must be
//	                      longer than WEB_DURABLE_TIMEOUT          (default 2s)
//	WEB_ACCESS_LOG        1 logs every request, not only non-2xx (default 0)
//	WEB_PPROF             1 serves net/http/pprof under /debug/pprof/ (default 0)
//
// Logs go to stdout: a start and a stop line, and one line per non-2xx
// request (every request with WEB_ACCESS_LOG=1) with method, path, status,
// duration, client address, the key truncated to 64 bytes and the reason.
// Values and passwords are never logged.
package main
