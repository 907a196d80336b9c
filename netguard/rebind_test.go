package netguard

import (
	"net/http"
	"net/netip"
	"testing"
)

// TestDNSRebinding serves a name from a real DNS server that answers a
// public address first and 127.0.0.1 afterwards. A check made when the
// URL is validated passes; the guarded dialer resolves again, connects to
// what the name says now, and refuses it.
func TestDNSRebinding(t *testing.T) {
	up := startUpstream(t, "127.0.0.1", nil)
	public, loopback := netip.MustParseAddr("8.8.8.8"), netip.MustParseAddr("127.0.0.1")
	const name = "rebind.ferry.test."
	url := "http://" + name + ":" + up.port() + "/"

	tests := []struct {
		name   string
		policy *Policy
		reason string // "" when the request must reach the loopback upstream
	}{
		{"default policy refuses the rebound address", &Policy{}, reasonLoopback},
		{"allowing only the first answer refuses it", &Policy{Allow: prefixes("8.8.8.8/32")}, reasonLoopback},
		{"allow private reaches the loopback upstream", &Policy{AllowPrivate: true}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dns := startDNS(t, name, public, loopback)
			r := dns.resolver()

			// The validation step a naive SSRF filter does: resolve, check.
			addrs, err := r.LookupNetIP(t.Context(), "ip4", name)
			if err != nil || len(addrs) != 1 || addrs[0] != public {
				t.Fatalf("first lookup = %v, %v; want [%s]", addrs, err, public)
			}
			if err := tc.policy.Check(addrs[0]); err != nil {
				t.Fatalf("Check(%s) = %v, want nil", addrs[0], err)
			}

			d := NewDialer(tc.policy)
			d.Resolver = r
			tr := NewTransport(tc.policy, nil)
			tr.DialContext = d.DialContext
			defer tr.CloseIdleConnections()
			before := up.conns.Load()
			body, err := get(t, &http.Client{Transport: tr}, url)
			if n := dns.count(); n < 2 {
				t.Fatalf("%d A queries, want the dial to resolve the name again", n)
			}
			if tc.reason != "" {
				wantBlocked(t, err, tc.reason, func(a netip.Addr) bool { return a == loopback })
				if n := up.conns.Load() - before; n != 0 {
					t.Errorf("the upstream accepted %d connections", n)
				}
				return
			}
			if err != nil {
				t.Fatalf("GET %s: %v", url, err)
			}
			if body != "hello from 127.0.0.1" {
				t.Fatalf("body = %q, want the loopback upstream's", body)
			}
		})
	}
}
