package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"

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
		Data: append([]byte(nil), v[h.size():]...),
		Meta: h.meta(),
	}
}

// ListRecords pages through the changes of one model in cursor order: every
// record appears once, at its latest change, so a client that follows
// NextCursor sees each change exactly once. Filters apply during the scan;
// Limit counts the records returned.
func (s *Store) ListRecords(ctx context.Context, key ModelKey, q ListQuery) (RecordPage, error) {
	page, err := s.listRecords(ctx, key, q)
	if err != nil {
		return RecordPage{}, fmt.Errorf("list records %s: %w", key, err)
	}
	return page, nil
}

func (s *Store) listRecords(ctx context.Context, key ModelKey, q ListQuery) (RecordPage, error) {
	if err := key.validate(); err != nil {
		return RecordPage{}, err
	}
	p, err := q.plan()
	if err != nil {
		return RecordPage{}, err
	}
	var recs []Record
	err = s.view(ctx, func(tx *bolt.Tx) error {
		m, err := openModel(tx, key, false)
		if m == nil || err != nil {
			return err
		}
		if len(q.IDs) > 0 {
			recs, err = m.listIDs(&p, q.IDs)
		} else {
			recs, err = m.scan(&p)
		}
		return err
	})
	if err != nil {
		return RecordPage{}, err
	}
	page := RecordPage{Records: recs}
	if len(recs) > p.limit { // one more than asked for: there is a next page
		page.Records = recs[:p.limit]
		page.NextCursor = page.Records[p.limit-1].Meta.Cursor
	}
	return page, nil
}

// scan walks the index from the cursor and collects up to limit+1 matches.
func (m *modelTx) scan(p *listPlan) ([]Record, error) {
	recs := make([]Record, 0, min(p.limit+1, 1024))
	c := m.index.Cursor()
	for k, id := c.Seek(m.seqKey(p.after + 1)); k != nil && len(recs) <= p.limit; k, id = c.Next() {
		v, h, found, err := m.lookup(id)
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, fmt.Errorf("index names missing record %q", id)
		}
		if p.match(&h) {
			recs = append(recs, newRecord(string(id), v, &h))
		}
	}
	return recs, nil
}

// listIDs looks the ids up directly, which beats scanning the index when a
// client asks for a few records.
func (m *modelTx) listIDs(p *listPlan, ids []string) ([]Record, error) {
	type hit struct {
		seq uint64
		rec Record
	}
	var hits []hit
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		v, h, found, err := m.lookup([]byte(id))
		if err != nil {
			return nil, err
		}
		if found && p.match(&h) {
			hits = append(hits, hit{h.seq, newRecord(id, v, &h)})
		}
	}
	slices.SortFunc(hits, func(a, b hit) int { return cmp.Compare(a.seq, b.seq) })
	recs := make([]Record, 0, min(len(hits), p.limit+1))
	for _, h := range hits[:min(len(hits), p.limit+1)] {
		recs = append(recs, h.rec)
	}
	return recs, nil
}
