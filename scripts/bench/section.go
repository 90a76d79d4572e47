package main

// Sections of BENCHMARKS.md are the text between the lines
// <!-- NAME:start --> and <!-- NAME:end -->, the convention
// scripts/benchreport uses for the failover section: each script replaces
// its own sections and leaves the others and the hand-written text alone.

import (
	"os"
	"strings"
)

// markers returns the start and end marker lines of section.
func markers(section string) (start, end string) {
	return "<!-- " + section + ":start -->", "<!-- " + section + ":end -->"
}

// splice replaces the text between the section's markers in the file at
// path with body, or appends the section when the file has no markers yet
// (creating the file if needed).
func splice(path, section, body string) error {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	return os.WriteFile(path, []byte(replaceSection(string(old), section, body)), 0o644)
}

// replaceSection is splice on a string.
func replaceSection(text, section, body string) string {
	start, end := markers(section)
	block := start + "\n" + strings.TrimRight(body, "\n") + "\n" + end
	i := strings.Index(text, start)
	j := -1
	if i >= 0 {
		if k := strings.Index(text[i:], end); k >= 0 {
			j = i + k
		}
	}
	if i >= 0 && j > i {
		return text[:i] + block + text[j+len(end):]
	}
	return strings.TrimRight(text, "\n") + "\n\n" + block + "\n"
}
