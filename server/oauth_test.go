package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ferryhq/ferry/providers"
	"github.com/ferryhq/ferry/server"
	"github.com/ferryhq/ferry/store"
	"github.com/ferryhq/ferry/vault"
)

const oauthTestKey = "ferry_sk_oauth_test"

// fakeAS is an OAuth2 authorization server (RFC 6749 + RFC 7636): the
// authorize endpoint approves at once; the token endpoint serves
// authorization_code with PKCE S256, refresh_token (rotating) and
// client_credentials, answering invalid_grant as the RFC says.
type fakeAS struct {
	srv          *httptest.Server
	clientID     string
	clientSecret string

	mu           sync.Mutex
	codes        map[string]fakeCode
	refresh      map[string]bool // live refresh tokens
	grants       map[string]int  // token requests by grant_type
	authQuery    url.Values      // the last authorize request
	expiresIn    int
	failRefresh  bool
	refreshDelay time.Duration
	n            int
}

type fakeCode struct{ challenge, redirectURI string }

func startFakeAS(t *testing.T) *fakeAS {
	as := &fakeAS{clientID: "client-1", clientSecret: "s3cret", codes: map[string]fakeCode{}, refresh: map[string]bool{}, grants: map[string]int{}, expiresIn: 3600}
	mux := http.NewServeMux()
	mux.HandleFunc("/authorize", as.authorize)
	mux.HandleFunc("/token", as.token)
	mux.HandleFunc("/account", func(w http.ResponseWriter, r *http.Request) { // what a post-connection request asks
		w.Header().Set("Content-Type", "application/json")
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer at-") {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"account": map[string]any{"portal": 4242, "region": "eu"}})
	})
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) { // the provider's API: echoes the token
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"authorization": r.Header.Get("Authorization")})
	})
	as.srv = httptest.NewServer(mux)
	t.Cleanup(as.srv.Close)
	return as
}

func (as *fakeAS) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	as.mu.Lock()
	defer as.mu.Unlock()
	as.authQuery = q
	if q.Get("client_id") != as.clientID || q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" {
		http.Error(w, "bad authorize request", http.StatusBadRequest)
		return
	}
	as.n++
	code := fmt.Sprintf("code-%d", as.n)
	as.codes[code] = fakeCode{challenge: q.Get("code_challenge"), redirectURI: q.Get("redirect_uri")}
	to, _ := url.Parse(q.Get("redirect_uri"))
	rq := to.Query()
	rq.Set("code", code)
	rq.Set("state", q.Get("state"))
	rq.Set("realmId", "realm-77") // as QuickBooks names the company
	to.RawQuery = rq.Encode()
	http.Redirect(w, r, to.String(), http.StatusFound)
}

