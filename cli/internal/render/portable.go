package render

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"gopkg.in/yaml.v3"
)

const composeHeader = `# Rendered by hactl. Both compose tools read this file:
#   docker compose up -d        (the project name comes from .env)
#   docker-compose up -d
`

// ComposeYAML writes the project as a compose file that both docker compose
// (v2) and docker-compose (v1) accept: the project name goes to .env rather
// than a top-level name, ports use the short syntax, extra hosts read
// name:address, and depends_on carries no "required" key.
func ComposeYAML(p *types.Project) ([]byte, error) {
	raw, err := p.MarshalYAML()
	if err != nil {
		return nil, fmt.Errorf("write compose file: %w", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("write compose file: %w", err)
	}
	root := doc.Content[0]
	deleteKey(root, "name")
	if services := lookup(root, "services"); services != nil {
		for i := 1; i < len(services.Content); i += 2 {
			portable(services.Content[i])
		}
	}
	var buf bytes.Buffer
	buf.WriteString(composeHeader)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, fmt.Errorf("write compose file: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("write compose file: %w", err)
	}
	return buf.Bytes(), nil
}

func portable(svc *yaml.Node) {
	if deps := lookup(svc, "depends_on"); deps != nil {
		for i := 1; i < len(deps.Content); i += 2 {
			deleteKey(deps.Content[i], "required")
		}
	}
	if hosts := lookup(svc, "extra_hosts"); hosts != nil && hosts.Kind == yaml.SequenceNode {
		for _, h := range hosts.Content {
			h.Value = strings.Replace(h.Value, "=", ":", 1)
		}
	}
	if ports := lookup(svc, "ports"); ports != nil && ports.Kind == yaml.SequenceNode {
		for i, port := range ports.Content {
			if port.Kind != yaml.MappingNode {
				continue
			}
			get := func(k string) string {
				if n := lookup(port, k); n != nil {
					return n.Value
				}
				return ""
			}
			short := fmt.Sprintf("%s:%s:%s", get("host_ip"), get("published"), get("target"))
			if proto := get("protocol"); proto != "" {
				short += "/" + proto
			}
			ports.Content[i] = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: short}
		}
	}
}

func lookup(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func deleteKey(m *yaml.Node, key string) {
	if m == nil || m.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return
		}
	}
}
