package render

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/hactl/hactl/cli/internal/labels"
)

// ConfigHash digests everything that defines a service's container: its
// compose definition (but not hactl's version) and the content of every file it mounts or reads as a
// secret. A container whose hash label differs is out of date.
func ConfigHash(svc types.ServiceConfig, files []File) string {
	h := sha256.New()
	clean := svc
	clean.Labels = types.Labels{}
	for k, v := range svc.Labels {
		if k != labels.ConfigHash && k != labels.Version {
			clean.Labels[k] = v
		}
	}
	def, _ := json.Marshal(clean)
	h.Write(def)
	for _, f := range ServiceFiles(svc, files) {
		h.Write([]byte("\x00" + f.Path + "\x00"))
		h.Write(f.Content)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ServiceFiles lists the rendered files a service reads: those under its
// bind-mounted config directories and its secrets, in path order.
func ServiceFiles(svc types.ServiceConfig, files []File) []File {
	var dirs, secrets []string
	for _, v := range svc.Volumes {
		if v.Type == types.VolumeTypeBind {
			dirs = append(dirs, strings.TrimPrefix(v.Source, "./")+"/")
		}
	}
	for _, s := range svc.Secrets {
		secrets = append(secrets, SecretsDir+"/"+s.Source)
	}
	var out []File
	for _, f := range files {
		inDir := slices.ContainsFunc(dirs, func(d string) bool { return strings.HasPrefix(f.Path, d) })
		if inDir || slices.Contains(secrets, f.Path) {
			out = append(out, f)
		}
	}
	return out
}
