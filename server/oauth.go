package server

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/ferryhq/ferry/oauth"
	"github.com/ferryhq/ferry/providers"
	"github.com/ferryhq/ferry/store"
)

// OAuthConfig configures the OAuth2 connect flow and token refreshes.
// Every field is optional.
type OAuthConfig struct {
	// PublicURL is the server's base URL as browsers and providers reach
	// it (the redirect URI is PublicURL + "/oauth/callback"); default: the
	// scheme and host of the request that starts the flow.
	PublicURL string
	// Notifier receives auth events (connection created, refresh failed).
	Notifier AuthNotifier
	// RefreshCooldown is how long after a failed refresh a connection's
	// token is not tried again (default 1 minute).
	RefreshCooldown time.Duration
}

// AuthNotifier is told of auth events; delivering them (the auth
// webhook) is its business. NotifyAuth must not block for long.
type AuthNotifier interface {
	NotifyAuth(ctx context.Context, ev AuthEvent)
}

// AuthEvent is Nango's auth webhook payload.
type AuthEvent struct {
	From              string     `json:"from"` // "nango"
	Type              string     `json:"type"` // "auth"
	ConnectionID      string     `json:"connectionId"`
	AuthMode          string     `json:"authMode"`
	ProviderConfigKey string     `json:"providerConfigKey"`
	Provider          string     `json:"provider"`
	Environment       string     `json:"environment"`
	Operation         string     `json:"operation"` // creation, override or refresh
	Success           bool       `json:"success"`
	Error             *AuthError `json:"error,omitempty"`
}

// AuthError says why an auth operation failed.
type AuthError struct {
	Type        string `json:"type"`
	Description string `json:"description"`
}

// oauthFlows is the server's OAuth2 state: pending authorizations,
// connect session tokens, refreshes in flight and cooldowns.
type oauthFlows struct {
	states  *oauth.States
	tokens  *oauth.ConnectTokens
	flights flights
	mu      sync.Mutex
	failed  map[store.Connection]failure // cooldowns after a failed refresh
}

// oauthRoutes registers the OAuth2 routes. It runs before the secret-key
// group: the connect and callback routes are public (a browser reaches
// them), the others authenticate themselves.
func (s *Server) oauthRoutes(app *fiber.App) {
	tokens, err := oauth.NewConnectTokens(0)
	if err != nil {
		panic(err) // crypto/rand failed: nothing works anyway
	}
	if s.cfg.OAuth.RefreshCooldown <= 0 {
		s.cfg.OAuth.RefreshCooldown = time.Minute
	}
	s.oauth = &oauthFlows{states: oauth.NewStates(0), tokens: tokens, failed: map[store.Connection]failure{}}
	app.Post("/connect/sessions", s.authenticate, s.createConnectSession)
	app.Get("/oauth/connect/:providerConfigKey", s.oauthConnect)
	app.Get("/oauth/callback", s.oauthCallback)
	for _, base := range []string{"/connections", "/connection"} {
		app.Get(base+"/:id", s.authenticate, s.refreshOnRead)
	}
}

func (s *Server) createConnectSession(c *fiber.Ctx) error {
	var body struct {
		ConnectionID      string `json:"connection_id"`
		ProviderConfigKey string `json:"provider_config_key"`
	}
	if err := decodeBody(c, &body); err != nil {
		return err
	}
	if body.ConnectionID == "" {
		return badRequest("connection_id is required")
	}
	token, cs := s.oauth.tokens.Issue(body.ConnectionID, body.ProviderConfigKey)
	return c.Status(http.StatusCreated).JSON(fiber.Map{"data": fiber.Map{"token": token, "expires_at": cs.Expires}, "token": token, "expires_at": cs.Expires})
}

