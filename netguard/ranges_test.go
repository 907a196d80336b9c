package netguard

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

// TestCheckDefault is the zero Policy's verdict on each address; under
// AllowPrivate everything but the metadata endpoints passes.
func TestCheckDefault(t *testing.T) {
	tests := []struct {
		addr   string
		reason string // "" when allowed
	}{
		// public
		{"8.8.8.8", ""},
		{"1.1.1.1", ""},
		{"93.184.215.14", ""},
		{"100.63.255.255", ""}, // just below CGNAT
		{"100.128.0.0", ""},    // just above
		{"172.15.255.255", ""},
		{"172.32.0.0", ""},
		{"169.253.255.255", ""},
		{"198.17.255.255", ""},
		{"198.20.0.0", ""},
		{"223.255.255.255", ""},
		{"2606:4700:4700::1111", ""},
		{"2001:4860:4860::8888", ""},
		{"64:ff9b::808:808", ""},         // NAT64 of 8.8.8.8
		{"2002:808:808::1", ""},          // 6to4 of 8.8.8.8
		{"2001:0:1:2:0:0:f7f7:f7f7", ""}, // Teredo, client 8.8.8.8
		// IPv4 special purpose
		{"0.0.0.0", reasonUnspecified},
		{"0.1.2.3", reasonUnspecified},
		{"10.0.0.1", reasonPrivate},
		{"10.255.255.255", reasonPrivate},
		{"100.64.0.1", reasonShared},
		{"100.127.255.255", reasonShared},
		{"127.0.0.1", reasonLoopback},
		{"127.0.0.2", reasonLoopback},
		{"127.255.255.254", reasonLoopback},
		{"169.254.0.1", reasonLinkLocal},
		{"172.16.0.1", reasonPrivate},
		{"172.31.255.255", reasonPrivate},
		{"192.0.0.8", reasonReserved},
		{"192.0.2.1", reasonDoc},
		{"192.88.99.1", reasonReserved},
		{"192.168.1.1", reasonPrivate},
		{"198.18.0.1", reasonBenchmark},
		{"198.19.255.255", reasonBenchmark},
		{"198.51.100.7", reasonDoc},
		{"203.0.113.9", reasonDoc},
		{"224.0.0.1", reasonMulticast},
		{"239.255.255.250", reasonMulticast},
		{"240.0.0.1", reasonReserved},
		{"255.255.255.255", reasonBroadcast},
		// cloud metadata
		{"169.254.169.254", reasonMetadata},
		{"169.254.170.2", reasonMetadata},
		{"169.254.170.23", reasonMetadata},
		{"169.254.0.23", reasonMetadata},
		{"100.100.100.200", reasonMetadata},
		{"168.63.129.16", reasonMetadata},
		{"192.0.0.192", reasonMetadata},
		{"fd00:ec2::254", reasonMetadata},
		{"fd00:ec2::23", reasonMetadata},
		{"fd20:ce::254", reasonMetadata},
		// IPv6 special purpose
		{"::1", reasonLoopback},
		{"::", reasonUnspecified},
		{"fc00::1", reasonPrivate},
		{"fd12:3456::1", reasonPrivate},
		{"fe80::1", reasonLinkLocal},
		{"fe80::1%eth0", reasonLinkLocal},
		{"febf::1", reasonLinkLocal},
		{"fec0::1", reasonPrivate},
		{"ff02::1", reasonMulticast},
		{"64:ff9b:1::a00:1", reasonPrivate},
		{"100::1", reasonReserved},
		{"2001:2::1", reasonBenchmark},
		{"2001:10::1", reasonReserved},
		{"2001:20::1", reasonReserved},
		{"2001:db8::1", reasonDoc},
		{"3fff::1", reasonDoc},
		{"4000::1", reasonNotGlobal},
		{"5f00::1", reasonNotGlobal},
		{"1::1", reasonNotGlobal},
		// IPv4-mapped: checked as the IPv4 address
		{"::ffff:8.8.8.8", ""},
		{"::ffff:127.0.0.1", reasonLoopback},
		{"::ffff:10.1.2.3", reasonPrivate},
		{"::ffff:169.254.169.254", reasonMetadata},
		{"::ffff:0.0.0.0", reasonUnspecified},
		// forms that embed a refused IPv4 address
		{"::127.0.0.1", reasonLoopback + " 127.0.0.1 in IPv4-compatible form"},
		{"::169.254.169.254", reasonMetadata + " 169.254.169.254 in IPv4-compatible form"},
		{"::8.8.8.8", reasonCompat},
		{"::2", reasonUnspecified + " 0.0.0.2 in IPv4-compatible form"},
		{"64:ff9b::127.0.0.1", reasonLoopback + " 127.0.0.1 in NAT64 form"},
		{"64:ff9b::a9fe:a9fe", reasonMetadata + " 169.254.169.254 in NAT64 form"},
		{"64:ff9b::192.168.0.1", reasonPrivate + " 192.168.0.1 in NAT64 form"},
		{"2002:7f00:1::", reasonLoopback + " 127.0.0.1 in 6to4 form"},
		{"2002:a9fe:a9fe:1234::5", reasonMetadata + " 169.254.169.254 in 6to4 form"},
		{"2002:a00:1::1", reasonPrivate + " 10.0.0.1 in 6to4 form"},
		{"2001:0:4136:e378:8000:63bf:80ff:fffe", reasonLoopback + " 127.0.0.1 in Teredo form"},
		{"2001:0:4136:e378:8000:63bf:5601:5601", reasonMetadata + " 169.254.169.254 in Teredo form"},
	}
	for _, tc := range tests {
		t.Run(tc.addr, func(t *testing.T) {
			addr := netip.MustParseAddr(tc.addr)
			checkVerdict(t, &Policy{}, addr, tc.reason)
			checkVerdict(t, nil, addr, tc.reason)
			private := ""
			if strings.HasPrefix(tc.reason, reasonMetadata) {
				private = tc.reason
			}
			checkVerdict(t, &Policy{AllowPrivate: true}, addr, private)
		})
	}
}

// checkVerdict fails t unless p's verdict on addr is reason ("": allowed).
func checkVerdict(t *testing.T, p *Policy, addr netip.Addr, reason string) {
	t.Helper()
	err := p.Check(addr)
	if reason == "" {
		if err != nil {
			t.Errorf("policy %+v: Check(%s) = %v, want nil", p, addr, err)
		}
		return
	}
	var be *BlockedError
	if !errors.As(err, &be) || !errors.Is(err, ErrBlocked) {
		t.Fatalf("policy %+v: Check(%s) = %v, want a *BlockedError wrapping ErrBlocked", p, addr, err)
	}
	if be.Addr != addr || be.Reason != reason {
		t.Errorf("policy %+v: Check(%s) = {Addr: %s, Reason: %q}, want {%s, %q}", p, addr, be.Addr, be.Reason, addr, reason)
	}
}

func TestCheckInvalidAddr(t *testing.T) {
	err := (&Policy{AllowPrivate: true}).Check(netip.Addr{})
	var be *BlockedError
	if !errors.As(err, &be) || be.Reason != reasonInvalid {
		t.Fatalf("Check(zero Addr) = %v, want %q", err, reasonInvalid)
	}
}
