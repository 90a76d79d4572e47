package topology

import (
	"fmt"
	"sort"
	"strings"
)

// FieldError is one problem with one field of a topology file.
type FieldError struct {
	File  string // path of the file as the user gave it; empty for built-in defaults
	Line  int    // 0 when the field is not in the file
	Field string // dotted path such as "redis.replicas"
	Msg   string // what is wrong and what is allowed

	exact bool // the field itself is in the file, not only its section
}

func (e FieldError) Error() string {
	loc := e.File
	if loc == "" {
		loc = "topology"
	}
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", loc, e.Line)
	}
	if e.Field == "" {
		return loc + ": " + e.Msg
	}
	return fmt.Sprintf("%s: %s %s", loc, e.Field, e.Msg)
}

// Error holds every problem found in a topology file, ordered by line.
type Error struct {
	Problems []FieldError
}

// Error reports the first problem, and how many more there are.
func (e *Error) Error() string {
	if len(e.Problems) == 0 {
		return "invalid topology"
	}
	msg := e.Problems[0].Error()
	if n := len(e.Problems) - 1; n > 0 {
		msg += fmt.Sprintf(" (and %d more problem%s)", n, plural(n))
	}
	return msg
}

// Detail lists every problem, one per line.
func (e *Error) Detail() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

func newError(problems []FieldError) error {
	if len(problems) == 0 {
		return nil
	}
	sorted := append([]FieldError(nil), problems...)
	sort.SliceStable(sorted, func(i, j int) bool {
		return rank(sorted[i]) < rank(sorted[j])
	})
	return &Error{Problems: sorted}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// rank orders problems: first those on a field the file gives, by line; then
// those on a field only its section gives; then those with no line at all.
func rank(p FieldError) int {
	const section, unplaced = 1 << 24, 1 << 25
	switch {
	case p.Line == 0:
		return unplaced
	case p.exact:
		return p.Line
	default:
		return section + p.Line
	}
}