// oauthConnect starts the connect flow: it authorizes the request (the
// secret key, or a connect session token for this connection), keeps the
// state and PKCE verifier, and redirects to the provider.
func (s *Server) oauthConnect(c *fiber.Ctx) error {
	// Copies: fiber's strings are only valid during the request, and the
	// pending authorization outlives it.
	pck, connID := strings.Clone(c.Params("providerConfigKey")), strings.Clone(c.Query("connection_id"))
	if connID == "" {
		return badRequest("connection_id is required")
	}
	if tok := c.Query("connect_session_token"); tok != "" {
		cs, err := s.oauth.tokens.Verify(tok)
		if err != nil {
			return errorf(http.StatusUnauthorized, "invalid_connect_session_token", "%v", err)
		}
		if cs.ConnectionID != connID || (cs.ProviderConfigKey != "" && cs.ProviderConfigKey != pck) {
			return errorf(http.StatusUnauthorized, "invalid_connect_session_token", "the connect session token is for another connection")
		}
	} else if !s.hasSecretKey(c) {
		return errorf(http.StatusUnauthorized, "missing_auth", "starting a connection needs a connect_session_token (POST /connect/sessions) or the secret key")
	}
	ctx := c.UserContext()
	it, err := s.cfg.Store.GetIntegration(ctx, s.cfg.Environment, pck)
	if err != nil {
		return storeError(err)
	}
	connCfg := map[string]any{}
	for k, v := range c.Queries() {
		if k != "connection_id" && k != "connect_session_token" {
			connCfg[strings.Clone(k)] = strings.Clone(v)
		}
	}
	app, p, err := s.oauthApp(it, connCfg)
	if err != nil {
		return err
	}
	if p.AuthMode != "OAUTH2" {
		return badRequest("integration %s: provider %s uses %s, not the OAUTH2 connect flow", pck, p.Name, p.AuthMode)
	}
	redirect := s.publicURL(c) + "/oauth/callback"
	state, pending, err := s.oauth.states.Begin(oauth.Pending{ProviderConfigKey: pck, ConnectionID: connID, ConnectionConfig: connCfg, RedirectURI: redirect})
	if err != nil {
		return errorf(http.StatusInternalServerError, "internal_error", "%v", err)
	}
	return c.Redirect(app.AuthCodeURL(state, pending.Verifier, redirect), http.StatusFound)
}

// hasSecretKey reports whether the request carries the secret key (as
// authenticate checks it, without going on to the next handler).
func (s *Server) hasSecretKey(c *fiber.Ctx) bool {
	scheme, key, ok := strings.Cut(c.Get(fiber.HeaderAuthorization), " ")
	return ok && strings.EqualFold(scheme, "Bearer") && strings.TrimSpace(key) != "" && s.cfg.Authorize(strings.TrimSpace(key))
}

func (s *Server) publicURL(c *fiber.Ctx) string {
	if u := s.cfg.OAuth.PublicURL; u != "" {
		return strings.TrimRight(u, "/")
	}
	return c.BaseURL()
}

// oauthCallback finishes the connect flow: checks the state, exchanges
// the code, stores the connection and answers a page for the user.
func (s *Server) oauthCallback(c *fiber.Ctx) error {
	p, err := s.oauth.states.Take(c.Query("state"))
	if err != nil {
		return resultPage(c, http.StatusBadRequest, "This authorization link is invalid or expired (unknown state). Start connecting again.")
	}
	if e := c.Query("error"); e != "" {
		msg := "The provider refused the authorization: " + e
		if e == "access_denied" {
			msg = "Access was denied (error=access_denied): the connection was not created."
		}
		if d := c.Query("error_description"); d != "" {
			msg += " (" + d + ")"
		}
		return resultPage(c, http.StatusBadRequest, msg)
	}
	code := c.Query("code")
	if code == "" {
		return resultPage(c, http.StatusBadRequest, "The provider's answer has no authorization code.")
	}
	ctx := c.UserContext()
	it, err := s.cfg.Store.GetIntegration(ctx, s.cfg.Environment, p.ProviderConfigKey)
	if err != nil {
		return resultPage(c, http.StatusNotFound, fmt.Sprintf("Integration %s: %v", p.ProviderConfigKey, err))
	}
	app, prov, err := s.oauthApp(it, p.ConnectionConfig)
	if err != nil {
		return resultPage(c, http.StatusInternalServerError, err.Error())
	}
	key := s.connectionKey(p.ProviderConfigKey, p.ConnectionID)
	ev := AuthEvent{ConnectionID: p.ConnectionID, AuthMode: "OAUTH2", ProviderConfigKey: p.ProviderConfigKey, Provider: prov.Name, Operation: "creation"}
	tok, err := app.Exchange(ctx, s.client, code, p.Verifier, p.RedirectURI)
	if err != nil {
		s.notifyAuth(ctx, ev, "token_exchange_failed", err)
		return resultPage(c, http.StatusBadGateway, "The token exchange with the provider failed: "+err.Error())
	}
	callback := url.Values{}
	for k, v := range c.Queries() {
		callback.Set(k, v)
	}
	connCfg := s.connectionConfigOf(ctx, prov, ev, p.ConnectionConfig, tok.Raw, tok.AccessToken, callback)
	entry := store.ConnectionEntry{Connection: key, Provider: it.Provider, ConnectionConfig: connCfg}
	cr := Credentials{Type: "OAUTH2", AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, ExpiresAt: tok.ExpiresAt, Raw: tok.Raw}
	if err := s.sealCredentials(&entry, cr); err != nil {
		return resultPage(c, http.StatusInternalServerError, err.Error())
	}
	_, created, err := s.cfg.Store.PutConnection(ctx, entry)
	if err != nil {
		return resultPage(c, http.StatusInternalServerError, "Storing the connection failed: "+err.Error())
	}
	if created {
		s.connectionAdded(ctx, key)
	} else {
		ev.Operation = "override"
	}
	s.forgetFailure(key)
	s.notifyAuth(ctx, ev, "", nil)
	return resultPage(c, http.StatusOK, "")
}

