package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Outbox listing bounds.
const (
	DefaultOutboxLimit = 100
	MaxOutboxLimit     = 1000
)

// pruneBatch bounds the entries one pruning transaction deletes, so that
// pruning a large backlog does not hold the writer for long.
const pruneBatch = 1000

// OutboxQuery selects outbox entries of one environment, newest first.
type OutboxQuery struct {
	Environment       string
	Status            OutboxStatus // "" = every status
	ProviderConfigKey string       // "" = every integration
	ConnectionID      string       // "" = every connection (and none)
	// Cursor continues a listing: the NextCursor of the previous page.
	Cursor string
	Limit  int // 1 to MaxOutboxLimit; 0 = DefaultOutboxLimit
}

// OutboxPage is one page of a listing.
type OutboxPage struct {
	Entries []OutboxEntry
	// NextCursor continues the listing; "" when the page is its end.
	NextCursor string
}

// ListOutbox returns the entries q selects, newest first, with their
// bodies and attempts.
func (s *Store) ListOutbox(ctx context.Context, q OutboxQuery) (OutboxPage, error) {
	if err := checkKeyPart("environment", q.Environment); err != nil {
		return OutboxPage{}, fmt.Errorf("list webhook deliveries: %w", err)
	}
	switch q.Status {
	case "", OutboxPending, OutboxDelivered, OutboxFailed:
	default:
		return OutboxPage{}, fmt.Errorf("list webhook deliveries: status %q: want pending, delivered or failed: %w", q.Status, ErrInvalidQuery)
	}
	if q.Limit == 0 {
		q.Limit = DefaultOutboxLimit
	}
	if q.Limit < 1 || q.Limit > MaxOutboxLimit {
		return OutboxPage{}, fmt.Errorf("list webhook deliveries: limit %d: want 1 to %d: %w", q.Limit, MaxOutboxLimit, ErrInvalidQuery)
	}
	var from []byte
	if q.Cursor != "" {
		k, err := parseOutboxID(q.Cursor)
		if err != nil {
			return OutboxPage{}, fmt.Errorf("list webhook deliveries: cursor %q: %w", truncate(q.Cursor, 40), ErrInvalidCursor)
		}
		from = k
	}
	page := OutboxPage{Entries: []OutboxEntry{}}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketOutbox).Cursor()
		var k, v []byte
		if from == nil {
			k, v = c.Last()
		} else {
			// Seek lands on the cursor's key, or past it when that entry
			// was pruned; either way the page starts before it.
			if k, _ = c.Seek(from); k == nil {
				k, v = c.Last()
			} else {
				k, v = c.Prev()
			}
		}
		for ; k != nil; k, v = c.Prev() {
			e, err := decodeOutbox(tx, k, v, false)
			if err != nil {
				return err
			}
			if !q.matches(e) {
				continue
			}
			e.Body = bytes.Clone(tx.Bucket(bucketOutboxBodies).Get(k))
			page.Entries = append(page.Entries, e)
			if len(page.Entries) == q.Limit {
				page.NextCursor = e.ID
				break
			}
		}
		return nil
	})
	if err != nil {
		return OutboxPage{}, fmt.Errorf("list webhook deliveries: %w", err)
	}
	return page, nil
}

func (q OutboxQuery) matches(e OutboxEntry) bool {
	return e.Environment == q.Environment &&
		(q.Status == "" || e.Status == q.Status) &&
		(q.ProviderConfigKey == "" || e.ProviderConfigKey == q.ProviderConfigKey) &&
		(q.ConnectionID == "" || e.ConnectionID == q.ConnectionID)
}

// PruneOutbox deletes the delivered and failed entries created before
// before, and reports how many it deleted. Pending entries stay.
func (s *Store) PruneOutbox(ctx context.Context, before time.Time) (int, error) {
	total := 0
	var from []byte // where the next batch starts
	for {
		n, next, err := s.pruneOutboxBatch(ctx, from, before)
		total += n
		if err != nil {
			return total, fmt.Errorf("prune webhook deliveries: %w", err)
		}
		if next == nil {
			return total, nil
		}
		from = next
	}
}

// pruneOutboxBatch deletes up to pruneBatch entries from key from on, and
// returns where to continue (nil: done).
func (s *Store) pruneOutboxBatch(ctx context.Context, from []byte, before time.Time) (int, []byte, error) {
	var (
		deleted [][]byte
		next    []byte
	)
	err := s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		deleted, next = deleted[:0], nil
		c := tx.Bucket(bucketOutbox).Cursor()
		k, v := c.First()
		if from != nil {
			k, v = c.Seek(from)
		}
		for ; k != nil; k, v = c.Next() {
			if len(k) != idKeySize || int64(binary.BigEndian.Uint64(k)) >= before.UnixNano() {
				break
			}
			if len(deleted) == pruneBatch {
				next = append([]byte(nil), k...)
				break
			}
			e, err := decodeOutbox(tx, k, v, false)
			if err != nil {
				return false, err
			}
			if e.Status != OutboxPending {
				deleted = append(deleted, append([]byte(nil), k...))
			}
		}
		for _, key := range deleted {
			if err := tx.Bucket(bucketOutbox).Delete(key); err != nil {
				return false, err
			}
			if err := tx.Bucket(bucketOutboxBodies).Delete(key); err != nil {
				return false, err
			}
		}
		return len(deleted) > 0, nil
	})
	return len(deleted), next, err
}
