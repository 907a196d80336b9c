// Package netguard keeps ferry's outgoing HTTP calls away from addresses an
// integration has no business reaching: loopback, private and link-local
// networks, and the cloud metadata endpoints that hand out the host's
// credentials (server-side request forgery, SSRF).
//
// A Policy says which addresses are refused. The check runs at dial time,
// on the address the socket is about to connect to, after DNS resolution:
// a name that resolves to a public address when it is validated and to
// 127.0.0.1 when it is dialed (DNS rebinding) is refused, and so is every
// hop of a redirect. NewDialer, NewTransport and NewClient build the
// guarded net and net/http values; Check is the decision itself.
package netguard

import (
	"fmt"
	"net/netip"
)

// Policy says which addresses outgoing connections may reach. The zero
// value refuses every address that is not publicly routable: loopback,
// unspecified, private (RFC 1918, IPv6 ULA), link-local, shared (CGNAT),
// multicast, broadcast, reserved, benchmarking and documentation ranges,
// IPv6 outside global unicast, the IPv6 forms that embed such an IPv4
// address (IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo), and the cloud
// metadata endpoints: 169.254.169.254 (AWS, GCP, Azure, most others),
// 169.254.170.2 and 169.254.170.23 (AWS ECS and EKS), 169.254.0.23
// (Tencent), 100.100.100.200 (Alibaba), 168.63.129.16 (Azure WireServer),
// 192.0.0.192 (Oracle), fd00:ec2::254 and fd00:ec2::23 (AWS), fd20:ce::254
// (GCP).
//
// The rules, in order: a Deny match refuses; an address the built-in list
// doesn't refuse passes; an Allow match passes; AllowPrivate passes
// anything but a cloud metadata endpoint; the rest is refused. For an
// address that embeds an IPv4 address, Allow and Deny match either form.
//
// A nil *Policy is the zero value. Check is safe for concurrent use as long
// as nobody modifies the Policy; NewDialer, NewTransport and NewClient copy
// it, so later changes don't reach them.
type Policy struct {
	// AllowPrivate lets connections reach every built-in refused range —
	// loopback, RFC 1918, ULA, link-local, CGNAT… — except the cloud
	// metadata endpoints. It is for local development and tests; a server
	// reachable by others should not set it.
	AllowPrivate bool

	// Allow lists exceptions to the built-in ranges, for example the one
	// internal API an integration talks to (10.1.2.3/32). A cloud metadata
	// endpoint needs its own single-address entry (169.254.169.254/32): a
	// wider prefix such as 169.254.0.0/16 does not open it.
	Allow []netip.Prefix

	// Deny lists further refused prefixes. Deny wins over Allow and
	// AllowPrivate.
	Deny []netip.Prefix

	// Hint, when set, ends every refusal message, telling the operator how
	// to change the policy, e.g. "see --allow-private-networks".
	Hint string
}

// Validate reports the first prefix of Allow or Deny that is invalid (a
// zero netip.Prefix) or IPv4-mapped (::ffff:10.0.0.0/104 is written
// 10.0.0.0/8: addresses are compared in their IPv4 form). Check,
// NewDialer, NewTransport and NewClient refuse every address under a
// policy that fails Validate, so call it where the policy is configured to
// report the mistake early.
func (p *Policy) Validate() error {
	if p == nil {
		return nil
	}
	if err := validate("allow", p.Allow); err != nil {
		return err
	}
	return validate("deny", p.Deny)
}

func validate(name string, l []netip.Prefix) error {
	for i, pfx := range l {
		switch {
		case !pfx.IsValid():
			return fmt.Errorf("%w: %s[%d]: not a valid prefix", ErrInvalidPolicy, name, i)
		case pfx.Addr().Is4In6():
			return fmt.Errorf("%w: %s[%d] %s is IPv4-mapped; write it as IPv4", ErrInvalidPolicy, name, i, pfx)
		}
	}
	return nil
}

// Check returns nil when p lets a connection reach ip, otherwise a
// *BlockedError (wrapping ErrBlocked) that says why. An IPv6 zone is
// ignored; an IPv4-mapped address is checked as the IPv4 address it is.
func (p *Policy) Check(ip netip.Addr) error {
	if p == nil {
		p = &Policy{}
	}
	if len(p.Allow)+len(p.Deny) > 0 {
		if err := p.Validate(); err != nil {
			return p.blocked(ip, err.Error())
		}
	}
	return p.check(ip)
}

// check is Check on a policy known to be valid.
func (p *Policy) check(ip netip.Addr) error {
	a := ip.WithZone("").Unmap()
	if !a.IsValid() {
		return p.blocked(ip, reasonInvalid)
	}
	e, hasE := netip.Addr{}, false
	if a.Is6() && (len(p.Deny) > 0 || len(p.Allow) > 0) {
		var e4 [4]byte
		e4, _, hasE = embedded4(a.As16())
		e = netip.AddrFrom4(e4)
	}
	if contains(p.Deny, a, false) || hasE && contains(p.Deny, e, false) {
		return p.blocked(ip, reasonDenied)
	}
	v := classify(a)
	switch {
	case v.reason == "":
		return nil
	case contains(p.Allow, a, v.metadata) || hasE && contains(p.Allow, e, v.metadata):
		return nil
	case p.AllowPrivate && !v.metadata:
		return nil
	}
	return p.blocked(ip, v.reason)
}

func (p *Policy) blocked(ip netip.Addr, reason string) error {
	return &BlockedError{Addr: ip, Reason: reason, Hint: p.Hint}
}

// contains reports whether a prefix of l holds a; exact asks for a
// single-address prefix of a itself.
func contains(l []netip.Prefix, a netip.Addr, exact bool) bool {
	for _, pfx := range l {
		if exact && pfx.IsSingleIP() && pfx.Addr() == a || !exact && pfx.Contains(a) {
			return true
		}
	}
	return false
}

// clone is a copy of p (the zero Policy for nil) sharing nothing with it.
func (p *Policy) clone() Policy {
	if p == nil {
		return Policy{}
	}
	c := *p
	c.Allow = append([]netip.Prefix(nil), p.Allow...)
	c.Deny = append([]netip.Prefix(nil), p.Deny...)
	return c
}
