package main

import (
	"net/url"
	"testing"
)

func TestQueryParamMatchesParseQuery(t *testing.T) {
	raws := []string{
		"",
		"key=a",
		"key=a&key=b",
		"value=1&key=x",
		"key",
		"key=",
		"&&key=a&&",
		"k%65y=decoded-name",
		"key=a+b%20c",
		"key=%E2%82%AC",
		"ke+y=space-in-name&key=real",
		"%zz=skip&key=after-bad-name",
		"keys=no&akey=no&key=yes",
		"key=a=b",
	}
	for _, raw := range raws {
		want, _ := url.ParseQuery(raw)
		v, found, err := queryParam(raw, "key")
		if err != nil {
			t.Errorf("%q: unexpected error %v", raw, err)
			continue
		}
		if _, ok := want["key"]; found != ok || v != want.Get("key") {
			t.Errorf("%q: got (%q, %t), url.ParseQuery gives (%q, %t)", raw, v, found, want.Get("key"), ok)
		}
	}
}

func TestQueryParamBadEscape(t *testing.T) {
	if _, found, err := queryParam("key=%zz", "key"); err == nil || !found {
		t.Fatalf("found=%t err=%v, want an error", found, err)
	}
	if v, found, err := queryParam("other=%zz&key=ok", "key"); err != nil || !found || v != "ok" {
		t.Fatalf("a bad unrelated value must not matter: %q %t %v", v, found, err)
	}
}

func TestQueryParamAllocs(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		_, _, _ = queryParam("key=somekey&value=plain", "value")
	})
	if allocs != 0 {
		t.Fatalf("%v allocations for an unescaped lookup, want 0", allocs)
	}
}
