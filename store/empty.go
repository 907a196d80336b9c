package store

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// EmptyRecords removes every record of a model, deleted ones included,
// without recording deletions: the cache starts over, as Nango's
// emptyCache does. The model's cursor sequence is kept, so cursors handed
// out before stay valid and records saved again come after them; the live
// count (CountRecords) is 0. It reports how many records it removed.
func (s *Store) EmptyRecords(ctx context.Context, key ModelKey) (int, error) {
	if err := key.validate(); err != nil {
		return 0, fmt.Errorf("empty records %s: %w", key, err)
	}
	n := 0
	err := s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		m, err := openModel(tx, key, false)
		if err != nil || m == nil {
			return false, err
		}
		n = m.data.Stats().KeyN
		if n == 0 {
			return false, nil
		}
		for _, name := range [][]byte{bucketData, bucketIndex} {
			if err := m.bucket.DeleteBucket(name); err != nil {
				return false, err
			}
			if _, err := m.bucket.CreateBucket(name); err != nil {
				return false, err
			}
		}
		return true, putLive(m.bucket, 0)
	})
	if err != nil {
		return 0, fmt.Errorf("empty records %s: %w", key, err)
	}
	return n, nil
}
