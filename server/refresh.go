package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/ferryhq/ferry/oauth"
	"github.com/ferryhq/ferry/store"
)

// refreshThreshold: an access token expiring sooner is refreshed on use
// (Nango's 15 minutes).
const refreshThreshold = 15 * time.Minute

// refreshTimeout bounds one refresh, whoever waits for it.
const refreshTimeout = 30 * time.Second

// failure is a failed refresh, remembered for the cooldown.
type failure struct {
	until time.Time
	err   error
}

// flights runs one refresh per connection at a time: callers arriving
// while one runs wait for it and share its result.
type flights struct {
	mu sync.Mutex
	m  map[store.Connection]*flight
}

type flight struct {
	done chan struct{}
	cr   Credentials
	err  error
}

func (f *flights) do(key store.Connection, fn func() (Credentials, error)) (Credentials, error) {
	f.mu.Lock()
	if f.m == nil {
		f.m = map[store.Connection]*flight{}
	}
	if fl, ok := f.m[key]; ok {
		f.mu.Unlock()
		<-fl.done
		return fl.cr, fl.err
	}
	fl := &flight{done: make(chan struct{})}
	f.m[key] = fl
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		delete(f.m, key)
		f.mu.Unlock()
		close(fl.done)
	}()
	fl.cr, fl.err = fn()
	return fl.cr, fl.err
}

// needsRefresh reports whether credentials are due a refresh on use.
func needsRefresh(cr Credentials, now time.Time) bool {
	switch cr.Type {
	case "OAUTH2":
		return cr.RefreshToken != "" && cr.expiresWithin(refreshThreshold, now)
	case "OAUTH2_CC":
		return cr.AccessToken == "" || cr.expiresWithin(refreshThreshold, now)
	}
	return false
}

// refreshable reports whether credentials can be refreshed at all.
func refreshable(cr Credentials) bool {
	return (cr.Type == "OAUTH2" && cr.RefreshToken != "") || cr.Type == "OAUTH2_CC"
}

// usable reports whether an access token has not expired.
func usable(cr Credentials, now time.Time) bool {
	return cr.AccessToken != "" && (cr.ExpiresAt == nil || cr.ExpiresAt.After(now))
}

// freshCredentials returns a connection's credentials, refreshed first
// when they expire within the threshold (or always, with force).
func (s *Server) freshCredentials(ctx context.Context, key store.Connection, force bool) (Credentials, error) {
	entry, err := s.cfg.Store.GetConnection(ctx, key)
	if err != nil {
		return Credentials{}, storeError(err)
	}
	return s.freshCredentialsOf(ctx, entry, force)
}

// freshCredentialsOf is freshCredentials for an entry just read.
func (s *Server) freshCredentialsOf(ctx context.Context, entry store.ConnectionEntry, force bool) (Credentials, error) {
	key := entry.Connection
	cr, err := s.openCredentials(entry)
	if err != nil {
		return cr, err
	}
	now := time.Now()
	if !(force && refreshable(cr)) && !needsRefresh(cr, now) {
		return cr, nil
	}
	// The key outlives the request in flights and cooldowns, and its
	// strings may be fiber's (valid only during the request).
	key = store.Connection{Environment: strings.Clone(key.Environment), ProviderConfigKey: strings.Clone(key.ProviderConfigKey), ConnectionID: strings.Clone(key.ConnectionID)}
	if f, ok := s.cooldown(key, now); ok {
		if usable(cr, now) && !force {
			return cr, nil
		}
		return cr, errorf(http.StatusBadGateway, "refresh_token_external_error",
			"connection %s: its access token expired and the last refresh failed (%v); next attempt after %s", key, f.err, f.until.Format(time.RFC3339))
	}
	fresh, err := s.oauth.flights.do(key, func() (Credentials, error) {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), refreshTimeout)
		defer cancel()
		return s.refresh(rctx, key, force)
	})
	if err != nil {
		if usable(cr, time.Now()) && !force {
			return cr, nil // the stale token still works
		}
		return cr, err
	}
	return fresh, nil
}

