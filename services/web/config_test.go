package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadConfigDefaults(t *testing.T) {
	c, err := loadConfig(envOf(map[string]string{"REDIS_SENTINELS": "sentinel-1:26379, sentinel-2:26379,sentinel-3:26379"}))
	if err != nil {
		t.Fatal(err)
	}
	want := config{
		Listen:          ":5000",
		ListenPort:      "5000",
		Sentinels:       []string{"sentinel-1:26379", "sentinel-2:26379", "sentinel-3:26379"},
		MasterName:      "mymaster",
		MaxValueBytes:   1048576,
		DurableReplicas: 1,
		DurableTimeout:  500 * time.Millisecond,
		DialTimeout:     250 * time.Millisecond,
		ReadTimeout:     750 * time.Millisecond, // raised to WAIT timeout + 250ms
		WriteTimeout:    500 * time.Millisecond,
		MaxRetries:      2,
		PoolSize:        64,
		RequestTimeout:  2 * time.Second,
	}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("defaults:\n got %+v\nwant %+v", c, want)
	}
}

func TestLoadConfigOverrides(t *testing.T) {
	c, err := loadConfig(envOf(map[string]string{
		"WEB_LISTEN":           "0.0.0.0:8080",
		"REDIS_ADDR":           "redis:6379",
		"REDIS_MASTER_NAME":    "other",
		"REDIS_PASSWORD":       " p w ",
		"SENTINEL_PASSWORD":    "spw",
		"WEB_MAX_VALUE_BYTES":  "10",
		"WEB_DURABLE_REPLICAS": "0",
		"WEB_DURABLE_TIMEOUT":  "2s",
		"REDIS_DIAL_TIMEOUT":   "1s",
		"REDIS_READ_TIMEOUT":   "100ms",
		"REDIS_WRITE_TIMEOUT":  "3s",
		"REDIS_MAX_RETRIES":    "0",
		"REDIS_POOL_SIZE":      "8",
		"WEB_REQUEST_TIMEOUT":  "1s",
		"WEB_ACCESS_LOG":       "1",
		"WEB_PPROF":            "true",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := config{
		Listen:           "0.0.0.0:8080",
		ListenPort:       "8080",
		MasterName:       "other",
		RedisAddr:        "redis:6379",
		RedisPassword:    " p w ",
		SentinelPassword: "spw",
		MaxValueBytes:    10,
		DurableReplicas:  0,
		DurableTimeout:   2 * time.Second,
		DialTimeout:      time.Second,
		ReadTimeout:      100 * time.Millisecond, // not raised: durability off
		WriteTimeout:     3 * time.Second,
		MaxRetries:       0,
		PoolSize:         8,
		RequestTimeout:   time.Second,
		AccessLog:        true,
		PProf:            true,
	}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("overrides:\n got %+v\nwant %+v", c, want)
	}
}

func TestLoadConfigReadTimeoutRaise(t *testing.T) {
	tests := []struct {
		read, wait, want string
	}{
		{read: "", wait: "", want: "750ms"},
		{read: "100ms", wait: "1s", want: "1.25s"},
		{read: "5s", wait: "1s", want: "5s"},
		{read: "1250ms", wait: "1s", want: "1.25s"},
	}
	for _, tt := range tests {
		c, err := loadConfig(envOf(map[string]string{
			"REDIS_ADDR":          "r:6379",
			"REDIS_READ_TIMEOUT":  tt.read,
			"WEB_DURABLE_TIMEOUT": tt.wait,
		}))
		if err != nil {
			t.Fatal(err)
		}
		if got := c.ReadTimeout.String(); got != tt.want {
			t.Errorf("read=%q wait=%q: ReadTimeout = %s, want %s", tt.read, tt.wait, got, tt.want)
		}
		if o := c.storeOptions(); o.ReadTimeout != c.ReadTimeout || o.DurableTimeout != c.DurableTimeout {
			t.Errorf("storeOptions do not carry the timeouts: %+v", o)
		}
	}
}

func TestLoadConfigInvalid(t *testing.T) {
	tests := []struct {
		name, value string
		want        string
	}{
		{"WEB_LISTEN", "5000", "want [host]:port"},
		{"WEB_LISTEN", ":http", "numeric port"},
		{"WEB_LISTEN", ":70000", "from 1 to 65535"},
		{"REDIS_SENTINELS", "s1:26379,s2", `entry "s2" is not host:port`},
		{"REDIS_SENTINELS", ":26379", `entry ":26379" is not host:port`},
		{"REDIS_ADDR", "redis", "want host:port"},
		{"WEB_MAX_VALUE_BYTES", "1MB", "want an integer from 0 to 536870912"},
		{"WEB_MAX_VALUE_BYTES", "-1", "want an integer"},
		{"WEB_DURABLE_REPLICAS", "two", "want an integer from 0 to 100"},
		{"WEB_DURABLE_TIMEOUT", "500", "want a Go duration"},
		{"WEB_DURABLE_TIMEOUT", "0s", "from 1ms to 1m0s"},
		{"REDIS_DIAL_TIMEOUT", "fast", "want a Go duration"},
		{"REDIS_READ_TIMEOUT", "-1s", "want a Go duration"},
		{"REDIS_WRITE_TIMEOUT", "1y", "want a Go duration"},
		{"REDIS_MAX_RETRIES", "11", "want an integer from 0 to 10"},
		{"REDIS_POOL_SIZE", "0", "want an integer from 1 to 10000"},
		{"WEB_REQUEST_TIMEOUT", "soon", "want a Go duration"},
		{"WEB_REQUEST_TIMEOUT", "400ms", "must be longer than WEB_DURABLE_TIMEOUT"},
		{"WEB_ACCESS_LOG", "yes", "want 1 or 0"},
		{"WEB_PPROF", "on", "want 1 or 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name+"="+tt.value, func(t *testing.T) {
			_, err := loadConfig(envOf(map[string]string{"REDIS_ADDR": "r:6379", tt.name: tt.value}))
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			for _, want := range []string{tt.name, `"` + tt.value + `"`, tt.want} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q lacks %q", msg, want)
				}
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error is not one line: %q", msg)
			}
		})
	}
}

