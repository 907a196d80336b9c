package store

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// GetRecords returns the stored records with the given ids, keyed by id.
// Ids that were never saved are absent; deleted records are included, with
// Meta.DeletedAt set.
func (s *Store) GetRecords(ctx context.Context, key ModelKey, ids []string) (map[string]Record, error) {
	if err := key.validate(); err != nil {
		return nil, fmt.Errorf("get records %s: %w", key, err)
	}
	out := make(map[string]Record, len(ids))
	err := s.view(ctx, func(tx *bolt.Tx) error {
		m, err := openModel(tx, key, false)
		if m == nil || err != nil {
			return err
		}
		for _, id := range ids {
			if id == "" {
				continue
			}
			v, h, found, err := m.lookup([]byte(id))
			if err != nil {
				return err
			}
			if found {
				out[id] = newRecord(id, v, &h)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("get records %s: %w", key, err)
	}
	return out, nil
}

// newRecord copies a stored value out of the transaction's memory.
func newRecord(id string, v []byte, h *header) Record {
	return Record{
		ID:   id,
		Data: append([]byte(nil), v[headerSize:]...),
		Meta: h.meta(),
	}
}
