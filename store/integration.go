package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Integration is a provider configured in an environment: Nango's
// "integration", keyed by its unique key (the provider config key that
// connections and functions name).
//
// The store keeps Secrets as the caller gives them: the server seals
// client secrets and webhook secrets before they reach the store, so that
// no plaintext secret is written to disk.
type Integration struct {
	Environment string          `json:"environment"`
	UniqueKey   string          `json:"unique_key"`
	Provider    string          `json:"provider"`
	DisplayName string          `json:"display_name,omitempty"`
	Config      json.RawMessage `json:"config,omitempty"`  // non-secret settings (client id, scopes…), the caller's JSON
	Secrets     []byte          `json:"secrets,omitempty"` // sealed by the caller
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
}

func integrationKey(env, uniqueKey string) ([]byte, error) {
	if err := checkKeyPart("environment", env); err != nil {
		return nil, err
	}
	if err := checkKeyPart("integration unique key", uniqueKey); err != nil {
		return nil, err
	}
	return append(append([]byte(env), 0), uniqueKey...), nil
}

// CreateIntegration stores a new integration; one with the same key is
// ErrExists. CreatedAt and UpdatedAt are set by the store.
func (s *Store) CreateIntegration(ctx context.Context, it Integration) (Integration, error) {
	return s.putIntegration(ctx, it, true)
}

// UpdateIntegration replaces an existing integration (ErrNotFound if there
// is none), keeping its creation time.
func (s *Store) UpdateIntegration(ctx context.Context, it Integration) (Integration, error) {
	return s.putIntegration(ctx, it, false)
}

func (s *Store) putIntegration(ctx context.Context, it Integration, create bool) (Integration, error) {
	key, err := integrationKey(it.Environment, it.UniqueKey)
	if err != nil {
		return Integration{}, fmt.Errorf("put integration: %w", err)
	}
	if err := checkKeyPart("provider", it.Provider); err != nil {
		return Integration{}, fmt.Errorf("put integration %s: %w", it.UniqueKey, err)
	}
	err = s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		b := tx.Bucket(bucketIntegrations)
		old := b.Get(key)
		switch {
		case create && old != nil:
			return false, fmt.Errorf("integration %q: %w", it.UniqueKey, ErrExists)
		case !create && old == nil:
			return false, fmt.Errorf("integration %q: %w", it.UniqueKey, ErrNotFound)
		}
		now := s.now()
		it.CreatedAt, it.UpdatedAt = now, now
		if old != nil {
			var prev Integration
			if err := json.Unmarshal(old, &prev); err != nil {
				return false, fmt.Errorf("integration %q: decode: %w", it.UniqueKey, err)
			}
			it.CreatedAt = prev.CreatedAt
		}
		v, err := json.Marshal(it)
		if err != nil {
			return false, err
		}
		return true, b.Put(key, v)
	})
	if err != nil {
		return Integration{}, fmt.Errorf("put integration: %w", err)
	}
	return it, nil
}

// GetIntegration returns an integration, or ErrNotFound.
func (s *Store) GetIntegration(ctx context.Context, env, uniqueKey string) (Integration, error) {
	key, err := integrationKey(env, uniqueKey)
	if err != nil {
		return Integration{}, fmt.Errorf("get integration: %w", err)
	}
	var it Integration
	err = s.view(ctx, func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketIntegrations).Get(key)
		if v == nil {
			return fmt.Errorf("integration %q: %w", uniqueKey, ErrNotFound)
		}
		return json.Unmarshal(v, &it)
	})
	return it, err
}

// ListIntegrations returns the environment's integrations by unique key.
func (s *Store) ListIntegrations(ctx context.Context, env string) ([]Integration, error) {
	if err := checkKeyPart("environment", env); err != nil {
		return nil, fmt.Errorf("list integrations: %w", err)
	}
	prefix := append([]byte(env), 0)
	out := []Integration{}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketIntegrations).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var it Integration
			if err := json.Unmarshal(v, &it); err != nil {
				return fmt.Errorf("integration %q: decode: %w", k[len(prefix):], err)
			}
			out = append(out, it)
		}
		return nil
	})
	return out, err
}

// DeleteIntegration removes an integration. One that still has
// connections is ErrInUse: delete them first.
func (s *Store) DeleteIntegration(ctx context.Context, env, uniqueKey string) error {
	key, err := integrationKey(env, uniqueKey)
	if err != nil {
		return fmt.Errorf("delete integration: %w", err)
	}
	return s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		b := tx.Bucket(bucketIntegrations)
		if b.Get(key) == nil {
			return false, fmt.Errorf("integration %q: %w", uniqueKey, ErrNotFound)
		}
		prefix := append(append([]byte(nil), key...), 0)
		if k, _ := tx.Bucket(bucketConnections).Cursor().Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) {
			return false, fmt.Errorf("integration %q has connections: %w", uniqueKey, ErrInUse)
		}
		return true, b.Delete(key)
	})
}