func TestLoadConfigNoRedis(t *testing.T) {
	_, err := loadConfig(envOf(nil))
	if err == nil || !strings.Contains(err.Error(), "REDIS_SENTINELS") || !strings.Contains(err.Error(), "REDIS_ADDR") {
		t.Fatalf("err = %v", err)
	}
}

func TestLoadConfigNeverEchoesPasswords(t *testing.T) {
	_, err := loadConfig(envOf(map[string]string{"REDIS_PASSWORD": "hunter2", "SENTINEL_PASSWORD": "hunter3", "REDIS_POOL_SIZE": "x"}))
	if err == nil || strings.Contains(err.Error(), "hunter") {
		t.Fatalf("err = %v", err)
	}
}

func TestMaxHeaderBytes(t *testing.T) {
	if got := (config{MaxValueBytes: 1 << 20}).maxHeaderBytes(); got < 3<<20 {
		t.Fatalf("maxHeaderBytes = %d, too small for a percent-encoded 1MiB value", got)
	}
	if got := (config{MaxValueBytes: 10}).maxHeaderBytes(); got != 1<<20 {
		t.Fatalf("maxHeaderBytes = %d, want the net/http default", got)
	}
}

func TestPasswordsFromFiles(t *testing.T) {
	dir := t.TempDir()
	redisFile := filepath.Join(dir, "redis_password")
	if err := os.WriteFile(redisFile, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := loadConfig(envOf(map[string]string{
		"REDIS_ADDR":          "r:6379",
		"REDIS_PASSWORD_FILE": redisFile,
		"REDIS_PASSWORD":      "ignored",
		"SENTINEL_PASSWORD":   "direct",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.RedisPassword != "from-file" || c.SentinelPassword != "direct" {
		t.Fatalf("passwords = %q, %q", c.RedisPassword, c.SentinelPassword)
	}
	_, err = loadConfig(envOf(map[string]string{"REDIS_ADDR": "r:6379", "SENTINEL_PASSWORD_FILE": filepath.Join(dir, "missing")}))
	if err == nil || !strings.Contains(err.Error(), "SENTINEL_PASSWORD_FILE") {
		t.Fatalf("missing file: err = %v", err)
	}
}
