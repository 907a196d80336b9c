package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Sync states live under "syncs" → <connection> → sync name, as JSON: one
// per (connection, sync), dropped with the connection.

// SyncKey names one sync of one connection.
type SyncKey struct {
	Connection
	Sync string
}

// String names the sync for messages: env/integration/connection/sync.
func (k SyncKey) String() string { return k.Connection.String() + "/" + k.Sync }

func (k SyncKey) validate() error {
	if err := k.Connection.validate(); err != nil {
		return err
	}
	return checkKeyPart("sync", k.Sync)
}

// ModelCounts is what one run changed in one model.
type ModelCounts struct {
	Added   int `json:"added"`
	Updated int `json:"updated"`
	Deleted int `json:"deleted"`
}

// RunError says why a run failed.
type RunError struct {
	Type    string `json:"type"`
	Message string `json:"message"`
}

// SyncState is the durable state of one sync of one connection: whether
// it is paused, its frequency override and how its last run went.
type SyncState struct {
	Key SyncKey `json:"-"`
	// Paused stops scheduled runs; a manual trigger still runs.
	Paused bool `json:"paused,omitempty"`
	// Frequency overrides the function's frequency for this connection
	// ("" = the function's).
	Frequency string `json:"frequency,omitempty"`
	// Running is the execution in flight (0 = none). Found set at start,
	// it names a run that the process died during.
	Running uint64 `json:"running,omitempty"`
	// LastStartedAt is when the last run started (zero: never ran).
	LastStartedAt time.Time `json:"last_started_at,omitzero"`
	// LastFinishedAt is when the last run ended.
	LastFinishedAt time.Time `json:"last_finished_at,omitzero"`
	// LastStatus is "success" or "failed" ("" = never finished).
	LastStatus    string                 `json:"last_status,omitempty"`
	LastResult    map[string]ModelCounts `json:"last_result,omitempty"`
	LastError     *RunError              `json:"last_error,omitempty"`
	LastExecution uint64                 `json:"last_execution,omitempty"`
}

// SyncState returns the state of a sync; a sync that never had one is the
// zero state (with its key), not an error.
func (s *Store) SyncState(ctx context.Context, key SyncKey) (SyncState, error) {
	if err := key.validate(); err != nil {
		return SyncState{}, fmt.Errorf("get sync state %s: %w", key, err)
	}
	st := SyncState{Key: key}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		if conn := tx.Bucket(bucketSyncs).Bucket(key.bucketKey()); conn != nil {
			if v := conn.Get([]byte(key.Sync)); v != nil {
				return json.Unmarshal(v, &st)
			}
		}
		return nil
	})
	if err != nil {
		return SyncState{}, fmt.Errorf("get sync state %s: %w", key, err)
	}
	return st, nil
}

// UpdateSyncState changes a sync's state in one transaction: fn gets the
// current state (the zero state if none) and edits it. An error from fn
// aborts the change and is returned as is.
func (s *Store) UpdateSyncState(ctx context.Context, key SyncKey, fn func(*SyncState) error) (SyncState, error) {
	if err := key.validate(); err != nil {
		return SyncState{}, fmt.Errorf("update sync state %s: %w", key, err)
	}
	st := SyncState{Key: key}
	err := s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		// A state without its connection would outlive DeleteConnection.
		if tx.Bucket(bucketConnections).Get(key.bucketKey()) == nil {
			return false, fmt.Errorf("connection %s: %w", key.Connection, ErrNotFound)
		}
		conn, err := tx.Bucket(bucketSyncs).CreateBucketIfNotExists(key.bucketKey())
		if err != nil {
			return false, err
		}
		if v := conn.Get([]byte(key.Sync)); v != nil {
			if err := json.Unmarshal(v, &st); err != nil {
				return false, fmt.Errorf("decode: %w", err)
			}
		}
		if err := fn(&st); err != nil {
			return false, err
		}
		v, err := json.Marshal(st)
		if err != nil {
			return false, err
		}
		return true, conn.Put([]byte(key.Sync), v)
	})
	if err != nil {
		return SyncState{}, fmt.Errorf("update sync state %s: %w", key, err)
	}
	return st, nil
}

// ListSyncStates returns every stored sync state of an environment,
// ordered by integration, connection and sync.
func (s *Store) ListSyncStates(ctx context.Context, env string) ([]SyncState, error) {
	if err := checkKeyPart("environment", env); err != nil {
		return nil, fmt.Errorf("list sync states: %w", err)
	}
	prefix := append([]byte(env), 0)
	var out []SyncState
	err := s.view(ctx, func(tx *bolt.Tx) error {
		cur := tx.Bucket(bucketSyncs).Cursor()
		for k, _ := cur.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = cur.Next() {
			conn, ok := parseConnectionKey(k)
			if !ok {
				return fmt.Errorf("malformed connection key %q", k)
			}
			err := tx.Bucket(bucketSyncs).Bucket(k).ForEach(func(name, v []byte) error {
				st := SyncState{Key: SyncKey{Connection: conn, Sync: string(name)}}
				if err := json.Unmarshal(v, &st); err != nil {
					return fmt.Errorf("sync state %s: decode: %w", st.Key, err)
				}
				out = append(out, st)
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list sync states: %w", err)
	}
	return out, nil
}

// parseConnectionKey reverses Connection.bucketKey.
func parseConnectionKey(k []byte) (Connection, bool) {
	parts := bytes.SplitN(k, []byte{0}, 3)
	if len(parts) != 3 {
		return Connection{}, false
	}
	return Connection{Environment: string(parts[0]), ProviderConfigKey: string(parts[1]), ConnectionID: string(parts[2])}, true
}
