package app

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/hactl/hactl/cli/internal/engine"
	"github.com/hactl/hactl/cli/internal/images"
	"github.com/hactl/hactl/cli/internal/labels"
	"github.com/hactl/hactl/cli/internal/secrets"
)

// newImageBuilder makes the builder of hactl's offline images.
func newImageBuilder(e engine.Images) *images.Builder {
	cache := ""
	if dir, err := secrets.DefaultDir(); err == nil {
		cache = filepath.Join(dir, "cache")
	}
	return &images.Builder{
		Engine:    e,
		WebBinary: images.DefaultWebBinary(),
		CacheDir:  cache,
		Mirror:    os.Getenv("HACTL_DEBIAN_MIRROR"),
	}
}

func imagesCommand() *cli.Command {
	return &cli.Command{
		Name:  "images",
		Usage: "build and list the images hactl makes without a registry",
		Subcommands: []*cli.Command{
			{
				Name:      "build",
				Usage:     "build the images a stack uses (or those named), skipping those up to date",
				ArgsUsage: "[IMAGE...]",
				Description: `The server base image is Debian bookworm bootstrapped with debootstrap and
imported (needs root; a few minutes the first time, then cached by a hash of
its package list). web:v1 is the static hactl-web binary in a FROM scratch
image. Without arguments, builds what the topology file uses; "all" builds
every image hactl knows: ` + strings.Join(images.Names(), ", ") + `.`,
				Flags: []cli.Flag{
					fileFlag,
					&cli.BoolFlag{Name: "force", Usage: "rebuild even when up to date"},
				},
				Action: func(c *cli.Context) error {
					refs := c.Args().Slice()
					if len(refs) == 1 && refs[0] == "all" {
						refs = images.Names()
					}
					if len(refs) == 0 {
						t, err := loadTopology(c)
						if err != nil {
							return err
						}
						refs = uniq([]string{t.Images.Redis, t.Images.Sentinel, t.Images.HAProxy, t.Images.Web})
					}
					e, err := openEngine(c.Context)
					if err != nil {
						return err
					}
					defer e.Close()
					if err := newImageBuilder(e).Build(c.Context, refs, c.Bool("force")); err != nil {
						return err
					}
					return listImages(c, e, false)
				},
			},
			{
				Name:  "ls",
				Usage: "list the images hactl built, with their sizes",
				Flags: []cli.Flag{&cli.BoolFlag{Name: "json", Usage: "print as JSON"}},
				Action: func(c *cli.Context) error {
					e, err := openEngine(c.Context)
					if err != nil {
						return err
					}
					defer e.Close()
					return listImages(c, e, c.Bool("json"))
				},
			},
		},
	}
}

func listImages(c *cli.Context, e engine.Engine, asJSON bool) error {
	list, err := newImageBuilder(e).List(c.Context)
	if err != nil {
		return err
	}
	sort.Slice(list, func(i, j int) bool { return first(list[i].Tags) < first(list[j].Tags) })
	w := c.App.Writer
	if asJSON {
		type row struct {
			Tags []string `json:"tags"`
			Kind string   `json:"kind"`
			Size int64    `json:"size_bytes"`
		}
		rows := []row{}
		for _, im := range list {
			rows = append(rows, row{Tags: im.Tags, Kind: im.Labels[labels.ImageKind], Size: im.Size})
		}
		data, _ := json.MarshalIndent(rows, "", "  ")
		fmt.Fprintln(w, string(data))
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "IMAGE\tKIND\tSIZE")
	for _, im := range list {
		fmt.Fprintf(tw, "%s\t%s\t%.1f MB\n", strings.Join(im.Tags, ","), im.Labels[labels.ImageKind], float64(im.Size)/1e6)
	}
	return tw.Flush()
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func uniq(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
