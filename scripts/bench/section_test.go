package main

import "testing"

func TestReplaceSection(t *testing.T) {
	tests := []struct {
		name, in, section, body, want string
	}{
		{"empty file", "", "http", "x", "\n\n<!-- http:start -->\nx\n<!-- http:end -->\n"},
		{"append", "# T\n", "up", "y\n", "# T\n\n<!-- up:start -->\ny\n<!-- up:end -->\n"},
		{"replace, keep the rest",
			"a\n<!-- up:start -->\nold\n<!-- up:end -->\nb\n<!-- http:start -->\nh\n<!-- http:end -->\n",
			"up", "new",
			"a\n<!-- up:start -->\nnew\n<!-- up:end -->\nb\n<!-- http:start -->\nh\n<!-- http:end -->\n"},
		{"an end marker before the start is ignored",
			"<!-- up:end -->\n<!-- up:start -->\nold\n<!-- up:end -->\n", "up", "new",
			"<!-- up:end -->\n<!-- up:start -->\nnew\n<!-- up:end -->\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := replaceSection(tt.in, tt.section, tt.body); got != tt.want {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}
