package store

import (
	"context"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// PendingInbox returns up to limit (1 to MaxInboxLimit; 0:
// DefaultInboxLimit) pending entries with ids above after, in id (arrival)
// order, with their bodies. Entries waiting for a retry are pending too:
// their NextAttemptAt says when.
func (s *Store) PendingInbox(ctx context.Context, after uint64, limit int) ([]InboxEntry, error) {
	limit, err := inboxLimit(limit)
	if err != nil {
		return nil, fmt.Errorf("pending webhooks: %w", err)
	}
	out := []InboxEntry{}
	if after == ^uint64(0) {
		return out, nil
	}
	err = s.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketInboxPending).Cursor()
		for k, _ := c.Seek(inboxKey(after + 1)); k != nil && len(out) < limit; k, _ = c.Next() {
			e, err := loadInbox(tx, binary.BigEndian.Uint64(k), true)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pending webhooks: %w", err)
	}
	return out, nil
}

// UpdateInbox applies fn to the entry id and stores the result, in one
// transaction, and returns it. fn sees the entry without its body (Body
// is nil and never rewritten); its changes to ID, Environment,
// Integration, DeliveryID, ReceivedAt and UpdatedAt are ignored, and a
// status must stay one of the four. An error from fn leaves the entry
// unchanged and is returned wrapped.
//
// Updates from concurrent callers share their commits, so fn may run more
// than once (on a fresh copy of the entry each time): it must only change
// the entry, not state outside it. ErrNotFound when no entry has this id.
func (s *Store) UpdateInbox(ctx context.Context, id uint64, fn func(*InboxEntry) error) (InboxEntry, error) {
	var out InboxEntry
	err := s.updateBatch(ctx, func(tx *bolt.Tx) error {
		e, err := loadInbox(tx, id, false)
		if err != nil {
			return err
		}
		old := e
		old.Header, old.Targets = nil, nil // fn's copy owns them
		if err := fn(&e); err != nil {
			return err
		}
		e.ID, e.Environment, e.Integration, e.DeliveryID, e.ReceivedAt = old.ID, old.Environment, old.Integration, old.DeliveryID, old.ReceivedAt
		e.Body, e.UpdatedAt = nil, s.now()
		if err := checkInboxStatus(e.Status, false); err != nil {
			return err
		}
		if err := putInbox(tx, &e, old.Status); err != nil {
			return err
		}
		out = e
		return nil
	})
	if err != nil {
		return InboxEntry{}, fmt.Errorf("update webhook %d: %w", id, err)
	}
	return out, nil
}
