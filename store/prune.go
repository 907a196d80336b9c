package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Limits of one PruneRecords call.
const (
	DefaultPruneLimit = 10000
	MaxPruneLimit     = 10000
)

// keyPrunedUntil names, in a model's bucket, the prune watermark: the
// cursor sequence up to which every index entry is known to be pruned, so
// that the next prune starts after it instead of walking the pruned
// records again. It holds because writes only ever index at sequences
// above every existing one, and a record written again leaves its old
// position.
var keyPrunedUntil = []byte("pruned-until")

// PruneResult is what one PruneRecords call did.
type PruneResult struct {
	// Pruned counts the records pruned by this call.
	Pruned int
	// HasMore reports that records at or before the cursor are still
	// unpruned: the limit stopped the call.
	HasMore bool
}

// PruneRecords removes the data of the model's records whose last change
// is at or before untilCursor (a cursor the store handed out), up to limit
// records (0 → DefaultPruneLimit; 1..MaxPruneLimit valid), oldest change
// first: each keeps its id and its change tracking — cursor, timestamps,
// last action — and gets a pruned-at time. Records already pruned are
// skipped and not counted. Pruning is not a change: no cursor moves, so a
// client paging with cursors does not see the records again. It is
// Nango's PATCH /records/prune, for customers who copied the records and
// want ferry to stop keeping their content.
func (s *Store) PruneRecords(ctx context.Context, key ModelKey, untilCursor string, limit int) (PruneResult, error) {
	res, err := s.pruneRecords(ctx, key, untilCursor, limit)
	if err != nil {
		return PruneResult{}, fmt.Errorf("prune records %s: %w", key, err)
	}
	return res, nil
}

func (s *Store) pruneRecords(ctx context.Context, key ModelKey, untilCursor string, limit int) (PruneResult, error) {
	if err := key.validate(); err != nil {
		return PruneResult{}, err
	}
	switch {
	case limit == 0:
		limit = DefaultPruneLimit
	case limit < 0 || limit > MaxPruneLimit:
		return PruneResult{}, fmt.Errorf("limit %d is outside 1..%d: %w", limit, MaxPruneLimit, ErrInvalidQuery)
	}
	until, err := decodeCursor(untilCursor)
	if err != nil {
		return PruneResult{}, err
	}
	var res PruneResult
	err = s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		res = PruneResult{}
		m, err := openModel(tx, key, false)
		if m == nil || err != nil {
			return false, err
		}
		return m.prune(&res, until, limit, s.now().UnixNano())
	})
	if err != nil {
		return PruneResult{}, err
	}
	return res, nil
}

// prune walks the index from the watermark to until, pruning up to limit
// records, and reports whether it changed anything.
func (m *modelTx) prune(res *PruneResult, until uint64, limit int, now int64) (bool, error) {
	watermark, err := m.prunedUntil()
	if err != nil {
		return false, err
	}
	moved := false
	c := m.index.Cursor()
	for k, id := c.Seek(m.seqKey(watermark + 1)); k != nil; k, id = c.Next() {
		seq := binary.BigEndian.Uint64(k)
		if seq > until {
			break
		}
		v, h, found, err := m.lookup(id)
		if err != nil {
			return false, err
		}
		if !found {
			return false, fmt.Errorf("index names missing record %q", id)
		}
		if !h.pruned {
			if res.Pruned == limit {
				res.HasMore = true
				break
			}
			// The record keeps its action, so the live count (livecount.go)
			// does not move: a pruned record counts as it did.
			id = append([]byte(nil), id...) // bbolt keeps the key until the commit
			if err := m.data.Put(id, prunedValue(id, v, &h, now)); err != nil {
				return false, fmt.Errorf("prune record %q: %w", id, err)
			}
			res.Pruned++
		}
		watermark, moved = seq, true
	}
	if !moved {
		return false, nil
	}
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], watermark)
	if err := m.bucket.Put(keyPrunedUntil, b[:]); err != nil {
		return false, fmt.Errorf("set prune watermark: %w", err)
	}
	return true, nil
}

// prunedUntil reads the prune watermark; 0 when the model was never pruned.
func (m *modelTx) prunedUntil() (uint64, error) {
	v := m.bucket.Get(keyPrunedUntil)
	switch len(v) {
	case 0:
		return 0, nil
	case 8:
		return binary.BigEndian.Uint64(v), nil
	}
	return 0, fmt.Errorf("corrupt prune watermark (%d bytes)", len(v))
}

// prunedValue is the stored form of a pruned record: h marked pruned and
// the record reduced to its "id" member, as it was saved (a number stays
// a number). The hash is cleared so that a sync saving the record again —
// even with the very data it had — makes it UPDATED with a new cursor:
// the store no longer has that data, so the customer must get it back.
func prunedValue(id, v []byte, h *header, now int64) []byte {
	idJSON := idMember(v[h.size():])
	if idJSON == nil {
		idJSON, _ = json.Marshal(string(id)) // unreachable for saved records
	}
	h.pruned, h.prunedAt = true, now
	clear(h.hash[:])
	out := make([]byte, prunedHeaderSize, prunedHeaderSize+len(`{"id":}`)+len(idJSON))
	h.encode(out)
	out = append(out, `{"id":`...)
	out = append(out, idJSON...)
	return append(out, '}')
}

// idMember returns the value of the "id" member of a stored record's
// compact JSON (the last one, as saving reads it), or nil.
func idMember(data []byte) []byte {
	var id []byte
	eachMember(data, func(key, val []byte) {
		if memberKey(key) == "id" {
			id = val
		}
	})
	return id
}
