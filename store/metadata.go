package store

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"

	bolt "go.etcd.io/bbolt"
)

// Connection metadata lives under "metadata" → <connection>, as one JSON
// object.

// Metadata returns the connection's metadata; an empty (non-nil) map when
// none was set. Numbers decode as float64, as they would in JavaScript.
func (s *Store) Metadata(ctx context.Context, conn Connection) (map[string]any, error) {
	if err := conn.validate(); err != nil {
		return nil, fmt.Errorf("get metadata %s: %w", conn, err)
	}
	md := map[string]any{}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMetadata).Get(conn.bucketKey()); v != nil {
			return json.Unmarshal(v, &md)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("get metadata %s: %w", conn, err)
	}
	return md, nil
}

// SetMetadata replaces the connection's metadata with md (nil clears it).
func (s *Store) SetMetadata(ctx context.Context, conn Connection, md map[string]any) error {
	if err := s.writeMetadata(ctx, conn, md, false); err != nil {
		return fmt.Errorf("set metadata %s: %w", conn, err)
	}
	return nil
}

// UpdateMetadata merges md into the connection's metadata: each top-level
// key of md replaces the stored one; other stored keys stay.
func (s *Store) UpdateMetadata(ctx context.Context, conn Connection, md map[string]any) error {
	if err := s.writeMetadata(ctx, conn, md, true); err != nil {
		return fmt.Errorf("update metadata %s: %w", conn, err)
	}
	return nil
}

func (s *Store) writeMetadata(ctx context.Context, conn Connection, md map[string]any, merge bool) error {
	if err := conn.validate(); err != nil {
		return err
	}
	enc := make(map[string]json.RawMessage, len(md))
	for k, v := range md {
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("key %q: %w: %w", k, err, ErrInvalidMetadata)
		}
		enc[k] = b
	}
	if merge && len(enc) == 0 {
		return ctx.Err()
	}
	return s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		b := tx.Bucket(bucketMetadata)
		key := conn.bucketKey()
		all := enc
		if v := b.Get(key); merge && v != nil {
			all = map[string]json.RawMessage{}
			if err := json.Unmarshal(v, &all); err != nil {
				return false, fmt.Errorf("decode stored metadata: %w", err)
			}
			maps.Copy(all, enc)
		}
		value, err := json.Marshal(all)
		if err != nil {
			return false, err
		}
		return true, b.Put(key, value)
	})
}
