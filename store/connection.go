package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ConnectionEntry is one stored connection: who it is (its Connection
// key), which provider it talks to, its non-secret configuration, and its
// credentials as the caller sealed them: the store never sees them in
// plaintext. Its metadata is kept apart (Metadata, SetMetadata).
type ConnectionEntry struct {
	Connection
	Provider         string         `json:"provider"`
	ConnectionConfig map[string]any `json:"connection_config,omitempty"`
	Credentials      []byte         `json:"credentials,omitempty"` // sealed by the caller
	// ExpiresAt is when the credentials expire (zero: they do not); kept
	// in clear so that refreshes can be planned without opening them.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// PutConnection creates or replaces a connection of an existing
// integration (ErrNotFound otherwise) and reports whether it created it.
// A replaced connection keeps its creation time, metadata and data.
func (s *Store) PutConnection(ctx context.Context, c ConnectionEntry) (ConnectionEntry, bool, error) {
	if err := c.Connection.validate(); err != nil {
		return ConnectionEntry{}, false, fmt.Errorf("put connection: %w", err)
	}
	ikey, _ := integrationKey(c.Environment, c.ProviderConfigKey)
	created := false
	err := s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		if tx.Bucket(bucketIntegrations).Get(ikey) == nil {
			return false, fmt.Errorf("integration %q: %w", c.ProviderConfigKey, ErrNotFound)
		}
		b := tx.Bucket(bucketConnections)
		key := c.bucketKey()
		now := s.now()
		c.CreatedAt, c.UpdatedAt = now, now
		if old := b.Get(key); old != nil {
			var prev ConnectionEntry
			if err := json.Unmarshal(old, &prev); err != nil {
				return false, fmt.Errorf("connection %s: decode: %w", c.Connection, err)
			}
			c.CreatedAt = prev.CreatedAt
		} else {
			created = true
		}
		v, err := json.Marshal(c)
		if err != nil {
			return false, err
		}
		return true, b.Put(key, v)
	})
	if err != nil {
		return ConnectionEntry{}, false, fmt.Errorf("put connection: %w", err)
	}
	return c, created, nil
}

// GetConnection returns a connection, or ErrNotFound.
func (s *Store) GetConnection(ctx context.Context, conn Connection) (ConnectionEntry, error) {
	if err := conn.validate(); err != nil {
		return ConnectionEntry{}, fmt.Errorf("get connection: %w", err)
	}
	var c ConnectionEntry
	err := s.view(ctx, func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketConnections).Get(conn.bucketKey())
		if v == nil {
			return fmt.Errorf("connection %s: %w", conn, ErrNotFound)
		}
		return json.Unmarshal(v, &c)
	})
	return c, err
}

// UpdateConnection applies fn to a stored connection in one transaction
// (read, change, write) and returns the result: a credentials refresh
// cannot lose a concurrent change. fn must not change the key.
func (s *Store) UpdateConnection(ctx context.Context, conn Connection, fn func(*ConnectionEntry) error) (ConnectionEntry, error) {
	if err := conn.validate(); err != nil {
		return ConnectionEntry{}, fmt.Errorf("update connection: %w", err)
	}
	var c ConnectionEntry
	err := s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		b := tx.Bucket(bucketConnections)
		v := b.Get(conn.bucketKey())
		if v == nil {
			return false, fmt.Errorf("connection %s: %w", conn, ErrNotFound)
		}
		c = ConnectionEntry{}
		if err := json.Unmarshal(v, &c); err != nil {
			return false, err
		}
		if err := fn(&c); err != nil {
			return false, err
		}
		if c.Connection != conn {
			return false, fmt.Errorf("connection %s: an update may not change its key: %w", conn, ErrInvalidKey)
		}
		c.UpdatedAt = s.now()
		out, err := json.Marshal(c)
		if err != nil {
			return false, err
		}
		return true, b.Put(conn.bucketKey(), out)
	})
	if err != nil {
		return ConnectionEntry{}, fmt.Errorf("update connection: %w", err)
	}
	return c, nil
}

