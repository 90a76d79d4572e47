package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"

	"gopkg.in/yaml.v3"
)

// topologyCmd rewrites a topology file for a benchmark project: its own
// project name, HAProxy port and web app host ports, so it runs next to any
// other stack on the machine, and optionally another web image.
//
//	bench topology -in examples/article.yaml -project hbench-go -port 7301 [-image web:v1] [-publish-first]
//
// The HAProxy port becomes -port; the web apps that publish a host port get
// -port+1, -port+2, ... in order (with -publish-first, the first app gets one
// even if the file gives it none). An explicit back subnet is dropped, so the
// subnet comes from the new project's name and does not clash with the
// original stack.
func topologyCmd(args []string) error {
	fs := flag.NewFlagSet("topology", flag.ContinueOnError)
	in := fs.String("in", "", "topology file to start from")
	project := fs.String("project", "", "project name")
	port := fs.Int("port", 0, "HAProxy port; web app host ports follow it")
	image := fs.String("image", "", "web image (default: the file's)")
	publishFirst := fs.Bool("publish-first", false, "publish the first web app even if the file does not")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" || *project == "" || *port <= 0 || *port > 65500 {
		return fmt.Errorf("topology: -in, -project and -port are required")
	}
	data, err := os.ReadFile(*in)
	if err != nil {
		return err
	}
	out, err := rewriteTopology(data, *project, *port, *image, *publishFirst)
	if err != nil {
		return fmt.Errorf("%s: %w", *in, err)
	}
	_, err = os.Stdout.Write(out)
	return err
}

func rewriteTopology(data []byte, project string, port int, image string, publishFirst bool) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode}}}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("not a mapping")
	}
	setScalar(root, "project", project)
	setScalar(mapping(root, "haproxy"), "port", strconv.Itoa(port))
	if image != "" {
		setScalar(mapping(root, "images"), "web", image)
	}
	if nets := lookup(root, "networks"); nets != nil {
		if back := lookup(nets, "back"); back != nil {
			deleteKey(back, "subnet")
		}
	}
	web := mapping(root, "web")
	apps := lookup(web, "apps")
	if apps == nil && publishFirst {
		apps = &yaml.Node{Kind: yaml.SequenceNode}
		app := &yaml.Node{Kind: yaml.MappingNode}
		setScalar(app, "name", "web-app1")
		apps.Content = append(apps.Content, app)
		setNode(web, "apps", apps)
	}
	next := port + 1
	if apps != nil {
		for i, app := range apps.Content {
			if app.Kind != yaml.MappingNode {
				continue
			}
			if lookup(app, "host_port") != nil || (i == 0 && publishFirst) {
				setScalar(app, "host_port", strconv.Itoa(next))
				next++
			}
		}
	}
	return yaml.Marshal(&doc)
}

func lookup(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// mapping returns the mapping under key, creating it when missing.
func mapping(m *yaml.Node, key string) *yaml.Node {
	if n := lookup(m, key); n != nil && n.Kind == yaml.MappingNode {
		return n
	}
	n := &yaml.Node{Kind: yaml.MappingNode}
	setNode(m, key, n)
	return n
}

func setNode(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
}

func setScalar(m *yaml.Node, key, value string) {
	setNode(m, key, &yaml.Node{Kind: yaml.ScalarNode, Value: value})
}

func deleteKey(m *yaml.Node, key string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return
		}
	}
}
