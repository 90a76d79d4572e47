package main

import (
	"net/url"
	"strings"
)

// queryParam returns the first value of parameter name in the raw query
// string, decoded like url.ParseQuery does ("+" is a space, %XX escapes).
// It scans in place instead of building a url.Values map, so a lookup
// allocates only when a value is actually percent-encoded. Pairs whose
// name cannot be decoded are skipped, as url.ParseQuery skips them; a
// value that cannot be decoded is an error.
func queryParam(raw, name string) (value string, found bool, err error) {
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		if needsUnescape(k) {
			if k, err = url.QueryUnescape(k); err != nil {
				err = nil
				continue
			}
		}
		if k != name {
			continue
		}
		if needsUnescape(v) {
			if v, err = url.QueryUnescape(v); err != nil {
				return "", true, err
			}
		}
		return v, true, nil
	}
	return "", false, nil
}

func needsUnescape(s string) bool {
	return strings.ContainsAny(s, "%+")
}