func (as *fakeAS) token(w http.ResponseWriter, r *http.Request) {
	fail := func(status int, code string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": code + " (fake)"})
	}
	if r.Method != http.MethodPost || r.ParseForm() != nil {
		fail(http.StatusBadRequest, "invalid_request")
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	grant := r.PostForm.Get("grant_type")
	as.mu.Lock()
	as.grants[grant]++
	delay := as.refreshDelay
	as.mu.Unlock()
	if id != as.clientID || secret != as.clientSecret {
		fail(http.StatusUnauthorized, "invalid_client")
		return
	}
	if grant == "refresh_token" && delay > 0 {
		time.Sleep(delay)
	}
	as.mu.Lock()
	defer as.mu.Unlock()
	issueRefresh := true
	switch grant {
	case "authorization_code":
		c, ok := as.codes[r.PostForm.Get("code")]
		delete(as.codes, r.PostForm.Get("code"))
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		if !ok || c.redirectURI != r.PostForm.Get("redirect_uri") || base64.RawURLEncoding.EncodeToString(sum[:]) != c.challenge {
			fail(http.StatusBadRequest, "invalid_grant")
			return
		}
	case "refresh_token":
		rt := r.PostForm.Get("refresh_token")
		if !as.refresh[rt] || as.failRefresh {
			fail(http.StatusBadRequest, "invalid_grant")
			return
		}
		delete(as.refresh, rt) // rotation: the old one is spent
	case "client_credentials":
		issueRefresh = false
	default:
		fail(http.StatusBadRequest, "unsupported_grant_type")
		return
	}
	as.n++
	resp := map[string]any{"access_token": fmt.Sprintf("at-%d", as.n), "token_type": "Bearer", "expires_in": as.expiresIn, "team": "blue"}
	if issueRefresh {
		rt := fmt.Sprintf("rt-%d", as.n)
		as.refresh[rt] = true
		resp["refresh_token"] = rt
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(resp)
}

// grantCount is how many token requests of grant arrived.
func (as *fakeAS) grantCount(grant string) int {
	as.mu.Lock()
	defer as.mu.Unlock()
	return as.grants[grant]
}

// issueRefresh makes a live refresh token, as an earlier exchange would.
func (as *fakeAS) issueRefresh(rt string) {
	as.mu.Lock()
	as.refresh[rt] = true
	as.mu.Unlock()
}

// events records auth events.
type events struct {
	mu  sync.Mutex
	evs []server.AuthEvent
}

func (e *events) NotifyAuth(_ context.Context, ev server.AuthEvent) {
	e.mu.Lock()
	e.evs = append(e.evs, ev)
	e.mu.Unlock()
}

func (e *events) list() []server.AuthEvent {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]server.AuthEvent(nil), e.evs...)
}

// oauthEnv is a ferry server with integration "fake" (OAUTH2) and "fakecc"
// (OAUTH2_CC) at a fakeAS.
type oauthEnv struct {
	as     *fakeAS
	url    string
	store  *store.Store
	events *events
}

