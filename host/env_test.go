package host_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/ferryhq/ferry/host"
	"github.com/ferryhq/ferry/hostfns"
	"github.com/ferryhq/ferry/internal/guesttest"
	"github.com/ferryhq/ferry/store"
)

// env is a host with a real store and HTTP capability, for one test.
type env struct {
	t     testing.TB
	host  *host.Host
	store *store.Store
	http  *hostfns.HTTP
}

func newEnv(t testing.TB, cfg host.Config) *env {
	t.Helper()
	if cfg.CacheDir == "" {
		cfg.CacheDir = sharedCache
	}
	h, err := host.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "ferry.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		h.Close(context.Background())
		st.Close()
	})
	return &env{t: t, host: h, store: st, http: hostfns.NewHTTP(hostfns.HTTPOptions{RetryBaseDelay: 5 * time.Millisecond})}
}

// guest builds and loads a test guest (host/testdata/guests/<name>).
func (e *env) guest(name string) *host.Bundle {
	return e.load(filepath.Join("testdata", "guests", name))
}

// example builds and loads an example function (plugins/<path>).
func (e *env) example(path string) *host.Bundle {
	return e.load(filepath.Join("..", "plugins", path))
}

func (e *env) load(dir string) *host.Bundle {
	e.t.Helper()
	b, err := e.host.Load(context.Background(), guesttest.Build(e.t, dir))
	if err != nil {
		e.t.Fatalf("load %s: %v", dir, err)
	}
	return b
}

// nango returns a nango object for connection conn of the bundle's
// integration, calling baseURL with a bearer token.
func (e *env) nango(b *host.Bundle, conn, baseURL string) *hostfns.Nango {
	m := b.Manifest()
	var models []string
	for name := range m.Models {
		models = append(models, name)
	}
	return hostfns.New(hostfns.Scope{
		Connection: hostfns.Connection{
			ID:                conn,
			ProviderConfigKey: m.Integration,
			Provider:          m.Integration,
			Environment:       "dev",
		},
		Provider:    hostfns.Provider{Name: m.Integration, AuthMode: "OAUTH2", BaseURL: baseURL},
		Credentials: hostfns.StaticCredentials{Type: "OAUTH2", AccessToken: "secret-token"},
		Function:    m.Name,
		Models:      models,
	}, hostfns.Options{HTTP: e.http, Store: e.store})
}

func (e *env) setMetadata(integration, conn string, md map[string]any) {
	e.t.Helper()
	c := store.Connection{Environment: "dev", ProviderConfigKey: integration, ConnectionID: conn}
	if err := e.store.SetMetadata(context.Background(), c, md); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) records(integration, conn, model string) []store.Record {
	e.t.Helper()
	key := store.ModelKey{Connection: store.Connection{Environment: "dev", ProviderConfigKey: integration, ConnectionID: conn}, Model: model}
	var all []store.Record
	cursor := ""
	for {
		page, err := e.store.ListRecords(context.Background(), key, store.ListQuery{Cursor: cursor, Limit: 1000})
		if err != nil {
			e.t.Fatal(err)
		}
		all = append(all, page.Records...)
		if page.NextCursor == "" {
			return all
		}
		cursor = page.NextCursor
	}
}
