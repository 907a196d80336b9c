package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Inbox listing bounds (PendingInbox, ListInbox, ListRejectedWebhooks).
const (
	DefaultInboxLimit = 100
	MaxInboxLimit     = 1000
)

// InboxQuery selects inbox entries of one environment, newest first.
type InboxQuery struct {
	Environment  string
	Integration  string // "" = every integration
	Status       string // "" = every status
	ConnectionID string // "" = any; else entries with a target for this connection
	// Cursor continues a listing: the NextCursor of the previous page.
	Cursor string
	Limit  int // 1 to MaxInboxLimit; 0 = DefaultInboxLimit
}

// InboxPage is one page of a listing.
type InboxPage struct {
	Entries []InboxEntry // without their bodies
	// NextCursor continues the listing; "" when the page is its end.
	NextCursor string
}

// ListInbox returns the entries q selects, newest first, without their
// bodies (GetInbox has them).
func (s *Store) ListInbox(ctx context.Context, q InboxQuery) (InboxPage, error) {
	if err := checkKeyPart("environment", q.Environment); err != nil {
		return InboxPage{}, fmt.Errorf("list webhooks: %w", err)
	}
	if q.Status != "" {
		if err := checkInboxStatus(q.Status, false); err != nil {
			return InboxPage{}, fmt.Errorf("list webhooks: %v: %w", err, ErrInvalidQuery)
		}
	}
	limit, err := inboxLimit(q.Limit)
	if err != nil {
		return InboxPage{}, fmt.Errorf("list webhooks: %w", err)
	}
	from, err := parseSeqCursor(q.Cursor)
	if err != nil {
		return InboxPage{}, fmt.Errorf("list webhooks: %w", err)
	}
	page := InboxPage{Entries: []InboxEntry{}}
	err = s.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketInbox).Cursor()
		for k, v := seekBefore(c, from); k != nil; k, v = c.Prev() {
			e, err := decodeInbox(tx, k, v, false)
			if err != nil {
				return err
			}
			if !q.matches(e) {
				continue
			}
			page.Entries = append(page.Entries, e)
			if len(page.Entries) == limit {
				page.NextCursor = strconv.FormatUint(e.ID, 10)
				break
			}
		}
		return nil
	})
	if err != nil {
		return InboxPage{}, fmt.Errorf("list webhooks: %w", err)
	}
	return page, nil
}

func (q InboxQuery) matches(e InboxEntry) bool {
	return e.Environment == q.Environment &&
		(q.Integration == "" || e.Integration == q.Integration) &&
		(q.Status == "" || e.Status == q.Status) &&
		(q.ConnectionID == "" || slices.ContainsFunc(e.Targets, func(t InboxTarget) bool { return t.ConnectionID == q.ConnectionID }))
}

// parseSeqCursor reads a cursor made of a sequence number ("" → nil:
// start from the newest).
func parseSeqCursor(cursor string) ([]byte, error) {
	if cursor == "" {
		return nil, nil
	}
	n, err := strconv.ParseUint(cursor, 10, 64)
	if err != nil || strconv.FormatUint(n, 10) != cursor {
		return nil, fmt.Errorf("cursor %q: %w", truncate(cursor, 40), ErrInvalidCursor)
	}
	return inboxKey(n), nil
}

// PruneInbox deletes the processed entries received before before, and
// the dedupe keys whose window has passed (a redelivery after that is
// stored again); it reports how many entries it deleted. Pending, parked
// and unattributed entries stay (the last two can be replayed). Entries
// are visited in id order up to the first one received at or after
// before, a batch per transaction.
func (s *Store) PruneInbox(ctx context.Context, before time.Time) (int, error) {
	total := 0
	for from := []byte(nil); ; {
		n, next, err := s.pruneInboxBatch(ctx, from, before)
		total += n
		if err != nil {
			return total, fmt.Errorf("prune webhooks: %w", err)
		}
		if next == nil {
			break
		}
		from = next
	}
	for {
		n, err := s.pruneDedupeBatch(ctx, s.now())
		if err != nil {
			return total, fmt.Errorf("prune webhook dedupe keys: %w", err)
		}
		if n < pruneBatch {
			return total, nil
		}
	}
}

// pruneInboxBatch deletes up to pruneBatch processed entries from key
// from on, and returns where to continue (nil: done).
func (s *Store) pruneInboxBatch(ctx context.Context, from []byte, before time.Time) (int, []byte, error) {
	var (
		deleted [][]byte
		next    []byte
	)
	err := s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		deleted, next = deleted[:0], nil
		c := tx.Bucket(bucketInbox).Cursor()
		k, v := c.First()
		if from != nil {
			k, v = c.Seek(from)
		}
		for ; k != nil; k, v = c.Next() {
			if len(deleted) == pruneBatch {
				next = append([]byte(nil), k...)
				break
			}
			e, err := decodeInbox(tx, k, v, false)
			if err != nil {
				return false, err
			}
			if !e.ReceivedAt.Before(before) {
				break
			}
			if e.Status == InboxProcessed {
				deleted = append(deleted, append([]byte(nil), k...))
			}
		}
		for _, key := range deleted {
			if err := tx.Bucket(bucketInbox).Delete(key); err != nil {
				return false, err
			}
			if err := tx.Bucket(bucketInboxBodies).Delete(key); err != nil {
				return false, err
			}
		}
		return len(deleted) > 0, nil
	})
	return len(deleted), next, err
}

// pruneDedupeBatch deletes up to pruneBatch dedupe keys expired at now,
// and reports how many index entries it removed.
func (s *Store) pruneDedupeBatch(ctx context.Context, now time.Time) (int, error) {
	n := 0
	err := s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		n = 0
		exp, dedupe := tx.Bucket(bucketInboxDedupeExp), tx.Bucket(bucketInboxDedupe)
		var gone [][]byte
		c := exp.Cursor()
		for k, _ := c.First(); k != nil && len(gone) < pruneBatch; k, _ = c.Next() {
			if len(k) < 8 || int64(binary.BigEndian.Uint64(k)) > now.UnixNano() {
				break
			}
			gone = append(gone, append([]byte(nil), k...))
		}
		for _, k := range gone {
			dk := k[8:]
			// A later delivery may have renewed the key: only its own
			// expiry removes it.
			if v := dedupe.Get(dk); len(v) == 16 && string(v[:8]) == string(k[:8]) {
				if err := dedupe.Delete(dk); err != nil {
					return false, err
				}
			}
			if err := exp.Delete(k); err != nil {
				return false, err
			}
		}
		n = len(gone)
		return n > 0, nil
	})
	return n, err
}

// inboxLimit checks a listing's limit (0: the default).
func inboxLimit(limit int) (int, error) {
	if limit == 0 {
		return DefaultInboxLimit, nil
	}
	if limit < 1 || limit > MaxInboxLimit {
		return 0, fmt.Errorf("limit %d: want 1 to %d: %w", limit, MaxInboxLimit, ErrInvalidQuery)
	}
	return limit, nil
}

// seekBefore places c on the last key below before (nil: the last key)
// and returns it: where a newest-first listing continues.
func seekBefore(c *bolt.Cursor, before []byte) ([]byte, []byte) {
	if before == nil {
		return c.Last()
	}
	if k, _ := c.Seek(before); k == nil { // every key is below before
		return c.Last()
	}
	return c.Prev()
}