func startOAuthEnv(t *testing.T) *oauthEnv {
	t.Helper()
	as := startFakeAS(t)
	catalog := fmt.Sprintf(`
fake-oauth:
    auth_mode: OAUTH2
    authorization_url: %[1]s/authorize
    token_url: %[1]s/token
    authorization_params:
        access_type: offline
    scope_separator: ","
    default_scopes: [read, write]
    proxy:
        base_url: %[1]s/api
fake-meta:
    auth_mode: OAUTH2
    authorization_url: %[1]s/authorize
    token_url: %[1]s/token
    token_response_metadata: [team, missing.path]
    redirect_uri_metadata: [realmId]
    post_connection:
        url: %[1]s/account
        set:
            portalId: account.portal
fake-meta-broken:
    alias: fake-meta
    post_connection:
        url: %[1]s/account
        set:
            portalId: account.nowhere
fake-cc:
    auth_mode: OAUTH2_CC
    token_url: %[1]s/token
    proxy:
        base_url: %[1]s/api
`, as.srv.URL)
	over, err := providers.Load(strings.NewReader(catalog))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	keyring, err := vault.LoadKeyring(vault.LoadOptions{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(dir, "ferry.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	evs := &events{}
	baseURL := serveOnLoopback(t, server.Config{
		Store: st, Sealer: keyring.Encoded(), Providers: providers.Builtin().Merge(over),
		Authorize:            func(k string) bool { return k == oauthTestKey },
		AllowPrivateNetworks: true,
		OAuth:                server.OAuthConfig{Notifier: evs, RefreshCooldown: time.Minute},
	})
	env := &oauthEnv{as: as, url: baseURL, store: st, events: evs}
	env.call(t, "POST", "/integrations", `{"unique_key":"fake","provider":"fake-oauth","credentials":{"type":"OAUTH2","client_id":"client-1","client_secret":"s3cret"}}`, nil)
	env.call(t, "POST", "/integrations", `{"unique_key":"fakecc","provider":"fake-cc","credentials":{"type":"OAUTH2_CC","client_id":"client-1","client_secret":"s3cret"}}`, nil)
	env.call(t, "POST", "/integrations", `{"unique_key":"meta","provider":"fake-meta","credentials":{"type":"OAUTH2","client_id":"client-1","client_secret":"s3cret"}}`, nil)
	env.call(t, "POST", "/integrations", `{"unique_key":"meta-broken","provider":"fake-meta-broken","credentials":{"type":"OAUTH2","client_id":"client-1","client_secret":"s3cret"}}`, nil)
	return env
}

// call sends an API request with the secret key and decodes the JSON
// answer into out (when not nil); it returns the status.
func (env *oauthEnv) call(t *testing.T, method, path, body string, out any) int {
	t.Helper()
	return callJSON(t, env.url, oauthTestKey, method, path, body, out)
}

// noRedirect is a client that stops at each redirect.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func get(t *testing.T, client *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp, string(data)
}

// connectSession asks for a connect session token for integration fake.
func (env *oauthEnv) connectSession(t *testing.T, connID string) string {
	return env.connectSessionFor(t, "fake", connID)
}

// connectSessionFor asks for a connect session token for an integration.
func (env *oauthEnv) connectSessionFor(t *testing.T, pck, connID string) string {
	var out struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	if st := env.call(t, "POST", "/connect/sessions", fmt.Sprintf(`{"connection_id":%q,"provider_config_key":%q}`, connID, pck), &out); st != http.StatusCreated || out.Token == "" || out.ExpiresAt.Before(time.Now()) {
		t.Fatalf("POST /connect/sessions: %d %+v", st, out)
	}
	return out.Token
}

type connectionView struct {
	ConnectionID     string         `json:"connection_id"`
	ConnectionConfig map[string]any `json:"connection_config"`
	Credentials      struct {
		Type         string         `json:"type"`
		AccessToken  string         `json:"access_token"`
		RefreshToken string         `json:"refresh_token"`
		ExpiresAt    *time.Time     `json:"expires_at"`
		Raw          map[string]any `json:"raw"`
	} `json:"credentials"`
}

func TestOAuthConnectFlow(t *testing.T) {
	env := startOAuthEnv(t)
	token := env.connectSession(t, "u1")

	// Connect: a redirect to the provider with every parameter.
	resp, body := get(t, noRedirect, env.url+"/oauth/connect/fake?connection_id=u1&connect_session_token="+url.QueryEscape(token)+"&subdomain=acme")
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("connect: %d %s", resp.StatusCode, body)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	q := loc.Query()
	for k, want := range map[string]string{
		"client_id": "client-1", "redirect_uri": env.url + "/oauth/callback", "scope": "read,write",
		"response_type": "code", "code_challenge_method": "S256", "access_type": "offline",
	} {
		if q.Get(k) != want {
			t.Errorf("authorize %s = %q, want %q", k, q.Get(k), want)
		}
	}
	if len(q.Get("state")) < 32 || len(q.Get("code_challenge")) != 43 {
		t.Errorf("state %q, code_challenge %q: want a random state and an S256 challenge", q.Get("state"), q.Get("code_challenge"))
	}
	if !strings.HasPrefix(loc.String(), env.as.srv.URL+"/authorize?") {
		t.Errorf("redirect to %s", loc)
	}

	// The provider approves and sends the browser to the callback.
	resp, body = get(t, noRedirect, loc.String())
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: %d %s", resp.StatusCode, body)
	}
	resp, body = get(t, noRedirect, resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Connected. You can close this window.") {
		t.Fatalf("callback: %d %s", resp.StatusCode, body)
	}

	var v connectionView
	if st := env.call(t, "GET", "/connections/u1?provider_config_key=fake", "", &v); st != http.StatusOK {
		t.Fatalf("GET connection: %d %+v", st, v)
	}
	cr := v.Credentials
	if cr.Type != "OAUTH2" || !strings.HasPrefix(cr.AccessToken, "at-") || !strings.HasPrefix(cr.RefreshToken, "rt-") || cr.ExpiresAt == nil || cr.Raw["team"] != "blue" {
		t.Errorf("credentials %+v", cr)
	}
	if time.Until(*cr.ExpiresAt) < 50*time.Minute {
		t.Errorf("expires_at %v: want about an hour from now", cr.ExpiresAt)
	}
	if v.ConnectionConfig["subdomain"] != "acme" {
		t.Errorf("connection_config %v", v.ConnectionConfig)
	}
	// Sealed at rest: the store never holds the token in clear.
	entry, err := env.store.GetConnection(context.Background(), store.Connection{Environment: "dev", ProviderConfigKey: "fake", ConnectionID: "u1"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(entry.Credentials), cr.AccessToken) || strings.Contains(string(entry.Credentials), cr.RefreshToken) {
		t.Error("stored credentials hold the tokens in clear")
	}
	evs := env.events.list()
	if len(evs) != 1 || evs[0].Operation != "creation" || !evs[0].Success || evs[0].ConnectionID != "u1" || evs[0].Type != "auth" || evs[0].Provider != "fake-oauth" || evs[0].AuthMode != "OAUTH2" {
		t.Errorf("auth events %+v", evs)
	}

	// The state is spent: replaying the callback fails.
	resp, body = get(t, noRedirect, env.url+"/oauth/callback?code=code-1&state="+q.Get("state"))
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "unknown state") {
		t.Errorf("replayed callback: %d %s", resp.StatusCode, body)
	}

	// A second connect of the same id overrides it, with the secret key.
	req, _ := http.NewRequest("GET", env.url+"/oauth/connect/fake?connection_id=u1", nil)
	req.Header.Set("Authorization", "Bearer "+oauthTestKey)
	follow := &http.Client{}
	resp, err = follow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(data), "Connected.") {
		t.Fatalf("second connect: %d %s", resp.StatusCode, data)
	}
	if evs := env.events.list(); len(evs) != 2 || evs[1].Operation != "override" {
		t.Errorf("auth events %+v", evs)
	}
}

