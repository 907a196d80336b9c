package server

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/ferryhq/ferry/hostfns"
	"github.com/ferryhq/ferry/store"
)

// target is what an outgoing call needs about a stored connection: the
// connection, its provider from the catalog, and its credentials, read
// (and opened) anew on every attempt.
func (s *Server) target(ctx context.Context, key store.Connection) (hostfns.Target, store.ConnectionEntry, error) {
	entry, err := s.cfg.Store.GetConnection(ctx, key)
	if err != nil {
		return hostfns.Target{}, entry, storeError(err)
	}
	p, err := s.hostProvider(entry.Provider)
	if err != nil {
		return hostfns.Target{}, entry, errorf(http.StatusInternalServerError, "unknown_provider", "connection %s: provider %q is no longer in the catalog", key, entry.Provider)
	}
	creds := &storedCredentials{s: s, key: key}
	creds.first.Store(&entry)
	t := hostfns.Target{
		Connection: hostfns.Connection{
			ID: entry.ConnectionID, ProviderConfigKey: entry.ProviderConfigKey, Provider: entry.Provider,
			Environment: entry.Environment, ConnectionConfig: entry.ConnectionConfig,
		},
		Provider:    p,
		Credentials: creds,
	}
	return t, entry, nil
}

// hostProvider is the catalog's provider name for the HTTP capability,
// decoded once: the catalog does not change while the server runs. The
// result is shared, and hostfns only reads it.
func (s *Server) hostProvider(name string) (hostfns.Provider, error) {
	if p, ok := s.providers.Load(name); ok {
		return p.(hostfns.Provider), nil
	}
	p, err := s.cfg.Providers.Get(name)
	if err != nil {
		return hostfns.Provider{}, err
	}
	hp := p.HostProvider()
	s.providers.Store(name, hp)
	return hp, nil
}

// storedCredentials is the hostfns.CredentialsProvider of a stored
// connection: every call reads and opens its current credentials, so a
// retry after a refresh uses the new ones. The first call uses the entry
// the target was built from, read a moment before, instead of reading
// it again.
type storedCredentials struct {
	s     *Server
	key   store.Connection
	first atomic.Pointer[store.ConnectionEntry]
}

func (sc *storedCredentials) Credentials(ctx context.Context, _ hostfns.Connection) (hostfns.Credentials, error) {
	var cr Credentials
	var err error
	if entry := sc.first.Swap(nil); entry != nil {
		cr, err = sc.s.freshCredentialsOf(ctx, *entry, false)
	} else {
		cr, err = sc.s.freshCredentials(ctx, sc.key, false) // refreshed when due (refresh.go)
	}
	if err != nil {
		return hostfns.Credentials{}, fmt.Errorf("credentials of %s: %w", sc.key, err)
	}
	return cr.HostCredentials(), nil
}

// HostCredentials converts API credentials to the HTTP capability's: the
// auth mode's fields, and every secret under Raw for ${credentials.x}
// templates.
func (cr Credentials) HostCredentials() hostfns.Credentials {
	hc := hostfns.Credentials{
		Type: hostfns.AuthMode(cr.Type), APIKey: cr.APIKey, AccessToken: cr.AccessToken,
		Username: cr.Username, Password: cr.Password, Raw: maps.Clone(cr.Raw),
	}
	if cr.ExpiresAt != nil {
		hc.ExpiresAt = cr.ExpiresAt.UTC()
	}
	if hc.Raw == nil {
		hc.Raw = map[string]any{}
	}
	for k, v := range map[string]string{"access_token": cr.AccessToken, "refresh_token": cr.RefreshToken, "apiKey": cr.APIKey, "username": cr.Username, "password": cr.Password} {
		if _, set := hc.Raw[k]; !set && v != "" {
			hc.Raw[k] = v
		}
	}
	return hc
}

// expiresWithin reports whether credentials expire within d of now.
func (cr Credentials) expiresWithin(d time.Duration, now time.Time) bool {
	return cr.ExpiresAt != nil && cr.ExpiresAt.Before(now.Add(d))
}
