"""The write-up's key-value web app in Flask, kept as a benchmark baseline.

It answers the same routes as the Go app in services/web, so HAProxy and
hactl's checks work with either:

    GET /set?key=K&value=V  200 "OK. We have set K to be V"
    GET /get?key=K          200 with the raw value, 404 if K is not set
        /healthz            200 "ok" when the Redis master answers PING

400 for a missing or empty key, a key over 1024 bytes or a missing value
(an explicitly empty value= is allowed); 405 for another method than GET on
/set and /get; 413 for a value over WEB_MAX_VALUE_BYTES; 503 when Redis is
unreachable, has no master, times out or did not replicate a write (see
WEB_DURABLE_REPLICAS). Every answer is text/plain; error bodies never carry
addresses or passwords.

Configuration comes from the environment (durations in Go syntax: 500ms, 1s):

    WEB_LISTEN             [host]:port; only the port is used here (:5000)
    REDIS_SENTINELS        comma-separated Sentinel host:port list
    REDIS_MASTER_NAME      Sentinel master group name (mymaster)
    REDIS_ADDR             one Redis host:port, used when REDIS_SENTINELS is empty
    REDIS_PASSWORD_FILE    file holding the Redis password (or REDIS_PASSWORD)
    SENTINEL_PASSWORD_FILE file holding the Sentinel password (or SENTINEL_PASSWORD)
    WEB_MAX_VALUE_BYTES    longest /set value (1048576)
    WEB_DURABLE_REPLICAS   replicas that must acknowledge a /set, checked with
                           WAIT after SET on the same connection; 0 disables (1)
    WEB_DURABLE_TIMEOUT    WAIT timeout (500ms)
"""

import json
import os
import re
import signal
import sys

import redis
from flask import Flask, Response, request
from redis.sentinel import MasterNotFoundError, Sentinel

MAX_KEY_BYTES = 1024
DIAL_TIMEOUT = 0.25  # seconds, like the Go app's REDIS_DIAL_TIMEOUT
READ_TIMEOUT = 0.5  # seconds; raised above the WAIT timeout when durable
HEALTH_TIMEOUT = 0.5

_DURATION_UNITS = {
    "ns": 1e-9, "us": 1e-6, "\u00b5s": 1e-6, "\u03bcs": 1e-6,
    "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0,
}
_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)")


class ConfigError(Exception):
    """A variable of the environment has an invalid value."""


def parse_duration(name, text):
    """Parses a Go duration such as 500ms, 1s or 1m30s into seconds."""
    text = text.strip()
    pos, total = 0, 0.0
    for m in _DURATION_PART.finditer(text):
        if m.start() != pos:
            break
        total += float(m.group(1)) * _DURATION_UNITS[m.group(2)]
        pos = m.end()
    if pos != len(text) or not text or total <= 0:
        raise ConfigError(
            f"invalid {name}={text!r}: want a Go duration such as 500ms or 2s")
    return total


def integer(name, default, lo, hi):
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        n = int(text)
    except ValueError:
        n = None
    if n is None or n < lo or n > hi:
        raise ConfigError(
            f"invalid {name}={text!r}: want an integer from {lo} to {hi}")
    return n


def host_port(name, text):
    host, sep, port = text.strip().rpartition(":")
    if not sep or not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ConfigError(
            f"invalid {name}={text!r}: want host:port such as redis:6379")
    return host.strip("[]"), int(port)


def secret(name):
    """Reads NAME_FILE if set (without its trailing newline), else NAME."""
    path = os.environ.get(name + "_FILE", "").strip()
    if path:
        try:
            with open(path, encoding="utf-8") as f:
                return f.read().rstrip("\r\n") or None
        except OSError as e:
            raise ConfigError(f"cannot read {name}_FILE={path!r}: {e.strerror}")
    return os.environ.get(name) or None


class Config:
    """The app's configuration, read from the environment."""

    def __init__(self):
        self.sentinels = [host_port("REDIS_SENTINELS", a)
                          for a in os.environ.get("REDIS_SENTINELS", "").split(",")
                          if a.strip()]
        self.master_name = os.environ.get("REDIS_MASTER_NAME", "").strip() or "mymaster"
        addr = os.environ.get("REDIS_ADDR", "").strip()
        self.redis_addr = host_port("REDIS_ADDR", addr) if addr else None
        if not self.sentinels and not self.redis_addr:
            raise ConfigError(
                "REDIS_SENTINELS and REDIS_ADDR are both empty: set REDIS_SENTINELS "
                "to a comma-separated host:port list (or REDIS_ADDR to one host:port)")
        self.redis_password = secret("REDIS_PASSWORD")
        self.sentinel_password = secret("SENTINEL_PASSWORD")
        self.max_value_bytes = integer("WEB_MAX_VALUE_BYTES", 1 << 20, 0, 512 << 20)
        self.durable_replicas = integer("WEB_DURABLE_REPLICAS", 1, 0, 100)
        text = os.environ.get("WEB_DURABLE_TIMEOUT", "").strip() or "500ms"
        self.durable_timeout = parse_duration("WEB_DURABLE_TIMEOUT", text)
        self.durable_timeout_text = text
        self.read_timeout = READ_TIMEOUT
        if self.durable_replicas > 0:
            self.read_timeout = max(READ_TIMEOUT, self.durable_timeout + 0.25)


