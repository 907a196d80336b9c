package main_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestServeProxy drives the real binary: an integration and a connection
// are created over the API, then a GET and a POST go through /proxy to a
// loopback upstream, which must see the connection's token.
func TestServeProxy(t *testing.T) {
	var (
		mu   sync.Mutex
		seen []*http.Request
		body []string
	)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen, body = append(seen, r.Clone(r.Context())), append(body, string(b))
		mu.Unlock()
		w.Header().Set("X-Upstream", "yes")
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusCreated)
			w.Write(b)
			return
		}
		io.WriteString(w, `{"items":[1,2]}`)
	}))
	defer up.Close()

	dir := t.TempDir()
	catalog := filepath.Join(dir, "providers.yaml")
	if err := os.WriteFile(catalog, []byte("local-api:\n    auth_mode: OAUTH2\n    proxy:\n        base_url: ${connectionConfig.base_url}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, filepath.Join(dir, "data"), "FERRY_SECRET_KEY="+testSecretKey,
		"FERRY_ALLOW_PRIVATE_NETWORKS=1", "FERRY_PROVIDERS="+catalog)
	k := testSecretKey
	if status, v := s.call("POST", "/integrations", k, `{"unique_key":"local","provider":"local-api"}`); status != 200 {
		t.Fatalf("create integration: %d %v", status, v)
	}
	if status, v := s.call("POST", "/connections", k, `{"provider_config_key":"local","connection_id":"u1",
		"credentials":{"type":"OAUTH2","access_token":"proxy-token-1"},"connection_config":{"base_url":"`+up.URL+`/v1"}}`); status != 201 {
		t.Fatalf("create connection: %d %v", status, v)
	}

	send := func(method, path, payload string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(method, s.url+path, strings.NewReader(payload))
		req.Header.Set("Authorization", "Bearer "+k)
		req.Header.Set("Connection-Id", "u1")
		req.Header.Set("Provider-Config-Key", "local")
		req.Header.Set("Nango-Proxy-X-Trace", "t-1")
		if payload != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}

	resp, got := send("GET", "/proxy/items?limit=2", "")
	if resp.StatusCode != 200 || got != `{"items":[1,2]}` || resp.Header.Get("X-Upstream") != "yes" || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET: %d %q %v", resp.StatusCode, got, resp.Header)
	}
	resp, got = send("POST", "/proxy/items", `{"name":"n"}`)
	if resp.StatusCode != 201 || got != `{"name":"n"}` || resp.Header.Get("X-Upstream") != "yes" {
		t.Fatalf("POST: %d %q %v", resp.StatusCode, got, resp.Header)
	}

	// Both calls are in the operations log, a moment later.
	var ops []any
	for deadline := time.Now().Add(10 * time.Second); len(ops) < 2 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		_, v := s.call("GET", "/logs/operations?type=proxy&connection_id=u1", k, "")
		ops, _ = v["operations"].([]any)
	}
	if len(ops) != 2 || ops[0].(map[string]any)["function"] != "POST /v1/items" || ops[0].(map[string]any)["status"] != "success" {
		t.Fatalf("proxy operations: %v", ops)
	}
	if out, errOut, ok := ferry(t, "logs", "--type", "proxy", "--since", "1h", "--host", s.url, "--secret-key", k); !ok || strings.Count(out, "proxy") != 2 {
		t.Fatalf("ferry logs --type proxy: %s\n%s", out, errOut)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 2 {
		t.Fatalf("the upstream got %d requests, want 2", len(seen))
	}
	for i, r := range seen {
		if r.Header.Get("Authorization") != "Bearer proxy-token-1" || r.Header.Get("X-Trace") != "t-1" || r.Header.Get("Connection-Id") != "" {
			t.Errorf("request %d headers: %v", i, r.Header)
		}
	}
	if seen[0].URL.Path != "/v1/items" || seen[0].URL.RawQuery != "limit=2" || seen[1].Method != "POST" || body[1] != `{"name":"n"}` {
		t.Errorf("upstream saw %s %s?%s and %s %q", seen[0].Method, seen[0].URL.Path, seen[0].URL.RawQuery, seen[1].Method, body[1])
	}
	// Stopped, the server has written every log line.
	s.cmd.Process.Signal(syscall.SIGTERM)
	<-s.done
	if strings.Contains(s.out.String(), "proxy-token-1") {
		t.Errorf("the server's output holds the token:\n%s", s.out)
	}
	if !strings.Contains(s.out.String(), "proxy call") {
		t.Errorf("the server did not log the proxy calls:\n%s", s.out)
	}
}
