package netguard

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func prefixes(s ...string) []netip.Prefix {
	l := make([]netip.Prefix, len(s))
	for i, p := range s {
		l[i] = netip.MustParsePrefix(p)
	}
	return l
}

// TestCheckPolicy covers Allow, Deny and AllowPrivate and their order.
func TestCheckPolicy(t *testing.T) {
	tests := []struct {
		name   string
		policy Policy
		addr   string
		reason string
	}{
		{"allow one internal API", Policy{Allow: prefixes("10.1.2.3/32")}, "10.1.2.3", ""},
		{"allow one, not its neighbour", Policy{Allow: prefixes("10.1.2.3/32")}, "10.1.2.4", reasonPrivate},
		{"allow a range", Policy{Allow: prefixes("192.168.0.0/16")}, "192.168.7.7", ""},
		{"allow v4 matches mapped", Policy{Allow: prefixes("10.0.0.0/8")}, "::ffff:10.9.9.9", ""},
		{"allow v4 matches NAT64 form", Policy{Allow: prefixes("10.0.0.0/8")}, "64:ff9b::a09:909", ""},
		{"allow v6", Policy{Allow: prefixes("fd00:1::/32")}, "fd00:1::5", ""},
		{"allow loopback", Policy{Allow: prefixes("127.0.0.1/32")}, "127.0.0.1", ""},
		{"allow loopback, not ::1", Policy{Allow: prefixes("127.0.0.1/32")}, "::1", reasonLoopback},
		{"deny beats allow", Policy{Allow: prefixes("10.0.0.0/8"), Deny: prefixes("10.1.0.0/16")}, "10.1.2.3", reasonDenied},
		{"deny beats narrower allow", Policy{Allow: prefixes("10.1.2.3/32"), Deny: prefixes("10.0.0.0/8")}, "10.1.2.3", reasonDenied},
		{"allow outside deny", Policy{Allow: prefixes("10.0.0.0/8"), Deny: prefixes("10.1.0.0/16")}, "10.2.0.1", ""},
		{"deny beats allow private", Policy{AllowPrivate: true, Deny: prefixes("127.0.0.2/32")}, "127.0.0.2", reasonDenied},
		{"allow private, deny elsewhere", Policy{AllowPrivate: true, Deny: prefixes("127.0.0.2/32")}, "127.0.0.1", ""},
		{"deny a public address", Policy{Deny: prefixes("8.8.8.0/24")}, "8.8.8.8", reasonDenied},
		{"deny v4 matches mapped", Policy{Deny: prefixes("8.8.8.0/24")}, "::ffff:8.8.8.8", reasonDenied},
		{"deny v4 matches NAT64 form", Policy{Deny: prefixes("8.8.8.0/24")}, "64:ff9b::808:808", reasonDenied},
		{"deny v4 matches 6to4 form", Policy{Deny: prefixes("8.8.8.0/24")}, "2002:808:808::", reasonDenied},
		{"deny v6", Policy{Deny: prefixes("2606:4700::/32")}, "2606:4700:4700::1111", reasonDenied},
		{"deny all", Policy{AllowPrivate: true, Deny: prefixes("0.0.0.0/0", "::/0")}, "1.1.1.1", reasonDenied},
		{"metadata under allow private", Policy{AllowPrivate: true}, "169.254.169.254", reasonMetadata},
		{"metadata under wide allow", Policy{Allow: prefixes("169.254.0.0/16")}, "169.254.169.254", reasonMetadata},
		{"metadata under allow everything", Policy{AllowPrivate: true, Allow: prefixes("0.0.0.0/0", "::/0")}, "100.100.100.200", reasonMetadata},
		{"wide allow opens the rest", Policy{Allow: prefixes("169.254.0.0/16")}, "169.254.1.1", ""},
		{"metadata allowed explicitly", Policy{Allow: prefixes("169.254.169.254/32")}, "169.254.169.254", ""},
		{"metadata allowed explicitly, mapped", Policy{Allow: prefixes("169.254.169.254/32")}, "::ffff:169.254.169.254", ""},
		{"metadata allowed explicitly, NAT64", Policy{Allow: prefixes("169.254.169.254/32")}, "64:ff9b::a9fe:a9fe", ""},
		{"one metadata allowed, not the other", Policy{Allow: prefixes("169.254.169.254/32")}, "169.254.170.2", reasonMetadata},
		{"v6 metadata allowed explicitly", Policy{Allow: prefixes("fd00:ec2::254/128")}, "fd00:ec2::254", ""},
		{"v6 metadata under ULA allow", Policy{Allow: prefixes("fd00::/8")}, "fd00:ec2::254", reasonMetadata},
		{"invalid allow refuses all", Policy{Allow: []netip.Prefix{{}}}, "8.8.8.8", "invalid network policy: allow[0]: not a valid prefix"},
		{"mapped deny refuses all", Policy{Deny: prefixes("::ffff:10.0.0.0/104")}, "8.8.8.8", "invalid network policy: deny[0] ::ffff:10.0.0.0/104 is IPv4-mapped; write it as IPv4"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkVerdict(t, &tc.policy, netip.MustParseAddr(tc.addr), tc.reason)
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		policy *Policy
		want   string // "" for valid
	}{
		{"nil", nil, ""},
		{"zero", &Policy{}, ""},
		{"prefixes", &Policy{Allow: prefixes("10.0.0.0/8", "fd00::/8"), Deny: prefixes("10.1.0.0/16")}, ""},
		{"unmasked prefix", &Policy{Allow: prefixes("10.1.2.3/8")}, ""},
		{"zero allow", &Policy{Allow: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), {}}}, "allow[1]: not a valid prefix"},
		{"zero deny", &Policy{Deny: []netip.Prefix{{}}}, "deny[0]: not a valid prefix"},
		{"mapped allow", &Policy{Allow: prefixes("::ffff:127.0.0.0/104")}, "allow[0] ::ffff:127.0.0.0/104 is IPv4-mapped"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.policy.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tc.want != "" && (!errors.Is(err, ErrInvalidPolicy) || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("Validate() = %v, want ErrInvalidPolicy with %q", err, tc.want)
			}
		})
	}
}

func TestBlockedErrorMessage(t *testing.T) {
	p := &Policy{Hint: "see --allow-private-networks"}
	err := p.Check(netip.MustParseAddr("169.254.169.254"))
	want := "refusing to connect to 169.254.169.254: cloud metadata endpoint; see --allow-private-networks"
	if err == nil || err.Error() != want {
		t.Fatalf("Check = %v, want %q", err, want)
	}
	err = (&Policy{}).Check(netip.MustParseAddr("fe80::1%eth0"))
	if want := "refusing to connect to fe80::1%eth0: link-local address"; err == nil || err.Error() != want {
		t.Fatalf("Check = %v, want %q", err, want)
	}
}
