package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hactl/hactl/services/web/internal/store"
)

// maxKeyBytes is the longest key /set and /get accept.
const maxKeyBytes = 1024

// config is the service configuration, read from the environment.
type config struct {
	Listen     string
	ListenPort string

	Sentinels        []string
	MasterName       string
	RedisAddr        string
	RedisPassword    string
	SentinelPassword string

	MaxValueBytes   int
	DurableReplicas int
	DurableTimeout  time.Duration

	DialTimeout  time.Duration
	ReadTimeout  time.Duration
	WriteTimeout time.Duration
	MaxRetries   int
	PoolSize     int

	RequestTimeout time.Duration
	AccessLog      bool
	PProf          bool
}

// storeOptions returns the Redis store options of c.
func (c config) storeOptions() store.Options {
	return store.Options{
		Sentinels:        c.Sentinels,
		MasterName:       c.MasterName,
		Addr:             c.RedisAddr,
		Password:         c.RedisPassword,
		SentinelPassword: c.SentinelPassword,
		DialTimeout:      c.DialTimeout,
		ReadTimeout:      c.ReadTimeout,
		WriteTimeout:     c.WriteTimeout,
		MaxRetries:       c.MaxRetries,
		PoolSize:         c.PoolSize,
		DurableReplicas:  c.DurableReplicas,
		DurableTimeout:   c.DurableTimeout,
	}
}

// loadConfig reads the configuration through getenv (os.Getenv in main).
// The error, if any, is one line naming the variable, its value and what
// is allowed. Passwords are never echoed.
func loadConfig(getenv func(string) string) (config, error) {
	e := envReader{get: getenv}
	var c config

	c.Listen = e.str("WEB_LISTEN", ":5000")
	c.ListenPort = e.listenPort("WEB_LISTEN", c.Listen)

	c.Sentinels = e.addrList("REDIS_SENTINELS")
	c.MasterName = e.str("REDIS_MASTER_NAME", "mymaster")
	c.RedisAddr = e.addr("REDIS_ADDR")
	c.RedisPassword = e.secret("REDIS_PASSWORD")
	c.SentinelPassword = e.secret("SENTINEL_PASSWORD")

	c.MaxValueBytes = e.integer("WEB_MAX_VALUE_BYTES", 1<<20, 0, 512<<20)
	c.DurableReplicas = e.integer("WEB_DURABLE_REPLICAS", 1, 0, 100)
	c.DurableTimeout = e.duration("WEB_DURABLE_TIMEOUT", 500*time.Millisecond, time.Millisecond, time.Minute)

	c.DialTimeout = e.duration("REDIS_DIAL_TIMEOUT", 250*time.Millisecond, time.Millisecond, time.Minute)
	c.ReadTimeout = e.duration("REDIS_READ_TIMEOUT", 500*time.Millisecond, time.Millisecond, 2*time.Minute)
	c.WriteTimeout = e.duration("REDIS_WRITE_TIMEOUT", 500*time.Millisecond, time.Millisecond, time.Minute)
	c.MaxRetries = e.integer("REDIS_MAX_RETRIES", 2, 0, 10)
	c.PoolSize = e.integer("REDIS_POOL_SIZE", 64, 1, 10000)

	c.RequestTimeout = e.duration("WEB_REQUEST_TIMEOUT", 2*time.Second, time.Millisecond, 5*time.Minute)
	c.AccessLog = e.boolean("WEB_ACCESS_LOG")
	c.PProf = e.boolean("WEB_PPROF")

	if e.err != nil {
		return config{}, e.err
	}
	if len(c.Sentinels) == 0 && c.RedisAddr == "" {
		return config{}, errors.New("REDIS_SENTINELS and REDIS_ADDR are both empty: " +
			"set REDIS_SENTINELS to a comma-separated host:port list (or REDIS_ADDR to one host:port without Sentinel)")
	}
	if c.DurableReplicas > 0 {
		if floor := c.DurableTimeout + store.WaitReadMargin; c.ReadTimeout < floor {
			c.ReadTimeout = floor
		}
		if c.RequestTimeout <= c.DurableTimeout {
			return config{}, fmt.Errorf("invalid WEB_REQUEST_TIMEOUT=%q: must be longer than WEB_DURABLE_TIMEOUT (%s) while WEB_DURABLE_REPLICAS > 0",
				getenvOr(getenv, "WEB_REQUEST_TIMEOUT", c.RequestTimeout.String()), c.DurableTimeout)
		}
	}
	return c, nil
}

