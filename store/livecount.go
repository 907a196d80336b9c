package store

import (
	"context"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// keyLive names, in a model's bucket, the model's live count: how many of
// its records are not deleted (pruned ones included), 8 bytes big-endian.
// Every write that changes a record's action moves it in the same
// transaction (modelTx.write, then finish), EmptyRecords resets it, and
// DeleteConnection drops it with the model's bucket, so CountRecords reads
// one key instead of every record. A model written before format 3 has no
// count until CountRecords, or a write that changes the count, counts its
// records once (countLive) and stores the result.
var keyLive = []byte("live")

// CountRecords counts a model's records that are not deleted (pruned ones
// included) in O(1): it reads the live count kept beside the records. The
// sync status calls it once per model of every connection it shows. The
// first call on a model written before format 3 counts the records once
// and stores the count, in a write transaction.
func (s *Store) CountRecords(ctx context.Context, key ModelKey) (int, error) {
	if err := key.validate(); err != nil {
		return 0, fmt.Errorf("count records %s: %w", key, err)
	}
	n, found := 0, false
	err := s.view(ctx, func(tx *bolt.Tx) error {
		m, err := openModel(tx, key, false)
		if m == nil || err != nil {
			found = true // no model: no records
			return err
		}
		n, found, err = storedLive(m.bucket)
		return err
	})
	if err == nil && !found {
		n, err = s.countMissing(ctx, key)
	}
	if err != nil {
		return 0, fmt.Errorf("count records %s: %w", key, err)
	}
	return n, nil
}

// countMissing counts the records of a model that has no live count yet
// and stores the count, unless a write stored one meanwhile.
func (s *Store) countMissing(ctx context.Context, key ModelKey) (int, error) {
	n := 0
	err := s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		m, err := openModel(tx, key, false)
		if m == nil || err != nil {
			n = 0
			return false, err
		}
		var found bool
		if n, found, err = storedLive(m.bucket); found || err != nil {
			return false, err
		}
		if n, err = m.countLive(); err != nil {
			return false, err
		}
		return true, putLive(m.bucket, n)
	})
	return n, err
}

// isLive is 1 for the header of a record that is not deleted, 0 for a
// deleted one or none (nil).
func isLive(h *header) int {
	if h == nil || h.action == codeDeleted {
		return 0
	}
	return 1
}

// saveLive adds the change of the live count made by m's writes to the
// stored count. A model without one (written before format 3) is counted
// once, with those writes, and the count stored.
func (m *modelTx) saveLive() error {
	if m.live == 0 {
		return nil
	}
	n, found, err := storedLive(m.bucket)
	switch {
	case err != nil:
		return err
	case !found:
		if n, err = m.countLive(); err != nil {
			return err
		}
	case n+m.live < 0:
		return fmt.Errorf("live count %d cannot lose %d records: the count is corrupt", n, -m.live)
	default:
		n += m.live
	}
	m.live = 0
	return putLive(m.bucket, n)
}

// countLive counts the model's records that are not deleted by reading
// every record's header: O(records). It is how CountRecords worked before
// format 3, and how a model of that time gets its count.
func (m *modelTx) countLive() (int, error) {
	n := 0
	err := m.data.ForEach(func(id, v []byte) error {
		h, err := decodeHeader(v)
		if err != nil {
			return fmt.Errorf("record %q: %w", id, err)
		}
		n += isLive(&h)
		return nil
	})
	return n, err
}

// storedLive reads a model bucket's live count; found is false when the
// model has none (written before format 3).
func storedLive(b *bolt.Bucket) (n int, found bool, err error) {
	v := b.Get(keyLive)
	switch {
	case v == nil:
		return 0, false, nil
	case len(v) != 8 || binary.BigEndian.Uint64(v) > 1<<62:
		return 0, false, fmt.Errorf("corrupt live count %x", v)
	}
	return int(binary.BigEndian.Uint64(v)), true, nil
}

// putLive stores n as a model bucket's live count.
func putLive(b *bolt.Bucket, n int) error {
	v := make([]byte, 8) // bbolt keeps the value until the commit
	binary.BigEndian.PutUint64(v, uint64(n))
	if err := b.Put(keyLive, v); err != nil {
		return fmt.Errorf("set live count: %w", err)
	}
	return nil
}
