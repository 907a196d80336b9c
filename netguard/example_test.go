package netguard_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"

	"github.com/ferryhq/ferry/netguard"
)

func ExamplePolicy_Check() {
	p := &netguard.Policy{
		Allow: []netip.Prefix{netip.MustParsePrefix("10.1.2.3/32")}, // the one internal API
		Hint:  "see --allow-private-networks",
	}
	for _, s := range []string{"93.184.215.14", "10.1.2.3", "10.1.2.4", "::ffff:127.0.0.1", "169.254.169.254"} {
		if err := p.Check(netip.MustParseAddr(s)); err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println("allowed", s)
	}
	// Output:
	// allowed 93.184.215.14
	// allowed 10.1.2.3
	// refusing to connect to 10.1.2.4: private address; see --allow-private-networks
	// refusing to connect to ::ffff:127.0.0.1: loopback address; see --allow-private-networks
	// refusing to connect to 169.254.169.254: cloud metadata endpoint; see --allow-private-networks
}

func ExampleNewClient() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer srv.Close()

	_, err := netguard.NewClient(&netguard.Policy{}).Get(srv.URL) // 127.0.0.1
	var be *netguard.BlockedError
	fmt.Println(errors.Is(err, netguard.ErrBlocked), errors.As(err, &be) && be.Reason == "loopback address")

	resp, err := netguard.NewClient(&netguard.Policy{AllowPrivate: true}).Get(srv.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.Status)
	// Output:
	// true true
	// 200 OK
}
