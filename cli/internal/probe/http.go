package probe

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/hactl/hactl/cli/internal/topology"
)

// maxBody bounds what a check reads of a response.
const maxBody = 1 << 20

// Front sends GET path to HAProxy's published port.
func (p *Prober) Front(ctx context.Context, path string) (int, string, error) {
	return p.get(ctx, p.BaseURL()+path)
}

func (p *Prober) get(ctx context.Context, url string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, "", err
	}
	resp, err := p.HTTP.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return resp.StatusCode, "", err
	}
	return resp.StatusCode, string(body), nil
}

// AppRoute says how App reaches a web app.
func (p *Prober) AppRoute(app string) string {
	if a, ok := p.app(app); ok && a.HostPort != 0 {
		return "127.0.0.1:" + strconv.Itoa(a.HostPort)
	}
	return "from " + p.Topology.HAProxy.Name
}

func (p *Prober) app(name string) (topology.WebApp, bool) {
	for _, a := range p.Topology.Web.Apps {
		if a.Name == name {
			return a, true
		}
	}
	return topology.WebApp{}, false
}

// App sends GET path to one web app directly: through its published port
// when it has one, else with curl from inside the HAProxy container, which
// shares the app's network.
func (p *Prober) App(ctx context.Context, app, path string) (int, string, error) {
	a, ok := p.app(app)
	if !ok {
		return 0, "", fmt.Errorf("no web app named %s", app)
	}
	if a.HostPort != 0 {
		return p.get(ctx, "http://127.0.0.1:"+strconv.Itoa(a.HostPort)+path)
	}
	url := fmt.Sprintf("http://%s:%d%s", a.Name, p.Topology.Web.Port, path)
	ctx, cancel := context.WithTimeout(ctx, ExecTimeout)
	defer cancel()
	res, err := p.Engine.Exec(ctx, p.Container(p.Topology.HAProxy.Name),
		[]string{"curl", "-sS", "--max-time", "3", "-o", "-", "-w", "\n%{http_code}", url}, nil)
	if err != nil {
		return 0, "", err
	}
	if res.ExitCode != 0 {
		return 0, "", fmt.Errorf("curl %s from %s: %s", url, p.Topology.HAProxy.Name, firstLine(string(res.Stderr)))
	}
	out := string(res.Stdout)
	i := strings.LastIndexByte(out, '\n')
	code, err := strconv.Atoi(strings.TrimSpace(out[i+1:]))
	if i < 0 || err != nil {
		return 0, "", fmt.Errorf("curl %s: unreadable answer", url)
	}
	return code, out[:i], nil
}
