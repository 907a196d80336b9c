package netguard

import (
	"encoding/binary"
	"net/netip"
)

// Why the built-in list refuses an address, as BlockedError.Reason says.
const (
	reasonLoopback    = "loopback address"
	reasonUnspecified = "unspecified address"
	reasonPrivate     = "private address"
	reasonLinkLocal   = "link-local address"
	reasonShared      = "shared address space (CGNAT)"
	reasonMulticast   = "multicast address"
	reasonBroadcast   = "broadcast address"
	reasonReserved    = "reserved address"
	reasonBenchmark   = "benchmarking address"
	reasonDoc         = "documentation address"
	reasonNotGlobal   = "IPv6 address outside global unicast"
	reasonCompat      = "deprecated IPv4-compatible IPv6 address"
	reasonMetadata    = "cloud metadata endpoint"
	reasonDenied      = "denied by policy"
	reasonInvalid     = "not a valid IP address"
)

// verdict is the built-in list's answer for one address.
type verdict struct {
	reason   string // empty: a publicly routable address
	metadata bool   // a cloud metadata endpoint, which AllowPrivate doesn't open
}

// metadata4 and metadata6 are the cloud metadata endpoints: they hand the
// host's credentials to whoever asks, so only an explicit single-address
// Allow entry opens them.
var (
	metadata4 = [...]uint32{
		u4("169.254.169.254"), // AWS, GCP (metadata.google.internal), Azure, OCI, OpenStack, DigitalOcean, Hetzner…
		u4("169.254.170.2"),   // AWS ECS task credentials
		u4("169.254.170.23"),  // AWS EKS Pod Identity agent
		u4("169.254.0.23"),    // Tencent Cloud (metadata.tencentyun.com)
		u4("100.100.100.200"), // Alibaba Cloud
		u4("168.63.129.16"),   // Azure WireServer: a public address reachable only inside Azure
		u4("192.0.0.192"),     // Oracle Cloud (legacy)
	}
	metadata6 = [...][16]byte{
		netip.MustParseAddr("fd00:ec2::254").As16(), // AWS IMDS over IPv6
		netip.MustParseAddr("fd00:ec2::23").As16(),  // AWS EKS Pod Identity agent over IPv6
		netip.MustParseAddr("fd20:ce::254").As16(),  // GCP metadata server on IPv6-only VMs
	}
)

// range4 is an IPv4 prefix as integers: u is in it when u&mask == base.
type range4 struct {
	base, mask uint32
	reason     string
}

func r4(prefix, reason string) range4 {
	p := netip.MustParsePrefix(prefix)
	mask := ^uint32(0) << (32 - p.Bits())
	return range4{u4(p.Addr().String()) & mask, mask, reason}
}

// u4 is an IPv4 address as an integer.
func u4(addr string) uint32 {
	b := netip.MustParseAddr(addr).As4()
	return binary.BigEndian.Uint32(b[:])
}

// ranges4 are the IPv4 ranges the built-in list refuses (IANA's
// special-purpose registry, less its globally reachable entries), the
// narrower before the wider.
var ranges4 = [...]range4{
	r4("0.0.0.0/8", reasonUnspecified), // "this network"; Linux connects 0.0.0.0 to the local host
	r4("10.0.0.0/8", reasonPrivate),
	r4("100.64.0.0/10", reasonShared),
	r4("127.0.0.0/8", reasonLoopback),
	r4("169.254.0.0/16", reasonLinkLocal),
	r4("172.16.0.0/12", reasonPrivate),
	r4("192.0.0.0/24", reasonReserved), // IETF protocol assignments
	r4("192.0.2.0/24", reasonDoc),
	r4("192.88.99.0/24", reasonReserved), // former 6to4 relay anycast
	r4("192.168.0.0/16", reasonPrivate),
	r4("198.18.0.0/15", reasonBenchmark),
	r4("198.51.100.0/24", reasonDoc),
	r4("203.0.113.0/24", reasonDoc),
	r4("224.0.0.0/4", reasonMulticast),
	r4("255.255.255.255/32", reasonBroadcast),
	r4("240.0.0.0/4", reasonReserved),
}

// range6 is an IPv6 prefix of at most 64 bits as integers: an address
// whose first 64 bits are hi is in it when hi&mask == base.
type range6 struct {
	base, mask uint64
	reason     string
}