// ConnectionQuery selects connections of one environment.
type ConnectionQuery struct {
	Environment       string
	ProviderConfigKey string // "" = every integration
	Search            string // "" = all; else connection ids containing it
	Limit             int    // 0 = no limit
	// After pages: when set, only connections ordered after it (the last
	// of the page before) are listed.
	After *Connection
}

// ListConnections returns the connections q selects, ordered by
// integration then connection id.
func (s *Store) ListConnections(ctx context.Context, q ConnectionQuery) ([]ConnectionEntry, error) {
	if err := checkKeyPart("environment", q.Environment); err != nil {
		return nil, fmt.Errorf("list connections: %w", err)
	}
	if q.Limit < 0 {
		return nil, fmt.Errorf("list connections: limit %d is negative: %w", q.Limit, ErrInvalidQuery)
	}
	prefix := q.prefix()
	start := prefix
	if q.After != nil {
		if err := q.After.validate(); err != nil {
			return nil, fmt.Errorf("list connections: after: %w", err)
		}
		// The first key past After's: After's own key followed by a NUL.
		if after := append(q.After.bucketKey(), 0); bytes.Compare(after, start) > 0 {
			start = after
		}
	}
	out := []ConnectionEntry{}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		cur := tx.Bucket(bucketConnections).Cursor()
		for k, v := cur.Seek(start); k != nil && bytes.HasPrefix(k, prefix); k, v = cur.Next() {
			if !q.matches(k) {
				continue
			}
			var c ConnectionEntry
			if err := json.Unmarshal(v, &c); err != nil {
				return fmt.Errorf("connection %q: decode: %w", k, err)
			}
			out = append(out, c)
			if q.Limit > 0 && len(out) == q.Limit {
				break
			}
		}
		return nil
	})
	return out, err
}

// prefix is what the keys of q's connections start with.
func (q ConnectionQuery) prefix() []byte {
	prefix := append([]byte(q.Environment), 0)
	if q.ProviderConfigKey != "" {
		prefix = append(append(prefix, q.ProviderConfigKey...), 0)
	}
	return prefix
}

// matches reports whether a connection's key (environment, integration
// and connection id, NUL-separated) passes q's search.
func (q ConnectionQuery) matches(key []byte) bool {
	if q.Search == "" {
		return true
	}
	id := key[bytes.LastIndexByte(key, 0)+1:]
	return bytes.Contains(id, []byte(q.Search))
}

// CountConnections counts the connections q selects (its Limit and After
// aside), from their keys alone.
func (s *Store) CountConnections(ctx context.Context, q ConnectionQuery) (int, error) {
	if err := checkKeyPart("environment", q.Environment); err != nil {
		return 0, fmt.Errorf("count connections: %w", err)
	}
	prefix := q.prefix()
	n := 0
	err := s.view(ctx, func(tx *bolt.Tx) error {
		cur := tx.Bucket(bucketConnections).Cursor()
		for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
			if q.matches(k) {
				n++
			}
		}
		return nil
	})
	return n, err
}

// DeleteConnection removes a connection and everything kept for it: its
// metadata, checkpoints, records and sync states.
func (s *Store) DeleteConnection(ctx context.Context, conn Connection) error {
	if err := conn.validate(); err != nil {
		return fmt.Errorf("delete connection: %w", err)
	}
	key := conn.bucketKey()
	return s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		b := tx.Bucket(bucketConnections)
		if b.Get(key) == nil {
			return false, fmt.Errorf("connection %s: %w", conn, ErrNotFound)
		}
		if err := b.Delete(key); err != nil {
			return false, err
		}
		if err := tx.Bucket(bucketMetadata).Delete(key); err != nil {
			return false, err
		}
		if err := tx.Bucket(bucketConnectionWebhooks).Delete(key); err != nil {
			return false, err
		}
		for _, top := range [][]byte{bucketCheckpoints, bucketRecords, bucketSyncs} {
			if tx.Bucket(top).Bucket(key) == nil {
				continue
			}
			if err := tx.Bucket(top).DeleteBucket(key); err != nil {
				return false, fmt.Errorf("connection %s: drop %s: %w", conn, top, err)
			}
		}
		return true, nil
	})
}
