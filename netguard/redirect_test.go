package netguard

import (
	"net/http"
	"net/netip"
	"testing"
)

// TestClientRedirect follows a redirect from an allowed server to another
// loopback address (Linux routes all of 127/8 to the local host): the hop
// is dialed through the same guard and refused unless the policy allows
// its address.
func TestClientRedirect(t *testing.T) {
	target := startUpstream(t, "127.0.0.2", nil)
	targetURL := "http://127.0.0.2:" + target.port() + "/"
	is := func(s string) func(netip.Addr) bool {
		return func(a netip.Addr) bool { return a == netip.MustParseAddr(s) }
	}
	tests := []struct {
		name     string
		policy   *Policy
		location string
		reason   string // "" when the redirect must be followed
		addrOK   func(netip.Addr) bool
	}{
		{"allowed address redirects to another loopback address",
			&Policy{Allow: prefixes("127.0.0.1/32")}, targetURL, reasonLoopback, is("127.0.0.2")},
		{"allow private, the target denied",
			&Policy{AllowPrivate: true, Deny: prefixes("127.0.0.2/32")}, targetURL, reasonDenied, is("127.0.0.2")},
		{"allow private, redirect to the metadata endpoint",
			&Policy{AllowPrivate: true}, "http://169.254.169.254/latest/meta-data/iam/security-credentials/", reasonMetadata, is("169.254.169.254")},
		{"allow private, redirect to the metadata endpoint in NAT64 form",
			&Policy{AllowPrivate: true}, "http://[64:ff9b::a9fe:a9fe]/computeMetadata/v1/", reasonMetadata + " 169.254.169.254 in NAT64 form", is("64:ff9b::a9fe:a9fe")},
		{"both allowed: followed",
			&Policy{Allow: prefixes("127.0.0.1/32", "127.0.0.2/32")}, targetURL, "", nil},
		{"allow private: followed",
			&Policy{AllowPrivate: true}, targetURL, "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := startUpstream(t, "127.0.0.1", http.RedirectHandler(tc.location, http.StatusFound))
			before := target.conns.Load()
			body, err := get(t, NewClient(tc.policy), start.URL+"/start")
			if tc.reason != "" {
				wantBlocked(t, err, tc.reason, tc.addrOK)
				if n := target.conns.Load() - before; n != 0 {
					t.Errorf("the redirect target accepted %d connections", n)
				}
				return
			}
			if err != nil {
				t.Fatalf("GET %s: %v", start.URL, err)
			}
			if body != "hello from 127.0.0.2" {
				t.Fatalf("body = %q, want the redirect target's", body)
			}
		})
	}
}
