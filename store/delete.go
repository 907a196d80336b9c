package store

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// DeleteRecords soft-deletes records by id: each becomes DELETED with
// deleted_at set and a new cursor, and keeps its data. Unknown and
// already-deleted ids are ignored and not counted.
func (s *Store) DeleteRecords(ctx context.Context, key ModelKey, ids []string) (BatchResult, error) {
	res, err := s.deleteRecords(ctx, key, ids)
	if err != nil {
		return BatchResult{}, fmt.Errorf("delete records %s: %w", key, err)
	}
	return res, nil
}

func (s *Store) deleteRecords(ctx context.Context, key ModelKey, ids []string) (BatchResult, error) {
	if err := key.validate(); err != nil {
		return BatchResult{}, err
	}
	items, dups, err := parseIDs(ids)
	if err != nil {
		return BatchResult{}, err
	}
	res := BatchResult{DuplicateIDs: dups}
	if len(items) == 0 {
		return res, ctx.Err()
	}
	err = s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		m, err := openModel(tx, key, false)
		if m == nil || err != nil {
			return false, err
		}
		now := s.now().UnixNano()
		for i := range items {
			v, old, found, err := m.lookup(items[i].key)
			if err != nil {
				return false, err
			}
			if !found || old.action == codeDeleted {
				continue
			}
			value := append([]byte(nil), v...)
			h := old
			h.action, h.modified, h.deletedAt = codeDeleted, now, now
			if err := m.write(items[i].key, value, &h, &old); err != nil {
				return false, err
			}
			res.Deleted++
		}
		return m.finish()
	})
	if err != nil {
		return BatchResult{}, err
	}
	return res, nil
}

// DeleteRecordsExcept soft-deletes, in one transaction, every live record
// of the model whose id keep rejects, and returns their ids in key order.
// It is how deletions are detected: keep answers whether a run saw the
// record (trackDeletesStart/End, full syncs with trackDeletes).
func (s *Store) DeleteRecordsExcept(ctx context.Context, key ModelKey, keep func(id string) bool) ([]string, BatchResult, error) {
	if err := key.validate(); err != nil {
		return nil, BatchResult{}, fmt.Errorf("delete records %s: %w", key, err)
	}
	var deleted []string
	var res BatchResult
	err := s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		deleted, res = nil, BatchResult{} // a retried transaction starts over
		m, err := openModel(tx, key, false)
		if m == nil || err != nil {
			return false, err
		}
		var gone [][]byte
		c := m.data.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			h, err := decodeHeader(v)
			if err != nil {
				return false, fmt.Errorf("record %q: %w", k, err)
			}
			if h.action != codeDeleted && !keep(string(k)) {
				gone = append(gone, append([]byte(nil), k...))
			}
		}
		now := s.now().UnixNano()
		for _, id := range gone {
			v, old, _, err := m.lookup(id)
			if err != nil {
				return false, err
			}
			h := old
			h.action, h.modified, h.deletedAt = codeDeleted, now, now
			if err := m.write(id, append([]byte(nil), v...), &h, &old); err != nil {
				return false, err
			}
			deleted = append(deleted, string(id))
			res.Deleted++
		}
		return m.finish()
	})
	if err != nil {
		return nil, BatchResult{}, fmt.Errorf("delete records %s: %w", key, err)
	}
	return deleted, res, nil
}