// resultPage answers the browser at the end of the flow.
func resultPage(c *fiber.Ctx, status int, problem string) error {
	title, msg := "Connected", "Connected. You can close this window."
	if problem != "" {
		title, msg = "Connection failed", problem
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set("Cache-Control", "no-store")
	return c.Status(status).SendString("<!doctype html><html><head><meta charset=\"utf-8\"><title>" + title +
		"</title></head><body><p>" + html.EscapeString(msg) + "</p></body></html>")
}

// oauthApp is an integration's OAuth app at its provider, resolved with a
// connection's config.
func (s *Server) oauthApp(it store.Integration, connCfg map[string]any) (oauth.App, providers.Provider, error) {
	p, err := s.cfg.Providers.Get(it.Provider)
	if err != nil {
		return oauth.App{}, p, errorf(http.StatusInternalServerError, "unknown_provider", "integration %s: provider %q is not in the catalog", it.UniqueKey, it.Provider)
	}
	p.Name = it.Provider
	var cfg integrationConfig
	if len(it.Config) > 0 {
		if err := json.Unmarshal(it.Config, &cfg); err != nil {
			return oauth.App{}, p, errorf(http.StatusInternalServerError, "internal_error", "integration %s: stored config: %v", it.UniqueKey, err)
		}
	}
	sec, err := s.openIntegrationSecrets(it)
	if err != nil {
		return oauth.App{}, p, err
	}
	if cfg.ClientID == "" {
		return oauth.App{}, p, badRequest("integration %s has no OAuth client credentials (set credentials.client_id and client_secret)", it.UniqueKey)
	}
	app := oauth.App{
		ClientID: cfg.ClientID, ClientSecret: sec.ClientSecret, ScopeSeparator: p.ScopeSeparator,
		DisablePKCE: p.DisablePKCE, Scopes: p.DefaultScopes,
		AuthParams: map[string]string{}, TokenParams: map[string]string{},
	}
	if cfg.Scopes != "" {
		app.Scopes = nil
		for _, sc := range strings.Split(cfg.Scopes, ",") {
			if sc = strings.TrimSpace(sc); sc != "" {
				app.Scopes = append(app.Scopes, sc)
			}
		}
	}
	expand := func(what, tmpl string) (string, error) {
		v, err := oauth.Expand(tmpl, connCfg)
		if err != nil {
			return "", badRequest("integration %s: %s: %v (pass it as a query parameter of the connect URL)", it.UniqueKey, what, err)
		}
		return v, nil
	}
	if app.AuthURL, err = expand("authorization_url", p.AuthorizationURL); err != nil {
		return app, p, err
	}
	if app.TokenURL, err = expand("token_url", p.TokenURL.For(p.AuthMode)); err != nil {
		return app, p, err
	}
	for k, v := range p.AuthorizationParams {
		if app.AuthParams[k], err = expand("authorization_params."+k, v); err != nil {
			return app, p, err
		}
	}
	for k, v := range p.TokenParams {
		if app.TokenParams[k], err = expand("token_params."+k, v); err != nil {
			return app, p, err
		}
	}
	if app.TokenURL == "" {
		return app, p, badRequest("provider %s has no token_url", it.Provider)
	}
	if _, err := url.Parse(app.TokenURL); err != nil {
		return app, p, badRequest("provider %s: token_url: %v", it.Provider, err)
	}
	return app, p, nil
}

// notifyAuth sends an auth event, a failure when err is not nil.
func (s *Server) notifyAuth(ctx context.Context, ev AuthEvent, errType string, err error) {
	ev.From, ev.Type, ev.Environment, ev.Success = "nango", "auth", s.cfg.Environment, err == nil
	if err != nil {
		ev.Error = &AuthError{Type: errType, Description: err.Error()}
	}
	s.recordAuth(ev)
	if n := s.cfg.OAuth.Notifier; n != nil {
		n.NotifyAuth(context.WithoutCancel(ctx), ev)
	}
}
