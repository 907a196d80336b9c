package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ClaimOutbox takes up to limit pending entries due at now, oldest due
// first, with their bodies, and leases them until now+lease: until their
// result is recorded (RecordOutboxAttempt) or released (ReleaseOutbox), no
// other claim returns them. An attempt whose result is never recorded (the
// process died) is due again when its lease ends, so every entry is
// attempted until it is delivered or given up: at least once.
func (s *Store) ClaimOutbox(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]OutboxEntry, error) {
	if limit <= 0 || lease <= 0 {
		return nil, fmt.Errorf("claim webhook deliveries: limit %d and lease %s must be positive: %w", limit, lease, ErrInvalidQuery)
	}
	var out []OutboxEntry
	err := s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		b, due := tx.Bucket(bucketOutbox), tx.Bucket(bucketOutboxDue)
		// Collect first: moving index entries while a cursor walks the
		// bucket would make it skip or revisit keys.
		var keys [][]byte
		c := due.Cursor()
		for k, _ := c.First(); k != nil && len(keys) < limit; k, _ = c.Next() {
			if len(k) != 8+idKeySize {
				return false, fmt.Errorf("webhook due index: corrupt key of %d bytes", len(k))
			}
			if int64(binary.BigEndian.Uint64(k)) > now.UnixNano() {
				break
			}
			keys = append(keys, append([]byte(nil), k[8:]...))
		}
		until := now.Add(lease).UTC()
		for _, key := range keys {
			e, err := loadOutbox(tx, key, true)
			if err != nil {
				return false, err
			}
			old := e.NextAttemptAt
			e.NextAttemptAt, e.Leased = until, true
			if err := putOutbox(b, due, key, &e, old); err != nil {
				return false, err
			}
			out = append(out, e)
		}
		return len(keys) > 0, nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim webhook deliveries: %w", err)
	}
	return out, nil
}

// RecordOutboxAttempt appends attempt a to entry id and sets its status:
// OutboxPending with the next attempt at next, OutboxDelivered or
// OutboxFailed. An entry already delivered stays delivered (a duplicate
// attempt after a lease ran out is recorded but changes nothing).
func (s *Store) RecordOutboxAttempt(ctx context.Context, id string, a OutboxAttempt, status OutboxStatus, next time.Time) (OutboxEntry, error) {
	switch status {
	case OutboxPending, OutboxDelivered, OutboxFailed:
	default:
		return OutboxEntry{}, fmt.Errorf("record webhook attempt: status %q: %w", status, ErrInvalidQuery)
	}
	return s.changeOutbox(ctx, "record webhook attempt", id, func(e *OutboxEntry) bool {
		e.Attempts = append(e.Attempts, a)
		e.Leased = false
		if e.Status == OutboxDelivered {
			return true
		}
		e.Status, e.NextAttemptAt = status, next.UTC()
		return true
	})
}

// ReleaseOutbox ends the lease of an entry whose attempt was abandoned
// (the process is stopping) without recording an attempt: it is due at
// now again. An entry no longer leased is left as it is.
func (s *Store) ReleaseOutbox(ctx context.Context, id string, now time.Time) error {
	_, err := s.changeOutbox(ctx, "release webhook delivery", id, func(e *OutboxEntry) bool {
		if !e.Leased || e.Status != OutboxPending {
			return false
		}
		e.Leased, e.NextAttemptAt = false, now.UTC()
		return true
	})
	return err
}

// RetryOutbox starts a new round of attempts for an entry, whatever its
// status (a replay): pending, due at now, given up only MaxAge after now.
// An entry whose attempt is in flight (leased) is left to it.
func (s *Store) RetryOutbox(ctx context.Context, id string, now time.Time) (OutboxEntry, error) {
	return s.changeOutbox(ctx, "retry webhook delivery", id, func(e *OutboxEntry) bool {
		if e.Status == OutboxPending && e.Leased && e.NextAttemptAt.After(now) {
			return false
		}
		e.Status, e.NextAttemptAt, e.RetrySince, e.Leased = OutboxPending, now.UTC(), now.UTC(), false
		return true
	})
}

// NextOutboxDue reports when the earliest pending entry is due (or its
// lease ends); ok is false when none is pending.
func (s *Store) NextOutboxDue(ctx context.Context) (at time.Time, ok bool, err error) {
	err = s.view(ctx, func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bucketOutboxDue).Cursor().First()
		if len(k) >= 8 {
			at, ok = time.Unix(0, int64(binary.BigEndian.Uint64(k))).UTC(), true
		}
		return nil
	})
	return at, ok, err
}

// changeOutbox applies fn to entry id in one transaction, keeping its due
// index in step; fn reports whether it changed the entry.
func (s *Store) changeOutbox(ctx context.Context, op, id string, fn func(*OutboxEntry) bool) (OutboxEntry, error) {
	key, err := parseOutboxID(id)
	if err != nil {
		return OutboxEntry{}, fmt.Errorf("%s %q: %w", op, truncate(id, 40), ErrNotFound)
	}
	var e OutboxEntry
	err = s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		e, err = loadOutbox(tx, key, false)
		if err != nil {
			return false, err
		}
		var old time.Time
		if e.Status == OutboxPending {
			old = e.NextAttemptAt
		}
		if !fn(&e) {
			return false, nil
		}
		return true, putOutbox(tx.Bucket(bucketOutbox), tx.Bucket(bucketOutboxDue), key, &e, old)
	})
	if err != nil {
		return OutboxEntry{}, fmt.Errorf("%s: %w", op, err)
	}
	return e, nil
}