// maxHeaderBytes is the http.Server.MaxHeaderBytes that lets a request
// line carry a fully percent-encoded key and value at their size limits.
func (c config) maxHeaderBytes() int {
	n := 3*(c.MaxValueBytes+maxKeyBytes) + 16<<10
	if n < 1<<20 {
		n = 1 << 20
	}
	return n
}

func getenvOr(getenv func(string) string, name, def string) string {
	if v := strings.TrimSpace(getenv(name)); v != "" {
		return v
	}
	return def
}

// envReader parses variables and keeps the first error.
type envReader struct {
	get      func(string) string
	readFile func(string) ([]byte, error) // os.ReadFile when nil
	err      error
}

// secret reads NAME, or the file that NAME_FILE names (Docker's secrets
// convention), without its trailing newline. Its value is never echoed.
func (e *envReader) secret(name string) string {
	path := strings.TrimSpace(e.get(name + "_FILE"))
	if path == "" {
		return e.get(name)
	}
	read := e.readFile
	if read == nil {
		read = os.ReadFile
	}
	data, err := read(path)
	if err != nil {
		if e.err == nil {
			e.err = fmt.Errorf("invalid %s_FILE=%q: cannot read it: %v", name, path, errors.Unwrap(err))
		}
		return ""
	}
	return strings.TrimRight(string(data), "\r\n")
}

func (e *envReader) fail(name, value, allowed string) {
	if e.err == nil {
		e.err = fmt.Errorf("invalid %s=%q: %s", name, value, allowed)
	}
}

func (e *envReader) str(name, def string) string {
	return getenvOr(e.get, name, def)
}

func (e *envReader) integer(name string, def, lo, hi int) int {
	v := strings.TrimSpace(e.get(name))
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		e.fail(name, v, fmt.Sprintf("want an integer from %d to %d", lo, hi))
		return def
	}
	return n
}

func (e *envReader) duration(name string, def, lo, hi time.Duration) time.Duration {
	v := strings.TrimSpace(e.get(name))
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < lo || d > hi {
		e.fail(name, v, fmt.Sprintf("want a Go duration such as 500ms or 2s, from %s to %s", lo, hi))
		return def
	}
	return d
}

func (e *envReader) boolean(name string) bool {
	v := strings.TrimSpace(e.get(name))
	if v == "" {
		return false
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		e.fail(name, v, "want 1 or 0 (or true/false)")
		return false
	}
	return b
}

// listenPort returns the port of a host:port listen address.
func (e *envReader) listenPort(name, v string) string {
	_, port, ok := splitHostPort(v, true)
	if !ok {
		e.fail(name, v, "want [host]:port with a numeric port from 1 to 65535, such as :5000")
		return ""
	}
	return port
}

func (e *envReader) addr(name string) string {
	v := strings.TrimSpace(e.get(name))
	if v == "" {
		return ""
	}
	if _, _, ok := splitHostPort(v, false); !ok {
		e.fail(name, v, "want host:port with a numeric port from 1 to 65535, such as redis:6379")
		return ""
	}
	return v
}

func (e *envReader) addrList(name string) []string {
	v := strings.TrimSpace(e.get(name))
	if v == "" {
		return nil
	}
	var out []string
	for _, a := range strings.Split(v, ",") {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		if _, _, ok := splitHostPort(a, false); !ok {
			e.fail(name, v, fmt.Sprintf("entry %q is not host:port; want a comma-separated list such as sentinel-1:26379,sentinel-2:26379", a))
			return nil
		}
		out = append(out, a)
	}
	return out
}

// splitHostPort splits host:port and checks that the port is a number from
// 1 to 65535 and, unless emptyHost, that the host is not empty.
func splitHostPort(v string, emptyHost bool) (host, port string, ok bool) {
	host, port, err := net.SplitHostPort(v)
	if err != nil || (host == "" && !emptyHost) {
		return "", "", false
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return "", "", false
	}
	return host, port, true
}
