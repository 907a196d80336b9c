package netguard

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// upstream is a real HTTP server on a loopback address that counts the
// connections it accepts: a refused dial must not reach it at all.
type upstream struct {
	*httptest.Server
	conns atomic.Int64
}

// startUpstream serves h (a "hello from <ip>" answer when nil) on ip, a
// loopback address; the test is skipped when ip can't be listened on.
func startUpstream(t *testing.T, ip string, h http.Handler) *upstream {
	t.Helper()
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		t.Skipf("no loopback listener on %s: %v", ip, err)
	}
	if h == nil {
		h = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "hello from "+ip) })
	}
	u := &upstream{Server: httptest.NewUnstartedServer(h)}
	u.Listener.Close()
	u.Listener = ln
	u.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			u.conns.Add(1)
		}
	}
	u.Start()
	t.Cleanup(u.Close)
	return u
}

func (u *upstream) port() string { return strconv.Itoa(u.Listener.Addr().(*net.TCPAddr).Port) }

// get is a GET of rawURL through c: the body, or the error.
func get(t *testing.T, c *http.Client, rawURL string) (string, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(body), nil
}

// wantBlocked fails t unless err carries a *BlockedError for reason whose
// address satisfies addrOK.
func wantBlocked(t *testing.T, err error, reason string, addrOK func(netip.Addr) bool) *BlockedError {
	t.Helper()
	var be *BlockedError
	if !errors.As(err, &be) || !errors.Is(err, ErrBlocked) {
		t.Fatalf("error = %v, want a *BlockedError", err)
	}
	var ue *url.Error
	var oe *net.OpError
	if !errors.As(err, &ue) || !errors.As(err, &oe) || oe.Op != "dial" {
		t.Errorf("error = %#v, want a *url.Error around a dial *net.OpError", err)
	}
	if be.Reason != reason || !addrOK(be.Addr) {
		t.Fatalf("refused %s for %q, want %q", be.Addr, be.Reason, reason)
	}
	return be
}

// TestClientDial sends real requests to loopback servers by IP and by a
// name resolving to loopback: the dial-time check decides.
func TestClientDial(t *testing.T) {
	v4 := startUpstream(t, "127.0.0.1", nil)
	servers := map[string]*upstream{"127.0.0.1": v4, "localhost": v4, "0.0.0.0": v4}
	urls := map[string]string{
		"127.0.0.1": "http://127.0.0.1:" + v4.port() + "/",
		"localhost": "http://localhost:" + v4.port() + "/", // resolved by the system's hosts file
		"0.0.0.0":   "http://0.0.0.0:" + v4.port() + "/",   // Linux connects it to the local host
	}
	loopback := func(a netip.Addr) bool { return a.IsLoopback() }
	type dialCase struct {
		name   string
		policy *Policy
		target string                // a key of urls
		reason string                // "" when the request must succeed
		addrOK func(netip.Addr) bool // the refused address is as expected
	}
	tests := []dialCase{
		{"default refuses loopback IP", nil, "127.0.0.1", reasonLoopback, loopback},
		{"default refuses name resolving to loopback", &Policy{}, "localhost", reasonLoopback, loopback},
		{"default refuses 0.0.0.0", &Policy{}, "0.0.0.0", reasonUnspecified, netip.Addr.IsUnspecified},
		{"allow private permits IP", &Policy{AllowPrivate: true}, "127.0.0.1", "", nil},
		{"allow private permits name", &Policy{AllowPrivate: true}, "localhost", "", nil},
		{"allow prefix permits IP", &Policy{Allow: prefixes("127.0.0.1/32")}, "127.0.0.1", "", nil},
		{"allow prefix permits name", &Policy{Allow: prefixes("127.0.0.0/8", "::1/128")}, "localhost", "", nil},
		{"deny beats allow", &Policy{Allow: prefixes("127.0.0.0/8"), Deny: prefixes("127.0.0.1/32")}, "127.0.0.1", reasonDenied, loopback},
		{"invalid policy refuses", &Policy{AllowPrivate: true, Allow: []netip.Prefix{{}}}, "127.0.0.1", "invalid network policy: allow[0]: not a valid prefix", loopback},
	}
	if v6, err := net.Listen("tcp", "[::1]:0"); err == nil {
		v6.Close()
		u := startUpstream(t, "::1", nil)
		servers["::1"], urls["::1"] = u, "http://[::1]:"+u.port()+"/"
		tests = append(tests,
			dialCase{"default refuses ::1", nil, "::1", reasonLoopback, loopback},
			dialCase{"allow private permits ::1", &Policy{AllowPrivate: true}, "::1", "", nil},
			dialCase{"v4 allow leaves ::1 refused", &Policy{Allow: prefixes("127.0.0.0/8")}, "::1", reasonLoopback, loopback},
		)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := servers[tc.target]
			before := srv.conns.Load()
			body, err := get(t, NewClient(tc.policy), urls[tc.target])
			if tc.reason != "" {
				wantBlocked(t, err, tc.reason, tc.addrOK)
				if n := srv.conns.Load() - before; n != 0 {
					t.Errorf("the upstream accepted %d connections from a refused dial", n)
				}
				return
			}
			if err != nil {
				t.Fatalf("GET %s: %v", urls[tc.target], err)
			}
			if !strings.HasPrefix(body, "hello from ") {
				t.Fatalf("body = %q", body)
			}
		})
	}
}

// TestPolicyCopied checks that the dialer keeps the policy it was given.
func TestPolicyCopied(t *testing.T) {
	p := &Policy{Allow: prefixes("10.1.2.3/32")}
	g := newGuard(p)
	p.Allow[0] = netip.MustParsePrefix("10.9.9.9/32")
	p.AllowPrivate = true
	if err := g.control(t.Context(), "tcp4", "10.1.2.3:443", nil); err != nil {
		t.Fatalf("allowed address: %v", err)
	}
	if err := g.control(t.Context(), "tcp4", "10.9.9.9:443", nil); !errors.Is(err, ErrBlocked) {
		t.Fatalf("address allowed after the copy: %v, want ErrBlocked", err)
	}
}

func TestControlAddress(t *testing.T) {
	g := newGuard(&Policy{AllowPrivate: true})
	tests := []struct {
		network, address string
		blocked          bool
	}{
		{"tcp4", "127.0.0.1:80", false},
		{"tcp6", "[::1]:80", false},
		{"tcp6", "[fe80::1%lo]:80", false},
		{"tcp4", "169.254.169.254:80", true},
		{"tcp6", "[::ffff:169.254.169.254]:80", true},
		{"tcp", "localhost:80", true}, // not resolved: the dialer always passes an IP
		{"unix", "/run/docker.sock", true},
		{"tcp4", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.network+" "+tc.address, func(t *testing.T) {
			err := g.control(t.Context(), tc.network, tc.address, nil)
			if blocked := errors.Is(err, ErrBlocked); blocked != tc.blocked {
				t.Fatalf("control(%q, %q) = %v, want blocked %v", tc.network, tc.address, err, tc.blocked)
			}
		})
	}
}
