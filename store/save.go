package store

import (
	"context"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// SaveRecords upserts a batch of records of one model. Each record is a JSON
// object whose "id" is a string of 1–255 characters or an integer;
// "_nango_metadata" is stripped. A new id is ADDED; a known id whose content
// changed (or that was deleted) is UPDATED; an identical record is left as it
// is, with no new cursor. The whole batch is validated first and applied in
// one transaction: on error nothing is written. Errors about one record name
// its index in records.
func (s *Store) SaveRecords(ctx context.Context, key ModelKey, records []json.RawMessage) (BatchResult, error) {
	p, err := PrepareRecords(records)
	if err != nil {
		return BatchResult{}, fmt.Errorf("save records %s: %w", key, err)
	}
	return s.SavePrepared(ctx, key, p)
}

// PreparedRecords is a batch validated by PrepareRecords and ready for
// SavePrepared. It owns its bytes: the records passed in may be reused.
type PreparedRecords struct {
	items []batchItem
	dups  []string
}

// PrepareRecords validates records as SaveRecords does, touching no store,
// so that a caller can report a bad record at once and write the batch
// later (SaveRecords is PrepareRecords then SavePrepared).
func PrepareRecords(records []json.RawMessage) (*PreparedRecords, error) {
	items, dups, err := parseBatch(records)
	if err != nil {
		return nil, err
	}
	return &PreparedRecords{items: items, dups: dups}, nil
}

// SavePrepared writes a prepared batch, in one transaction.
func (s *Store) SavePrepared(ctx context.Context, key ModelKey, p *PreparedRecords) (BatchResult, error) {
	res, err := s.savePrepared(ctx, key, p)
	if err != nil {
		return BatchResult{}, fmt.Errorf("save records %s: %w", key, err)
	}
	return res, nil
}

func (s *Store) savePrepared(ctx context.Context, key ModelKey, p *PreparedRecords) (BatchResult, error) {
	if err := key.validate(); err != nil {
		return BatchResult{}, err
	}
	items := p.items
	res := BatchResult{DuplicateIDs: p.dups}
	if len(items) == 0 {
		return res, ctx.Err()
	}
	err := s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		m, err := openModel(tx, key, true)
		if err != nil {
			return false, err
		}
		now := s.now().UnixNano()
		for i := range items {
			it := &items[i]
			_, old, found, err := m.lookup(it.key)
			if err != nil {
				return false, err
			}
			h := header{action: codeAdded, firstSeen: now, modified: now, hash: it.hash}
			switch {
			case !found:
				res.Added++
			case old.action != codeDeleted && old.hash == it.hash:
				res.Unchanged++
				continue
			default:
				h.action, h.firstSeen = codeUpdated, old.firstSeen
				res.Updated++
			}
			if err := m.write(it.key, it.value, &h, oldOrNil(&old, found)); err != nil {
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

func oldOrNil(h *header, found bool) *header {
	if found {
		return h
	}
	return nil
}