func r6(prefix, reason string) range6 {
	p := netip.MustParsePrefix(prefix)
	if p.Bits() > 64 {
		panic("netguard: " + prefix + " is longer than 64 bits")
	}
	mask := ^uint64(0) << (64 - p.Bits())
	b := p.Addr().As16()
	return range6{binary.BigEndian.Uint64(b[:8]) & mask, mask, reason}
}

// ranges6 are the IPv6 ranges the built-in list refuses besides ::1, ::,
// the embedding forms and everything outside global unicast 2000::/3.
var ranges6 = [...]range6{
	r6("fc00::/7", reasonPrivate), // unique local (ULA)
	r6("fe80::/10", reasonLinkLocal),
	r6("fec0::/10", reasonPrivate), // former site-local
	r6("ff00::/8", reasonMulticast),
	r6("64:ff9b:1::/48", reasonPrivate), // local-use NAT64: what it reaches is the network's own business
	r6("100::/64", reasonReserved),      // discard-only
	r6("2001:2::/48", reasonBenchmark),
	r6("2001:10::/28", reasonReserved), // ORCHID
	r6("2001:20::/28", reasonReserved), // ORCHIDv2
	r6("2001:db8::/32", reasonDoc),
	r6("3fff::/20", reasonDoc),
}

// classify is the built-in list's verdict on a, an IPv4 address or an IPv6
// address that is not IPv4-mapped.
func classify(a netip.Addr) verdict {
	if a.Is4() {
		return classify4(a.As4())
	}
	b := a.As16()
	for _, m := range metadata6 {
		if b == m {
			return verdict{reasonMetadata, true}
		}
	}
	switch b {
	case [16]byte{15: 1}:
		return verdict{reason: reasonLoopback}
	case [16]byte{}:
		return verdict{reason: reasonUnspecified}
	}
	if e, form, ok := embedded4(b); ok {
		if v := classify4(e); v.reason != "" {
			v.reason += " " + netip.AddrFrom4(e).String() + " in " + form + " form"
			return v
		}
		if form == formCompat {
			return verdict{reason: reasonCompat}
		}
		return verdict{} // how an IPv6-only host reaches a public IPv4 address
	}
	hi := binary.BigEndian.Uint64(b[:8])
	for _, r := range ranges6 {
		if hi&r.mask == r.base {
			return verdict{reason: r.reason}
		}
	}
	if b[0]&0xe0 != 0x20 { // not in 2000::/3
		return verdict{reason: reasonNotGlobal}
	}
	return verdict{}
}

func classify4(b [4]byte) verdict {
	u := binary.BigEndian.Uint32(b[:])
	for _, m := range metadata4 {
		if u == m {
			return verdict{reasonMetadata, true}
		}
	}
	for _, r := range ranges4 {
		if u&r.mask == r.base {
			return verdict{reason: r.reason}
		}
	}
	return verdict{}
}

// The IPv6 forms that embed an IPv4 address, as embedded4 names them.
const (
	formNAT64  = "NAT64"
	formSixTo4 = "6to4"
	formTeredo = "Teredo"
	formCompat = "IPv4-compatible"
)

// embedded4 returns the IPv4 address an IPv6 address embeds, for the forms
// a host may route to that IPv4 address: NAT64 (64:ff9b::/96, RFC 6052),
// 6to4 (2002::/16, RFC 3056), Teredo (2001::/32, RFC 4380: the client's
// address, inverted) and IPv4-compatible (::/96, RFC 4291; the caller
// handles :: and ::1). IPv4-mapped addresses are unmapped before.
func embedded4(b [16]byte) (v4 [4]byte, form string, ok bool) {
	switch {
	case b == [16]byte{0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, b[12], b[13], b[14], b[15]}:
		return [4]byte(b[12:]), formNAT64, true
	case b[0] == 0x20 && b[1] == 0x02:
		return [4]byte(b[2:6]), formSixTo4, true
	case b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0:
		return [4]byte{^b[12], ^b[13], ^b[14], ^b[15]}, formTeredo, true
	case b == [16]byte{12: b[12], 13: b[13], 14: b[14], 15: b[15]}:
		return [4]byte(b[12:]), formCompat, true
	}
	return v4, "", false
}
