package topology

import (
	"fmt"
	"net/netip"
)

// Offsets of fixed addresses within the back network's subnet: Redis nodes
// from .10, Sentinels from .30, web apps from .50. Addresses the engine
// assigns by itself come from the upper half of the subnet.
const (
	redisOffset    = 10
	sentinelOffset = 30
	webOffset      = 50
	maxPrefixLen   = 25 // the subnet is at most a /25 (128 addresses)
	minPrefixLen   = 16 // and at least a /16
)

// BackAddresses gives every container on the back network its fixed
// address, by service name.
func (t Topology) BackAddresses() (map[string]string, error) {
	prefix, err := netip.ParsePrefix(t.Networks.Back.Subnet)
	if err != nil || !prefix.Addr().Is4() {
		return nil, fmt.Errorf("networks.back.subnet %q is not an IPv4 CIDR", t.Networks.Back.Subnet)
	}
	base := prefix.Masked().Addr().As4()
	at := func(offset int) string {
		a := base
		n := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
		n += uint32(offset)
		return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}).String()
	}
	out := map[string]string{}
	for i, n := range t.Redis.Nodes() {
		out[n.Name] = at(redisOffset + i)
	}
	for i, s := range t.Redis.SentinelNames() {
		out[s] = at(sentinelOffset + i)
	}
	for i, app := range t.Web.Apps {
		out[app.Name] = at(webOffset + i)
	}
	return out, nil
}

// BackIPRange is the upper half of the back subnet, where the engine picks
// addresses for containers without a fixed one.
func (t Topology) BackIPRange() string {
	prefix, err := netip.ParsePrefix(t.Networks.Back.Subnet)
	if err != nil {
		return ""
	}
	p := prefix.Masked()
	bits := p.Bits() + 1
	a := p.Addr().As4()
	n := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	n |= 1 << (32 - bits)
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}), bits).String()
}
