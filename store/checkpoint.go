package store

import (
	"context"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Checkpoints live under "checkpoints" → <connection> → function name, as
// compact JSON.

// Checkpoint returns the function's saved checkpoint, or nil (and no error)
// when there is none.
func (s *Store) Checkpoint(ctx context.Context, key CheckpointKey) (json.RawMessage, error) {
	if err := key.validate(); err != nil {
		return nil, fmt.Errorf("get checkpoint %s: %w", key, err)
	}
	var out json.RawMessage
	err := s.view(ctx, func(tx *bolt.Tx) error {
		if conn := tx.Bucket(bucketCheckpoints).Bucket(key.bucketKey()); conn != nil {
			if v := conn.Get([]byte(key.Function)); v != nil {
				out = append(json.RawMessage(nil), v...)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("get checkpoint %s: %w", key, err)
	}
	return out, nil
}

// SaveCheckpoint replaces the function's checkpoint. A checkpoint is a flat
// JSON object whose values are strings, numbers or booleans (Nango's rule).
// It is on disk when SaveCheckpoint returns (unless Options.NoSync).
func (s *Store) SaveCheckpoint(ctx context.Context, key CheckpointKey, checkpoint json.RawMessage) error {
	if err := key.validate(); err != nil {
		return fmt.Errorf("save checkpoint %s: %w", key, err)
	}
	value, err := compactCheckpoint(checkpoint)
	if err != nil {
		return fmt.Errorf("save checkpoint %s: %w", key, err)
	}
	err = s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		conn, err := tx.Bucket(bucketCheckpoints).CreateBucketIfNotExists(key.bucketKey())
		if err != nil {
			return false, err
		}
		return true, conn.Put([]byte(key.Function), value)
	})
	if err != nil {
		return fmt.Errorf("save checkpoint %s: %w", key, err)
	}
	return nil
}

// ClearCheckpoint removes the function's checkpoint, if any.
func (s *Store) ClearCheckpoint(ctx context.Context, key CheckpointKey) error {
	if err := key.validate(); err != nil {
		return fmt.Errorf("clear checkpoint %s: %w", key, err)
	}
	err := s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		conn := tx.Bucket(bucketCheckpoints).Bucket(key.bucketKey())
		if conn == nil || conn.Get([]byte(key.Function)) == nil {
			return false, nil
		}
		return true, conn.Delete([]byte(key.Function))
	})
	if err != nil {
		return fmt.Errorf("clear checkpoint %s: %w", key, err)
	}
	return nil
}

// compactCheckpoint validates a checkpoint and returns its compact form.
func compactCheckpoint(raw []byte) ([]byte, error) {
	c := compactor{in: raw}
	c.skipSpace()
	isObject := c.pos < len(raw) && raw[c.pos] == '{'
	if err := c.compact(); err != nil {
		return nil, fmt.Errorf("%w: %w", err, ErrInvalidCheckpoint)
	}
	if !isObject {
		return nil, fmt.Errorf("not a JSON object: %w", ErrInvalidCheckpoint)
	}
	var bad error
	eachMember(c.out, func(k, v []byte) {
		if bad == nil && (v[0] == '{' || v[0] == '[' || v[0] == 'n') {
			bad = fmt.Errorf("value of %s must be a string, number or boolean, not %s: %w",
				truncate(string(k), 64), jsonKind(v[0]), ErrInvalidCheckpoint)
		}
	})
	return c.out, bad
}
