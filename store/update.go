package store

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// UpdateRecords deep-merges partial records into stored ones: objects merge
// recursively, arrays and scalars replace. Every partial must name a stored
// id (a deleted record comes back, UPDATED); otherwise ErrInvalidRecord names
// it and nothing is written. A merge that changes nothing leaves the record
// as it is.
func (s *Store) UpdateRecords(ctx context.Context, key ModelKey, partials []json.RawMessage) (BatchResult, error) {
	res, err := s.updateRecords(ctx, key, partials)
	if err != nil {
		return BatchResult{}, fmt.Errorf("update records %s: %w", key, err)
	}
	return res, nil
}

func (s *Store) updateRecords(ctx context.Context, key ModelKey, partials []json.RawMessage) (BatchResult, error) {
	if err := key.validate(); err != nil {
		return BatchResult{}, err
	}
	items, dups, err := parseBatch(partials)
	if err != nil {
		return BatchResult{}, err
	}
	res := BatchResult{DuplicateIDs: dups}
	if len(items) == 0 {
		return res, ctx.Err()
	}
	err = s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		m, err := openModel(tx, key, false)
		if err != nil {
			return false, err
		}
		if m == nil {
			return false, unknownID(&items[0])
		}
		now := s.now().UnixNano()
		for i := range items {
			it := &items[i]
			v, old, found, err := m.lookup(it.key)
			if err != nil {
				return false, err
			}
			if !found {
				return false, unknownID(it)
			}
			merged := make([]byte, headerSize, len(v)+len(it.value))
			merged = mergeJSON(merged, v[old.size():], it.data())
			h := header{action: codeUpdated, firstSeen: old.firstSeen, modified: now, hash: sha256.Sum256(merged[headerSize:])}
			if old.action != codeDeleted && old.hash == h.hash {
				res.Unchanged++
				continue
			}
			res.Updated++
			if err := m.write(it.key, merged, &h, &old); err != nil {
				return false, err
			}
		}
		return m.finish()
	})
	if err != nil {
		return BatchResult{}, err
	}
	return res, nil
}

func unknownID(it *batchItem) error {
	return fmt.Errorf("record %d: no record with id %q: %w", it.index, truncate(it.id, 64), ErrInvalidRecord)
}
