package netguard

import (
	"net/netip"
	"testing"
)

// FuzzCheck feeds Check arbitrary 4- and 16-byte addresses: it must not
// panic, must refuse with a reason or allow, and must give an IPv4 address
// and its IPv4-mapped form the same verdict; the NAT64 and 6to4 forms of a
// refused IPv4 address are refused and those of an allowed one allowed.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		"8.8.8.8", "127.0.0.1", "169.254.169.254", "10.0.0.1", "0.0.0.0", "255.255.255.255",
		"::1", "::", "::ffff:127.0.0.1", "64:ff9b::a9fe:a9fe", "2002:7f00:1::", "fd00:ec2::254",
		"2001:0:4136:e378:8000:63bf:80ff:fffe", "2606:4700:4700::1111", "fe80::1",
	} {
		f.Add(netip.MustParseAddr(s).AsSlice())
	}
	policies := []*Policy{
		{},
		{AllowPrivate: true},
		{Allow: prefixes("10.0.0.0/8", "169.254.169.254/32"), Deny: prefixes("8.8.0.0/16", "2606:4700::/32")},
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var addr netip.Addr
		switch len(b) {
		case 4:
			addr = netip.AddrFrom4([4]byte(b))
		case 16:
			addr = netip.AddrFrom16([16]byte(b))
		default:
			return
		}
		v4 := addr.Unmap()
		if !v4.Is4() { // fuzz the forms with the address's last four bytes
			v4 = netip.AddrFrom4([4]byte(addr.AsSlice()[12:]))
		}
		b4 := v4.As4()
		mapped := netip.AddrFrom16(v4.As16())
		nat64 := netip.AddrFrom16([16]byte{0, 0x64, 0xff, 0x9b, 12: b4[0], 13: b4[1], 14: b4[2], 15: b4[3]})
		sixToFour := netip.AddrFrom16([16]byte{0x20, 0x02, b4[0], b4[1], b4[2], b4[3], 15: 1})
		for _, p := range policies {
			err := p.Check(addr)
			if be, ok := err.(*BlockedError); err != nil && (!ok || be.Reason == "" || be.Addr != addr) {
				t.Fatalf("Check(%s) = %#v, want nil or a *BlockedError for it with a reason", addr, err)
			}
			want := p.Check(v4)
			got := p.Check(mapped)
			if reason(got) != reason(want) {
				t.Fatalf("policy %+v: Check(%s) = %v but Check(%s) = %v", p, mapped, got, v4, want)
			}
			for _, form := range []netip.Addr{nat64, sixToFour} {
				if got := p.Check(form); (got == nil) != (want == nil) {
					t.Fatalf("policy %+v: Check(%s) = %v but Check(%s) = %v", p, form, got, v4, want)
				}
			}
		}
	})
}

func reason(err error) string {
	if be, ok := err.(*BlockedError); ok {
		return be.Reason
	}
	return ""
}
