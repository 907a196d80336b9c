package hostfns_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ferryhq/ferry/hostfns"
	"github.com/ferryhq/ferry/netguard"
)

// TestNetworkPolicyRefusalIsNotRetried: a call the network policy refuses
// fails at once as a network error, without the retries a flaky upstream
// would get, and the upstream never sees it.
func TestNetworkPolicyRefusalIsNotRetried(t *testing.T) {
	hits := 0
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer upstream.Close()
	h := hostfns.NewHTTP(hostfns.HTTPOptions{
		Client:         netguard.NewClient(&netguard.Policy{Hint: "see --allow-private-networks"}),
		RetryBaseDelay: time.Second,
	})
	target := hostfns.Target{Provider: hostfns.Provider{Name: "p", BaseURL: upstream.URL}}
	start := time.Now()
	_, err := h.Do(context.Background(), target, hostfns.ProxyConfig{Endpoint: "/x", Retries: 3})
	var ne *hostfns.NetworkError
	if !errors.As(err, &ne) || !errors.Is(err, netguard.ErrBlocked) || ne.Attempts != 1 || !strings.Contains(err.Error(), "see --allow-private-networks") {
		t.Fatalf("err = %v", err)
	}
	if time.Since(start) > 500*time.Millisecond || hits != 0 {
		t.Fatalf("took %s, upstream hit %d times", time.Since(start), hits)
	}
}