// refresh obtains new credentials and stores them. It runs once per
// connection at a time (flights).
func (s *Server) refresh(ctx context.Context, key store.Connection, force bool) (Credentials, error) {
	entry, err := s.cfg.Store.GetConnection(ctx, key)
	if err != nil {
		return Credentials{}, storeError(err)
	}
	cr, err := s.openCredentials(entry)
	if err != nil {
		return cr, err
	}
	if !force && !needsRefresh(cr, time.Now()) {
		return cr, nil // a refresh that just finished did it
	}
	ev := AuthEvent{ConnectionID: key.ConnectionID, AuthMode: cr.Type, ProviderConfigKey: key.ProviderConfigKey, Provider: entry.Provider, Operation: "refresh"}
	tok, err := s.requestToken(ctx, entry, cr)
	s.cfg.Metrics.TokenRefresh(err == nil)
	if err != nil {
		f := failure{until: time.Now().Add(s.cfg.OAuth.RefreshCooldown), err: err}
		s.oauth.mu.Lock()
		s.oauth.failed[key] = f
		s.oauth.mu.Unlock()
		s.log.Warn("token refresh failed", "connection", key.String(), "err", err, "retry_after", f.until)
		s.notifyAuth(ctx, ev, "refresh_token_external_error", err)
		return cr, errorf(http.StatusBadGateway, "refresh_token_external_error", "connection %s: refresh its token: %v", key, err)
	}
	var out Credentials
	_, err = s.cfg.Store.UpdateConnection(ctx, key, func(e *store.ConnectionEntry) error {
		cur, err := s.openCredentials(*e)
		if err != nil {
			return err
		}
		cur.AccessToken, cur.ExpiresAt, cur.Raw = tok.AccessToken, tok.ExpiresAt, tok.Raw
		if tok.RefreshToken != "" {
			cur.RefreshToken = tok.RefreshToken
		}
		out = cur
		return s.sealCredentials(e, cur)
	})
	if err != nil {
		return cr, fmt.Errorf("connection %s: store refreshed credentials: %w", key, err)
	}
	s.forgetFailure(key)
	return out, nil
}

// requestToken asks the token endpoint: a refresh_token grant for OAUTH2,
// client_credentials for OAUTH2_CC.
func (s *Server) requestToken(ctx context.Context, entry store.ConnectionEntry, cr Credentials) (oauth.Token, error) {
	it, err := s.cfg.Store.GetIntegration(ctx, entry.Environment, entry.ProviderConfigKey)
	if err != nil {
		return oauth.Token{}, err
	}
	app, _, err := s.oauthApp(it, entry.ConnectionConfig)
	if err != nil {
		return oauth.Token{}, err
	}
	if cr.Type == "OAUTH2_CC" {
		return app.ClientCredentials(ctx, s.client)
	}
	return app.Refresh(ctx, s.client, cr.RefreshToken)
}

func (s *Server) cooldown(key store.Connection, now time.Time) (failure, bool) {
	s.oauth.mu.Lock()
	defer s.oauth.mu.Unlock()
	f, ok := s.oauth.failed[key]
	if ok && now.After(f.until) {
		delete(s.oauth.failed, key)
		return f, false
	}
	return f, ok
}

func (s *Server) forgetFailure(key store.Connection) {
	s.oauth.mu.Lock()
	delete(s.oauth.failed, key)
	s.oauth.mu.Unlock()
}

// refreshOnRead runs before GET /connections/:id: Nango refreshes
// credentials due soon when they are read, and always with
// force_refresh=true (or the older refresh_token=true).
func (s *Server) refreshOnRead(c *fiber.Ctx) error {
	pck, err := providerConfigKey(c)
	if err != nil {
		return err
	}
	force := c.QueryBool("force_refresh") || c.QueryBool("refresh_token")
	_, err = s.freshCredentials(c.UserContext(), s.connectionKey(pck, c.Params("id")), force)
	var ae *apiError
	if err != nil && !(errors.As(err, &ae) && ae.Status == http.StatusNotFound) {
		return err
	}
	return c.Next()
}
