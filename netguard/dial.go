package netguard

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// guard is a Policy frozen for dialing: copied and validated once.
type guard struct {
	p   Policy
	err error // Validate's verdict; non-nil refuses every address
}

func newGuard(p *Policy) *guard {
	g := &guard{p: p.clone()}
	g.err = g.p.Validate()
	return g
}

// control is a net.Dialer ControlContext: it runs once per connection
// attempt, after name resolution and before connect(2), with the address
// the socket connects to.
func (g *guard) control(_ context.Context, network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s address %q is not an IP address and port", ErrBlocked, network, address)
	}
	if g.err != nil {
		return g.p.blocked(ap.Addr(), g.err.Error())
	}
	return g.p.check(ap.Addr())
}

// NewDialer returns a net.Dialer that refuses, at dial time, the addresses
// p refuses (a nil p is the zero Policy). Its timeout and keep-alive are
// http.DefaultTransport's (30 s each).
//
// The check runs on every address the dialer tries, after name
// resolution: a host name resolving to a refused address fails with a
// *net.OpError wrapping a *BlockedError, however it resolved a moment
// before. Set Resolver, timeouts and the like on the result as needed, but
// keep ControlContext and leave Control unset. The DNS queries of a
// Resolver are not checked: they go to the configured name servers.
func NewDialer(p *Policy) *net.Dialer {
	return &net.Dialer{
		Timeout:        30 * time.Second,
		KeepAlive:      30 * time.Second,
		ControlContext: newGuard(p).control,
	}
}

// NewTransport returns a clone of base (of http.DefaultTransport when base
// is nil) whose connections are dialed by NewDialer(p).
//
// base's dial functions (DialContext, DialTLSContext and their deprecated
// forms) are replaced, since any of them would bypass the check; HTTPS
// connections dial through the same DialContext. Proxy is set to nil: a
// proxy, such as the HTTP_PROXY of the environment that
// http.DefaultTransport honours, would be the only address checked while
// it connects wherever a request asks. A caller who needs an egress proxy
// sets Proxy on the result knowing that; the proxy's address must then
// pass p and the proxy must apply its own rules.
func NewTransport(p *Policy, base *http.Transport) *http.Transport {
	if base == nil {
		base = http.DefaultTransport.(*http.Transport)
	}
	t := base.Clone()
	t.Proxy = nil
	t.DialContext = NewDialer(p).DialContext
	t.DialTLSContext = nil
	t.Dial, t.DialTLS = nil, nil // deprecated, but they would bypass the check too
	return t
}

// NewClient returns an http.Client whose transport is NewTransport(p, nil).
// It follows redirects (up to ten, http.Client's default) through that
// transport, so each hop's address is checked when it is dialed. It has no
// timeout: the context of each request governs.
func NewClient(p *Policy) *http.Client {
	return &http.Client{Transport: NewTransport(p, nil)}
}
