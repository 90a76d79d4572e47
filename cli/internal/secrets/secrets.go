// Package secrets holds the per-stack credentials: generated at the first
// `hactl up`, stored with owner-only permissions, and never printed unless
// the user asks.
package secrets

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"io"
	"strings"
)

// Secrets are the credentials of one stack.
type Secrets struct {
	RedisPassword    string `json:"redis_password"`
	SentinelPassword string `json:"sentinel_password"`
	StatsUser        string `json:"stats_user"`
	StatsPassword    string `json:"stats_password"`
}

// passwordBytes of entropy per generated password: 160 bits.
const passwordBytes = 20

var encoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// Generate makes a fresh set of credentials from r (crypto/rand.Reader when
// nil). Passwords use only [a-z2-7] so they need no quoting in any config
// file format.
func Generate(r io.Reader) (Secrets, error) {
	if r == nil {
		r = rand.Reader
	}
	var s Secrets
	for _, dst := range []*string{&s.RedisPassword, &s.SentinelPassword, &s.StatsPassword} {
		buf := make([]byte, passwordBytes)
		if _, err := io.ReadFull(r, buf); err != nil {
			return Secrets{}, fmt.Errorf("generate password: %w", err)
		}
		*dst = strings.ToLower(encoding.EncodeToString(buf))
	}
	s.StatsUser = "hactl"
	return s, nil
}

// Validate reports a credential that is missing or unsafe to write into a
// config file.
func (s Secrets) Validate() error {
	fields := map[string]string{
		"redis_password":    s.RedisPassword,
		"sentinel_password": s.SentinelPassword,
		"stats_user":        s.StatsUser,
		"stats_password":    s.StatsPassword,
	}
	for _, name := range []string{"redis_password", "sentinel_password", "stats_user", "stats_password"} {
		v := fields[name]
		if v == "" {
			return fmt.Errorf("secret %s is empty", name)
		}
		if strings.ContainsAny(v, " \t\r\n\"'#:\\") {
			return fmt.Errorf("secret %s holds a character that cannot go into a config file", name)
		}
	}
	return nil
}

// Fixed returns constant credentials for tests and golden files.
func Fixed() Secrets {
	return Secrets{
		RedisPassword:    "test-redis-password",
		SentinelPassword: "test-sentinel-password",
		StatsUser:        "hactl",
		StatsPassword:    "test-stats-password",
	}
}
