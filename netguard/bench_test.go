package netguard

import (
	"net"
	"net/netip"
	"testing"
)

func BenchmarkCheck(b *testing.B) {
	p := &Policy{}
	for _, s := range []string{"93.184.215.14", "127.0.0.1", "169.254.169.254", "2606:4700:4700::1111", "64:ff9b::808:808", "::ffff:10.0.0.1"} {
		addr := netip.MustParseAddr(s)
		b.Run(s, func(b *testing.B) {
			for b.Loop() {
				p.Check(addr)
			}
		})
	}
	withLists := &Policy{Allow: prefixes("10.1.2.3/32", "192.168.7.0/24"), Deny: prefixes("8.8.0.0/16", "2606:4700::/32")}
	addr := netip.MustParseAddr("93.184.215.14")
	b.Run("allow and deny lists", func(b *testing.B) {
		for b.Loop() {
			withLists.Check(addr)
		}
	})
}

// BenchmarkControl is what a guarded dial adds per connection attempt:
// parsing the address and the check.
func BenchmarkControl(b *testing.B) {
	g := newGuard(&Policy{})
	for b.Loop() {
		if err := g.control(b.Context(), "tcp4", "93.184.215.14:443", nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDial connects to a loopback listener with a plain dialer and a
// guarded one: the difference is the check's overhead.
func BenchmarkDial(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	for _, bc := range []struct {
		name string
		d    *net.Dialer
	}{
		{"plain", &net.Dialer{}},
		{"guarded", NewDialer(&Policy{AllowPrivate: true})},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				c, err := bc.d.DialContext(b.Context(), "tcp", ln.Addr().String())
				if err != nil {
					b.Fatal(err)
				}
				c.Close()
			}
		})
	}
}