def connect(cfg):
    """Returns a client of the Redis master, found through Sentinel when
    REDIS_SENTINELS is set."""
    kwargs = dict(password=cfg.redis_password, socket_timeout=cfg.read_timeout,
                  socket_connect_timeout=DIAL_TIMEOUT)
    if cfg.sentinels:
        sentinel = Sentinel(
            cfg.sentinels,
            sentinel_kwargs={"password": cfg.sentinel_password,
                             "socket_timeout": READ_TIMEOUT,
                             "socket_connect_timeout": DIAL_TIMEOUT},
            **kwargs)
        return sentinel.master_for(cfg.master_name)
    host, port = cfg.redis_addr
    return redis.Redis(host=host, port=port, **kwargs)


def reason(err):
    """Maps a redis-py error to a short phrase that is safe to publish."""
    if isinstance(err, MasterNotFoundError):
        return "no master address from sentinels"
    if isinstance(err, redis.exceptions.TimeoutError):
        return "timeout"
    if isinstance(err, redis.exceptions.AuthenticationError):
        return "authentication failed"
    if isinstance(err, redis.exceptions.ReadOnlyError):
        return "master is read-only (failover in progress)"
    if isinstance(err, redis.exceptions.BusyLoadingError):
        return "server is loading its dataset"
    if isinstance(err, redis.exceptions.ResponseError):
        code = str(err).split(" ", 1)[0]
        return {
            "READONLY": "master is read-only (failover in progress)",
            "LOADING": "server is loading its dataset",
            "MASTERDOWN": "replica lost its master",
            "NOAUTH": "authentication failed",
            "WRONGPASS": "authentication failed",
            "OOM": "server out of memory",
            "BUSY": "server busy",
        }.get(code, "server error")
    return "connection failed"


def text(body, status=200, **headers):
    return Response(body, status=status, mimetype="text/plain", headers=headers)


def create_app(cfg=None):
    cfg = cfg or Config()
    db = connect(cfg)
    app = Flask(__name__)

    def unavailable(err):
        app.logger.warning("redis: %s: %s", reason(err), type(err).__name__)
        return text("redis unavailable: " + reason(err), 503)

    def key_param():
        """Returns (key, None) or (None, error response)."""
        if "key" not in request.args:
            return None, text('missing query parameter "key"', 400)
        key = request.args["key"]
        if key == "":
            return None, text('query parameter "key" is empty', 400)
        n = len(key.encode("utf-8"))
        if n > MAX_KEY_BYTES:
            return None, text(f"key is {n} bytes, the limit is {MAX_KEY_BYTES}", 400)
        return key, None

    @app.route("/set", methods=["GET"])
    def set_():
        key, err = key_param()
        if err:
            return err
        if "value" not in request.args:
            return text('missing query parameter "value"', 400)
        value = request.args["value"]
        n = len(value.encode("utf-8"))
        if n > cfg.max_value_bytes:
            return text(f"value is {n} bytes, the limit is {cfg.max_value_bytes}", 413)
        try:
            if cfg.durable_replicas > 0:
                # SET and WAIT on one connection: WAIT counts the replicas
                # that acknowledged this connection's writes.
                pipe = db.pipeline(transaction=False)
                pipe.set(key, value)
                pipe.wait(cfg.durable_replicas, max(1, round(cfg.durable_timeout * 1000)))
                _, acked = pipe.execute()
                if acked < cfg.durable_replicas:
                    return text(f"write not acknowledged by {cfg.durable_replicas} "
                                f"replica(s) within {cfg.durable_timeout_text}", 503)
            else:
                db.set(key, value)
        except redis.exceptions.RedisError as e:
            return unavailable(e)
        return text(f"OK. We have set {key} to be {value}")

    @app.route("/get", methods=["GET"])
    def get():
        key, err = key_param()
        if err:
            return err
        try:
            value = db.get(key)
        except redis.exceptions.RedisError as e:
            return unavailable(e)
        if value is None:
            return text("key " + json.dumps(key, ensure_ascii=False) + " not found", 404)
        return text(value)

    @app.route("/healthz", methods=["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"])
    def healthz():
        try:
            db.ping()
        except redis.exceptions.RedisError as e:
            return unavailable(e)
        return text("ok")

    @app.errorhandler(404)
    def not_found(_):
        return text("not found", 404)

    @app.errorhandler(405)
    def method_not_allowed(_):
        return text(f"method {request.method} not allowed, use GET", 405, Allow="GET")

    return app


try:
    app = create_app()
except ConfigError as e:
    print("web: " + str(e), file=sys.stderr)
    sys.exit(2)

if os.environ.get("WEB_SERVER", "flask") == "flask":
    # `flask run` as PID 1 of a container would ignore docker stop's
    # SIGTERM; gunicorn handles its signals itself.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
