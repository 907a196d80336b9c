package server_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// TestBodyLimits sends a 40 MiB upload through the proxy, five times the
// server's body limit: it streams through to the upstream whole. The
// same body to an API route is refused with 413.
func TestBodyLimits(t *testing.T) {
	const size = 40 << 20
	var (
		mu  sync.Mutex
		got int64
		sum []byte
	)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := sha256.New()
		n, _ := io.Copy(h, r.Body)
		mu.Lock()
		got, sum = n, h.Sum(nil)
		mu.Unlock()
		w.WriteHeader(http.StatusCreated)
	}))
	defer up.Close()
	ps := startProxyServer(t, true)
	ps.connect(t, "gh", "pt-bearer", "c1", up.URL, `{"type":"OAUTH2","access_token":"tok-1"}`)

	want := sha256.New()
	io.CopyN(want, zeros{}, size)
	resp := ps.do(t, "POST", "/proxy/upload", io.LimitReader(zeros{}, size), "Connection-Id", "c1", "Provider-Config-Key", "gh", "Content-Type", "application/octet-stream")
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	mu.Lock()
	defer mu.Unlock()
	if resp.StatusCode != http.StatusCreated || got != size || !bytes.Equal(sum, want.Sum(nil)) {
		t.Fatalf("proxied upload: status %d, upstream got %d bytes (want %d)", resp.StatusCode, got, size)
	}

	resp = ps.do(t, "POST", "/integrations", io.LimitReader(zeros{}, size), "Content-Type", "application/json")
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(answer), "byte limit") {
		t.Fatalf("40 MiB to /integrations: %d %s", resp.StatusCode, answer)
	}
	resp = ps.do(t, "POST", "/integrations", strings.NewReader(`{"unique_key":"after","provider":"github"}`), "Content-Type", "application/json")
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("a small body after a refused one: %d", resp.StatusCode)
	}
}

// TestLongQueryString takes a records query naming 2,000 ids (a 20 KB
// query string), past fasthttp's default 4 KB header buffer.
func TestLongQueryString(t *testing.T) {
	ps := startProxyServer(t, true)
	ps.connect(t, "gh", "pt-bearer", "c1", "http://127.0.0.1:9", `{"type":"OAUTH2","access_token":"tok-1"}`)
	ids := make([]string, 2000)
	for i := range ids {
		ids[i] = fmt.Sprintf("id-%06d", i)
	}
	resp := ps.do(t, "GET", "/records?model=Anything&ids="+strings.Join(ids, ","), nil, "Connection-Id", "c1", "Provider-Config-Key", "gh")
	resp.Body.Close()
	if resp.StatusCode == http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("a 20 KB query string: %d", resp.StatusCode)
	}
}