func TestOAuthConnectErrors(t *testing.T) {
	env := startOAuthEnv(t)
	token := env.connectSession(t, "u1")
	start := func(t *testing.T) string { // a started flow's state
		resp, body := get(t, noRedirect, env.url+"/oauth/connect/fake?connection_id=u1&connect_session_token="+url.QueryEscape(token))
		if resp.StatusCode != http.StatusFound {
			t.Fatalf("connect: %d %s", resp.StatusCode, body)
		}
		loc, _ := url.Parse(resp.Header.Get("Location"))
		return loc.Query().Get("state")
	}
	tests := []struct {
		name   string
		path   func(t *testing.T) string
		status int
		want   string
	}{
		{"no token nor key", func(*testing.T) string { return "/oauth/connect/fake?connection_id=u1" }, 401, "connect_session_token"},
		{"forged token", func(*testing.T) string {
			return "/oauth/connect/fake?connection_id=u1&connect_session_token=" + url.QueryEscape(token+"x")
		}, 401, "invalid"},
		{"token of another connection", func(*testing.T) string {
			return "/oauth/connect/fake?connection_id=u2&connect_session_token=" + url.QueryEscape(token)
		}, 401, "another connection"},
		{"unknown integration", func(*testing.T) string {
			return "/oauth/connect/nope?connection_id=u1&connect_session_token=" + url.QueryEscape(env.connectSessionAny(t, "u1"))
		}, 404, "not_found"},
		{"bad state", func(*testing.T) string { return "/oauth/callback?code=x&state=forged" }, 400, "unknown state"},
		{"access denied", func(t *testing.T) string { return "/oauth/callback?error=access_denied&state=" + start(t) }, 400, "access_denied"},
		{"exchange fails", func(t *testing.T) string { return "/oauth/callback?code=not-issued&state=" + start(t) }, 502, "invalid_grant"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := get(t, noRedirect, env.url+tc.path(t))
			if resp.StatusCode != tc.status || !strings.Contains(body, tc.want) {
				t.Errorf("%d %s; want %d containing %q", resp.StatusCode, body, tc.status, tc.want)
			}
		})
	}
	var v connectionView
	if st := env.call(t, "GET", "/connections/u1?provider_config_key=fake", "", &v); st != http.StatusNotFound {
		t.Errorf("a failed flow stored a connection: %d", st)
	}
	if evs := env.events.list(); len(evs) != 1 || evs[0].Success || evs[0].Error == nil {
		t.Errorf("auth events %+v: want one failure (the exchange)", evs)
	}
}

