package main_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oauth2-proxy/mockoidc"
)

// TestServeOAuthConnectAndRefresh drives the real binary through the
// OAuth2 connect flow against mockoidc (a real authorization server that
// approves at once, with PKCE), then forces a refresh.
func TestServeOAuthConnectAndRefresh(t *testing.T) {
	m, err := mockoidc.NewServer(nil)
	if err != nil {
		t.Fatal(err)
	}
	// mockoidc writes expires_in as a time.Duration (nanoseconds): 3600
	// here reads as an hour on the wire.
	m.AccessTTL = 3600
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(ln, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Shutdown() })

	dir := t.TempDir()
	catalog := filepath.Join(dir, "providers.yaml")
	yaml := fmt.Sprintf("mock-oidc:\n    display_name: Mock OIDC\n    auth_mode: OAUTH2\n    authorization_url: %s\n    token_url: %s\n    default_scopes: [openid, email, profile]\n",
		m.AuthorizationEndpoint(), m.TokenEndpoint())
	if err := os.WriteFile(catalog, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, filepath.Join(dir, "data"), "FERRY_SECRET_KEY="+testSecretKey, "FERRY_PROVIDERS="+catalog, "FERRY_ALLOW_PRIVATE_NETWORKS=1")

	st, v := s.call("POST", "/integrations", testSecretKey, fmt.Sprintf(
		`{"unique_key":"mock","provider":"mock-oidc","credentials":{"type":"OAUTH2","client_id":%q,"client_secret":%q}}`, m.ClientID, m.ClientSecret))
	if st != http.StatusOK {
		t.Fatalf("create integration: %d %v", st, v)
	}
	st, v = s.call("POST", "/connect/sessions", testSecretKey, `{"connection_id":"e2e-user","provider_config_key":"mock"}`)
	token, _ := v["token"].(string)
	if st != http.StatusCreated || token == "" {
		t.Fatalf("connect session: %d %v", st, v)
	}

	// The browser: ferry → mockoidc's authorize (approves) → ferry's callback.
	var hops []string
	browser := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		hops = append(hops, req.URL.Scheme+"://"+req.URL.Host+req.URL.Path)
		return nil
	}}
	resp, err := browser.Get(s.url + "/oauth/connect/mock?connection_id=e2e-user&connect_session_token=" + url.QueryEscape(token))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "Connected. You can close this window.") {
		t.Fatalf("connect flow: %d %s (hops %v)\n%s", resp.StatusCode, page, hops, s.out)
	}
	if len(hops) != 2 || hops[0] != m.AuthorizationEndpoint() || hops[1] != s.url+"/oauth/callback" {
		t.Errorf("redirect chain %v", hops)
	}

	creds := func(query string) map[string]any {
		t.Helper()
		st, v := s.call("GET", "/connections/e2e-user?provider_config_key=mock"+query, testSecretKey, "")
		if st != http.StatusOK {
			t.Fatalf("GET connection%s: %d %v", query, st, v)
		}
		cr, _ := v["credentials"].(map[string]any)
		return cr
	}
	cr := creds("")
	at, _ := cr["access_token"].(string)
	if cr["type"] != "OAUTH2" || at == "" || cr["refresh_token"] == "" || cr["expires_at"] == nil {
		t.Fatalf("credentials %v", cr)
	}

	// A forced refresh gets a new access token from mockoidc.
	m.FastForward(2 * time.Second) // new iat: a different JWT
	cr = creds("&force_refresh=true")
	if at2, _ := cr["access_token"].(string); at2 == "" || at2 == at {
		t.Errorf("after force_refresh: access_token %q (before %q)", at2, at)
	}
	if cr["refresh_token"] == "" {
		t.Errorf("after force_refresh the refresh token is gone: %v", cr)
	}
}

// TestServePublicURL checks that --public-url sets the OAuth redirect URI
// the provider is sent to, whatever host the browser used.
func TestServePublicURL(t *testing.T) {
	s := startServerArgs(t, t.TempDir(), []string{"--public-url", "https://ferry.example.com"}, "FERRY_SECRET_KEY="+testSecretKey)
	if st, v := s.call("POST", "/integrations", testSecretKey, `{"unique_key":"gh","provider":"github","credentials":{"type":"OAUTH2","client_id":"cid","client_secret":"secret-1"}}`); st != http.StatusOK {
		t.Fatalf("create integration: %d %v", st, v)
	}
	st, v := s.call("POST", "/connect/sessions", testSecretKey, `{"connection_id":"u1","provider_config_key":"gh"}`)
	token, _ := v["token"].(string)
	if st != http.StatusCreated || token == "" {
		t.Fatalf("connect session: %d %v", st, v)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(s.url + "/oauth/connect/gh?connection_id=u1&connect_session_token=" + url.QueryEscape(token))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil {
		t.Fatalf("connect: %d %q %v", resp.StatusCode, resp.Header.Get("Location"), err)
	}
	if got := loc.Query().Get("redirect_uri"); got != "https://ferry.example.com/oauth/callback" {
		t.Fatalf("redirect_uri %q, want the public URL's callback", got)
	}
}
