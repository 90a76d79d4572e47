package topology

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// MaxFileBytes bounds the size of a topology file.
const MaxFileBytes = 1 << 20

// Load reads, validates and defaults the topology file at path. An empty
// path gives the defaults.
func Load(path string) (Topology, error) {
	if path == "" {
		t := Default()
		return t, Validate(t)
	}
	f, err := os.Open(path)
	if err != nil {
		return Topology{}, fmt.Errorf("read topology file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return Topology{}, fmt.Errorf("read topology file %s: %w", path, err)
	}
	return Parse(path, data)
}

// Parse validates and defaults a topology file's content. name is how
// errors refer to the file.
func Parse(name string, data []byte) (Topology, error) {
	fail := func(line int, msg string) (Topology, error) {
		return Topology{}, &Error{Problems: []FieldError{{File: name, Line: line, Msg: msg}}}
	}
	if len(data) > MaxFileBytes {
		return fail(0, fmt.Sprintf("file is larger than %d bytes", MaxFileBytes))
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			t := Default()
			return t, withFile(Validate(t), name)
		}
		line, msg := yamlError(err)
		return fail(line, msg)
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		line, msg := yamlError(err)
		return fail(line, msg)
	default:
		return fail(extra.Line, "more than one YAML document; put the whole topology in one")
	}
	d := &decoder{lines: map[string]int{}}
	var raw fileTopology
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	d.decode(root, reflect.ValueOf(&raw).Elem(), "")
	if len(d.problems) > 0 {
		return Topology{}, withFile(newError(d.problems), name)
	}
	t := Default()
	problems := apply(&t, &raw)
	if len(problems) == 0 {
		problems = validate(t)
	}
	for i := range problems {
		problems[i].Line, problems[i].exact = lineOf(d.lines, problems[i].Field)
	}
	if err := newError(problems); err != nil {
		return Topology{}, withFile(err, name)
	}
	return t, nil
}

// Validate checks a topology built in code.
func Validate(t Topology) error {
	return newError(validate(t))
}

func withFile(err error, name string) error {
	var e *Error
	if errors.As(err, &e) {
		for i := range e.Problems {
			e.Problems[i].File = name
		}
	}
	return err
}

// lineOf finds the line of a field, or else of the closest enclosing field
// the file gives; exact says whether the field itself is in the file.
func lineOf(lines map[string]int, field string) (line int, exact bool) {
	exact = true
	for field != "" {
		if l, ok := lines[field]; ok {
			return l, exact
		}
		exact = false
		i := strings.LastIndexAny(field, ".[")
		if i < 0 {
			return 0, false
		}
		field = field[:i]
	}
	return 0, false
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func yamlError(err error) (int, string) {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return line, "not valid YAML: " + m[2]
	}
	return 0, "not valid YAML: " + strings.TrimPrefix(msg, "yaml: ")
}
