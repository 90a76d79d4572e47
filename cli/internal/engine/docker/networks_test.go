package docker

import (
	"errors"
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/hactl/hactl/cli/internal/engine"
)

func TestNetworkAliases(t *testing.T) {
	e := requireEngine(t)
	ctx := testCtx(t)
	netA := newNetwork(t, e)
	netB := newNetwork(t, e)
	server := startProbe(t, e, engine.ContainerSpec{Networks: []engine.NetworkAttachment{
		{Network: netA, Aliases: []string{"alpha"}},
		{Network: netB, Aliases: []string{"beta"}},
	}})
	client := startProbe(t, e, engine.ContainerSpec{Networks: []engine.NetworkAttachment{{Network: netB}}})

	resolve := func(host string) engine.ExecResult {
		return mustExec(t, e, client, nil, "/probe", "resolve", host)
	}
	if res := resolve("beta"); res.ExitCode != 0 || net.ParseIP(strings.Fields(string(res.Stdout) + " x")[0]) == nil {
		t.Errorf("resolve beta (alias on the shared network): %+v", res)
	}
	if res := resolve("alpha"); res.ExitCode == 0 {
		t.Errorf("alpha (alias on a network the client is not on) resolved: %q", res.Stdout)
	}

	if err := e.ConnectNetwork(ctx, client, engine.NetworkAttachment{Network: netA, Aliases: []string{"gamma"}}); err != nil {
		t.Fatal(err)
	}
	if res := resolve("alpha"); res.ExitCode != 0 {
		t.Errorf("resolve alpha after connecting: %+v", res)
	}
	if res := mustExec(t, e, server, nil, "/probe", "resolve", "gamma"); res.ExitCode != 0 {
		t.Errorf("resolve gamma (alias given at connect): %+v", res)
	}

	if err := e.DisconnectNetwork(ctx, netB, server); err != nil {
		t.Fatal(err)
	}
	if got := mustInspect(t, e, server).Networks; !slices.Equal(got, []string{netA}) {
		t.Errorf("networks after disconnect = %v", got)
	}
	if err := e.RemoveNetwork(ctx, netA); err == nil {
		t.Error("removed a network that containers are connected to")
	}
}

func TestCreateNetworkDuplicate(t *testing.T) {
	e := requireEngine(t)
	name := newNetwork(t, e)
	_, err := e.CreateNetwork(testCtx(t), engine.NetworkSpec{Name: name, Labels: testLabels()})
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second network named %s: %v", name, err)
	}
}

func TestListFiltersByLabel(t *testing.T) {
	e := requireEngine(t)
	ctx := testCtx(t)
	role := "io.hactl.test.role"
	netX := newNetwork(t, e, role, "x")
	netY := newNetwork(t, e, role, "y")
	volX := newVolume(t, e, role, "x")
	newVolume(t, e, role, "y")
	ctrX := newContainer(t, e, engine.ContainerSpec{Labels: testLabels(role, "x")})
	ctrY := startProbe(t, e, engine.ContainerSpec{Labels: testLabels(role, "y")})

	containers, err := e.ListContainers(ctx, map[string]string{runLabel: runID, role: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if len(containers) != 1 || containers[0].Name != ctrX || containers[0].State != "created" {
		t.Errorf("containers with role x = %+v", containers)
	}
	containers, err = e.ListContainers(ctx, map[string]string{runLabel: runID, role: ""})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range containers {
		names = append(names, c.Name)
	}
	if !slices.Contains(names, ctrX) || !slices.Contains(names, ctrY) || len(names) != 2 {
		t.Errorf("containers with any role = %v", names)
	}

	networks, err := e.ListNetworks(ctx, map[string]string{runLabel: runID, role: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if len(networks) != 1 || networks[0].Name != netX || networks[0].Driver != "bridge" || networks[0].ID == "" {
		t.Errorf("networks with role x = %+v", networks)
	}
	networks, err = e.ListNetworks(ctx, map[string]string{runLabel: runID, role: ""})
	if err != nil {
		t.Fatal(err)
	}
	if len(networks) != 2 {
		t.Errorf("networks with any role = %+v (want %s and %s)", networks, netX, netY)
	}

	volumes, err := e.ListVolumes(ctx, map[string]string{runLabel: runID, role: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if len(volumes) != 1 || volumes[0].Name != volX || volumes[0].Labels[role] != "x" {
		t.Errorf("volumes with role x = %+v", volumes)
	}
	volumes, err = e.ListVolumes(ctx, map[string]string{runLabel: runID, role: ""})
	if err != nil {
		t.Fatal(err)
	}
	if len(volumes) != 2 {
		t.Errorf("volumes with any role = %+v", volumes)
	}
}

func TestVolumeRemove(t *testing.T) {
	e := requireEngine(t)
	ctx := testCtx(t)
	name := uniqueName("vol")
	if err := e.CreateVolume(ctx, engine.VolumeSpec{Name: name, Labels: testLabels()}); err != nil {
		t.Fatal(err)
	}
	if err := e.RemoveVolume(ctx, name); err != nil {
		t.Fatal(err)
	}
	if err := e.RemoveVolume(ctx, name); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("second remove: %v", err)
	}
}