// connectSessionAny asks for a token valid for any integration.
func (env *oauthEnv) connectSessionAny(t *testing.T, connID string) string {
	var out struct {
		Token string `json:"token"`
	}
	env.call(t, "POST", "/connect/sessions", fmt.Sprintf(`{"connection_id":%q}`, connID), &out)
	return out.Token
}

// connect runs the connect flow for a connection of an integration to its
// end and returns the callback's page.
func (env *oauthEnv) connect(t *testing.T, pck, connID string) string {
	t.Helper()
	token := env.connectSessionFor(t, pck, connID)
	resp, body := get(t, noRedirect, env.url+"/oauth/connect/"+pck+"?connection_id="+connID+"&connect_session_token="+url.QueryEscape(token))
	for hops := 0; resp.StatusCode == http.StatusFound && hops < 3; hops++ {
		resp, body = get(t, noRedirect, resp.Header.Get("Location"))
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("connect %s/%s: %d %s", pck, connID, resp.StatusCode, body)
	}
	return body
}

// TestOAuthConnectionConfigFromProvider: a new connection's config takes
// what the catalog names of the token response (token_response_metadata)
// and of the callback (redirect_uri_metadata), and the answer to the
// provider's post-connection request, made with the new token. A failed
// post-connection request still makes the connection, and is in the
// operations log.
func TestOAuthConnectionConfigFromProvider(t *testing.T) {
	env := startOAuthEnv(t)
	env.connect(t, "meta", "m1")
	var v connectionView
	if st := env.call(t, "GET", "/connections/m1?provider_config_key=meta", "", &v); st != http.StatusOK {
		t.Fatalf("GET connection: %d", st)
	}
	want := map[string]any{"team": "blue", "realmId": "realm-77", "portalId": 4242.0}
	if !maps.Equal(v.ConnectionConfig, want) {
		t.Errorf("connection_config %v, want %v", v.ConnectionConfig, want)
	}

	env.connect(t, "meta-broken", "m2")
	v = connectionView{}
	if st := env.call(t, "GET", "/connections/m2?provider_config_key=meta-broken", "", &v); st != http.StatusOK {
		t.Fatalf("GET connection: %d", st)
	}
	if _, ok := v.ConnectionConfig["portalId"]; ok || v.ConnectionConfig["team"] != "blue" {
		t.Errorf("connection_config after a failed post-connection request: %v", v.ConnectionConfig)
	}
	var ops struct {
		Operations []struct {
			Function string `json:"function"`
			Status   string `json:"status"`
			Error    struct{ Type, Message string }
		} `json:"operations"`
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		env.call(t, "GET", "/logs/operations?connection_id=m2&type=auth", "", &ops)
		if len(ops.Operations) >= 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	var failed bool
	for _, op := range ops.Operations {
		if op.Function == "post_connection" && op.Status == "failed" && strings.Contains(op.Error.Message, "has no account.nowhere") {
			failed = true
		}
	}
	if !failed {
		t.Errorf("no failed post_connection operation: %+v", ops.Operations)
	}
}
