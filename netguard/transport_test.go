package netguard

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"testing"
)

// TestNewTransportReplacesBypasses checks that every field of base that
// would connect without the check is replaced, and base is left alone.
func TestNewTransportReplacesBypasses(t *testing.T) {
	var baseDialed int
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		baseDialed++
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	proxy := http.ProxyURL(&url.URL{Scheme: "http", Host: "127.0.0.1:1"})
	base := &http.Transport{
		Proxy:          proxy,
		DialContext:    dial,
		DialTLSContext: func(context.Context, string, string) (net.Conn, error) { return nil, nil },
		MaxIdleConns:   7,
		TLSClientConfig: &tls.Config{
			ServerName: "kept.example",
		},
	}
	tr := NewTransport(&Policy{}, base)
	switch {
	case tr == base:
		t.Fatal("NewTransport returned base itself")
	case tr.Proxy != nil:
		t.Error("Proxy kept")
	case tr.DialTLSContext != nil:
		t.Error("DialTLSContext kept")
	case tr.DialContext == nil:
		t.Error("no DialContext")
	case tr.MaxIdleConns != 7 || tr.TLSClientConfig.ServerName != "kept.example":
		t.Error("base's other settings not kept")
	case base.Proxy == nil || base.DialTLSContext == nil:
		t.Error("base modified")
	}
	if _, err := tr.DialContext(t.Context(), "tcp", "127.0.0.1:1"); err == nil || baseDialed != 0 {
		t.Fatalf("dial through the transport: %v, base dialer called %d times", err, baseDialed)
	}

	def := NewTransport(nil, nil)
	if def.Proxy != nil || http.DefaultTransport.(*http.Transport).Proxy == nil {
		t.Error("NewTransport(nil, nil) keeps http.DefaultTransport's proxy or changed it")
	}
}

// TestProxyWouldBypass shows why Proxy is cleared: through an explicit
// proxy on an allowed address, a request for a refused address is the
// proxy's to connect, and the dial check only sees the proxy.
func TestProxyWouldBypass(t *testing.T) {
	target := startUpstream(t, "127.0.0.2", nil)
	proxy := startUpstream(t, "127.0.0.1", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("proxied " + r.URL.String())) // a real proxy would connect to it
	}))
	proxyURL, _ := url.Parse(proxy.URL)
	policy := &Policy{Allow: prefixes("127.0.0.1/32")} // the proxy's address, not the target's
	targetURL := "http://127.0.0.2:" + target.port() + "/"

	unsafe := NewTransport(policy, nil)
	unsafe.Proxy = http.ProxyURL(proxyURL)
	body, err := get(t, &http.Client{Transport: unsafe}, targetURL)
	if err != nil || body != "proxied "+targetURL {
		t.Fatalf("through the proxy: %q, %v; want the proxy to get the request", body, err)
	}

	base := http.DefaultTransport.(*http.Transport).Clone()
	base.Proxy = http.ProxyURL(proxyURL)
	_, err = get(t, &http.Client{Transport: NewTransport(policy, base)}, targetURL)
	wantBlocked(t, err, reasonLoopback, func(a netip.Addr) bool { return a == netip.MustParseAddr("127.0.0.2") })
}
