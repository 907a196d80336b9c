package netguard

import (
	"context"
	"encoding/binary"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
)

// dnsServer is a real DNS server on loopback UDP that knows one name. The
// n-th A query for it is answered with answers[n] (the last one once the
// list runs out), so a test can make the name change its address between
// two lookups, as a rebinding attacker's server does. AAAA queries get an
// empty answer, other names NXDOMAIN.
type dnsServer struct {
	pc      net.PacketConn
	name    string // lower case, ending with a dot
	answers []netip.Addr

	mu      sync.Mutex
	queries int // A queries for name so far
}

func startDNS(t *testing.T, name string, answers ...netip.Addr) *dnsServer {
	t.Helper()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &dnsServer{pc: pc, name: strings.ToLower(name), answers: answers}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if resp := s.answer(buf[:n]); resp != nil {
				pc.WriteTo(resp, from)
			}
		}
	}()
	t.Cleanup(func() { pc.Close(); <-done })
	return s
}

// resolver is a Go resolver that asks s, over a plain (unguarded) dialer.
func (s *dnsServer) resolver() *net.Resolver {
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "udp4", s.pc.LocalAddr().String())
		},
	}
}

func (s *dnsServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queries
}

// answer is the response to one query message, nil for garbage.
func (s *dnsServer) answer(q []byte) []byte {
	if len(q) < 12 || q[2]&0x80 != 0 || binary.BigEndian.Uint16(q[4:]) != 1 {
		return nil
	}
	var labels []string
	i := 12
	for i < len(q) && q[i] != 0 {
		l := int(q[i])
		if l > 63 || i+1+l > len(q) {
			return nil
		}
		labels = append(labels, string(q[i+1:i+1+l]))
		i += 1 + l
	}
	if i+5 > len(q) {
		return nil
	}
	end := i + 5 // the root label, QTYPE, QCLASS
	qtype := binary.BigEndian.Uint16(q[i+1:])
	name := strings.ToLower(strings.Join(labels, ".")) + "."

	resp := append([]byte(nil), q[:end]...)
	resp[2] = 0x84 | q[2]&0x01 // response, authoritative, recursion desired as asked
	resp[3] = 0x80             // recursion available, NOERROR
	binary.BigEndian.PutUint16(resp[6:], 0)
	binary.BigEndian.PutUint32(resp[8:], 0) // no authority or additional records
	switch {
	case name != s.name:
		resp[3] |= 3 // NXDOMAIN
	case qtype == 1: // A
		s.mu.Lock()
		a := s.answers[min(s.queries, len(s.answers)-1)].As4()
		s.queries++
		s.mu.Unlock()
		binary.BigEndian.PutUint16(resp[6:], 1)
		resp = append(resp, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4) // the question's name, A, IN, TTL 0, 4 bytes
		resp = append(resp, a[:]...)
	}
	return resp
}
