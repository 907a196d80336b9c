package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Where outgoing webhooks go:
//
//	webhook_settings     environment → WebhookSettings JSON
//	connection_webhooks  connection bucket key → override URL
var (
	bucketWebhookSettings    = []byte("webhook_settings")
	bucketConnectionWebhooks = []byte("connection_webhooks")
)

// MaxWebhookURLs is how many webhook URLs an environment may have (Nango's
// primary and secondary URL).
const MaxWebhookURLs = 2

// WebhookSettings are an environment's outgoing webhook settings. The store
// keeps SigningKey as the caller gives it: the caller seals it, so that the
// key is never written to disk in plaintext.
type WebhookSettings struct {
	Environment string    `json:"environment"`
	URLs        []string  `json:"urls,omitempty"`
	SigningKey  []byte    `json:"signing_key,omitempty"` // sealed by the caller
	UpdatedAt   time.Time `json:"updated_at,omitzero"`
}

// WebhookSettings returns an environment's webhook settings; an
// environment never configured has none (and no error).
func (s *Store) WebhookSettings(ctx context.Context, env string) (WebhookSettings, error) {
	if err := checkKeyPart("environment", env); err != nil {
		return WebhookSettings{}, fmt.Errorf("webhook settings: %w", err)
	}
	var ws WebhookSettings
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var err error
		ws, err = loadWebhookSettings(tx, env)
		return err
	})
	return ws, err
}

// UpdateWebhookSettings applies fn to an environment's webhook settings in
// one transaction (read, change, write) and returns the result. More than
// MaxWebhookURLs URLs, or an empty one, is ErrInvalidWebhook.
func (s *Store) UpdateWebhookSettings(ctx context.Context, env string, fn func(*WebhookSettings) error) (WebhookSettings, error) {
	if err := checkKeyPart("environment", env); err != nil {
		return WebhookSettings{}, fmt.Errorf("update webhook settings: %w", err)
	}
	var ws WebhookSettings
	err := s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		var err error
		if ws, err = loadWebhookSettings(tx, env); err != nil {
			return false, err
		}
		if err := fn(&ws); err != nil {
			return false, err
		}
		ws.Environment, ws.UpdatedAt = env, s.now()
		if len(ws.URLs) > MaxWebhookURLs || slices.Contains(ws.URLs, "") {
			return false, fmt.Errorf("%d webhook URLs (at most %d, none empty): %w", len(ws.URLs), MaxWebhookURLs, ErrInvalidWebhook)
		}
		v, err := json.Marshal(ws)
		if err != nil {
			return false, err
		}
		return true, tx.Bucket(bucketWebhookSettings).Put([]byte(env), v)
	})
	if err != nil {
		return WebhookSettings{}, fmt.Errorf("update webhook settings: %w", err)
	}
	return ws, nil
}

// SetConnectionWebhookURL sets the URL a connection's webhooks go to
// instead of its environment's; "" clears it. An unknown connection is
// ErrNotFound. DeleteConnection drops the override with the connection.
func (s *Store) SetConnectionWebhookURL(ctx context.Context, conn Connection, url string) error {
	if err := conn.validate(); err != nil {
		return fmt.Errorf("set connection webhook URL: %w", err)
	}
	key := conn.bucketKey()
	err := s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		if tx.Bucket(bucketConnections).Get(key) == nil {
			return false, fmt.Errorf("connection %s: %w", conn, ErrNotFound)
		}
		b := tx.Bucket(bucketConnectionWebhooks)
		if url == "" {
			return b.Get(key) != nil, b.Delete(key)
		}
		return true, b.Put(key, []byte(url))
	})
	if err != nil {
		return fmt.Errorf("set connection webhook URL: %w", err)
	}
	return nil
}

// ConnectionWebhookURL returns a connection's override URL, "" when it has
// none.
func (s *Store) ConnectionWebhookURL(ctx context.Context, conn Connection) (string, error) {
	if err := conn.validate(); err != nil {
		return "", fmt.Errorf("connection webhook URL: %w", err)
	}
	var url string
	err := s.view(ctx, func(tx *bolt.Tx) error {
		url = string(tx.Bucket(bucketConnectionWebhooks).Get(conn.bucketKey()))
		return nil
	})
	return url, err
}

func loadWebhookSettings(tx *bolt.Tx, env string) (WebhookSettings, error) {
	ws := WebhookSettings{Environment: env}
	v := tx.Bucket(bucketWebhookSettings).Get([]byte(env))
	if v == nil {
		return ws, nil
	}
	if err := json.Unmarshal(v, &ws); err != nil {
		return WebhookSettings{}, fmt.Errorf("webhook settings of %q: decode: %w", env, err)
	}
	return ws, nil
}

// webhookURLs are where message m goes: its connection's override when it
// has one, else its environment's URLs (cached in envURLs).
func webhookURLs(tx *bolt.Tx, m OutboxMessage, envURLs map[string][]string) ([]string, error) {
	conn := Connection{Environment: m.Environment, ProviderConfigKey: m.ProviderConfigKey, ConnectionID: m.ConnectionID}
	if m.ConnectionID != "" && conn.validate() == nil {
		if u := tx.Bucket(bucketConnectionWebhooks).Get(conn.bucketKey()); u != nil {
			return []string{string(u)}, nil
		}
	}
	if urls, ok := envURLs[m.Environment]; ok {
		return urls, nil
	}
	ws, err := loadWebhookSettings(tx, m.Environment)
	if err != nil {
		return nil, err
	}
	envURLs[m.Environment] = ws.URLs
	return ws.URLs, nil
}
