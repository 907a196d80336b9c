package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The webhook inbox: every webhook the receiver accepted, durable before
// it answers, until the dispatcher has handled it.
//
//	inbox             id (8 bytes) → entry JSON (everything but the body)
//	inbox_bodies      id → the raw body, written once
//	inbox_pending     id → empty, for pending entries only (PendingInbox)
//	inbox_dedupe      environment \0 integration \0 delivery id →
//	                  expiry (8 bytes, Unix ns) | id of the first delivery
//	inbox_dedupe_exp  expiry | dedupe key → empty (PruneInbox)
//	inbox_rejected    sequence (8 bytes) → RejectedWebhook JSON
//
// Ids come from the inbox bucket's sequence: they grow in commit order, so
// a reader paging with PendingInbox(after) never skips an entry committed
// later.
var (
	bucketInbox          = []byte("inbox")
	bucketInboxBodies    = []byte("inbox_bodies")
	bucketInboxPending   = []byte("inbox_pending")
	bucketInboxDedupe    = []byte("inbox_dedupe")
	bucketInboxDedupeExp = []byte("inbox_dedupe_exp")
	bucketInboxRejected  = []byte("inbox_rejected")
)

// Inbox entry statuses.
const (
	InboxPending      = "pending"      // waiting for the dispatcher (or one of its retries)
	InboxProcessed    = "processed"    // handled for every target
	InboxParked       = "parked"       // a target's handler kept failing; replayable
	InboxUnattributed = "unattributed" // no connection matched
)

// MaxInboxBody is the largest webhook body the inbox keeps (the
// receiver answers 413 above it).
const MaxInboxBody = 4 << 20

// DefaultDedupeWindow is how long a delivery id is remembered when
// AppendInbox is given no window.
const DefaultDedupeWindow = 7 * 24 * time.Hour

// InboxEntry is one received webhook.
type InboxEntry struct {
	ID          uint64    `json:"-"` // arrival order, from the bucket's sequence (the key)
	Environment string    `json:"environment"`
	Integration string    `json:"integration"` // the integration's unique key (provider config key)
	DeliveryID  string    `json:"delivery_id"`
	EventType   string    `json:"event_type,omitempty"`
	ReceivedAt  time.Time `json:"received_at"`
	// Header holds the request headers kept (lower-case names; no
	// Authorization or Cookie: see webhooks.KeepHeaders).
	Header  map[string]string `json:"header,omitempty"`
	Body    []byte            `json:"-"` // the raw body, stored apart
	Status  string            `json:"status"`
	Targets []InboxTarget     `json:"targets,omitempty"` // per connection, filled by the dispatcher
	// Attempts, NextAttemptAt and LastError are the dispatcher's, for the
	// event as a whole (attribution).
	Attempts      int       `json:"attempts,omitempty"`
	NextAttemptAt time.Time `json:"next_attempt_at,omitzero"`
	LastError     string    `json:"last_error,omitempty"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// InboxTarget is how one entry stands for one connection it was
// attributed to.
type InboxTarget struct {
	ConnectionID  string    `json:"connection_id"`
	Status        string    `json:"status"` // the dispatcher's: pending, done, retrying, parked
	Attempts      int       `json:"attempts,omitempty"`
	NextAttemptAt time.Time `json:"next_attempt_at,omitzero"`
	LastError     string    `json:"last_error,omitempty"`
	// Events are the indexes of the payload's events attributed to the
	// connection, when the payload carries several (webhooks.Events);
	// empty: the whole payload.
	Events []int `json:"events,omitempty"`
}

// AppendInbox stores e as a new pending entry (its ID, UpdatedAt and,
// when zero, ReceivedAt and Status are set here) and returns it, unless
// the same DeliveryID reached the same environment and integration less
// than dedupeWindow ago (0: DefaultDedupeWindow): then it stores nothing
// and returns the first delivery's entry (only its ID and names when that
// entry was pruned since) with duplicate set. The check and the write are
// one transaction, which is committed (fsynced) when AppendInbox returns;
// concurrent calls share their commits.
func (s *Store) AppendInbox(ctx context.Context, e InboxEntry, dedupeWindow time.Duration) (stored InboxEntry, duplicate bool, err error) {
	if err := checkInboxEntry(&e); err != nil {
		return InboxEntry{}, false, fmt.Errorf("append webhook: %w", err)
	}
	if dedupeWindow <= 0 {
		dedupeWindow = DefaultDedupeWindow
	}
	now := s.now()
	if e.ReceivedAt.IsZero() {
		e.ReceivedAt = now
	}
	e.ReceivedAt, e.UpdatedAt = e.ReceivedAt.UTC(), now
	if e.Status == "" {
		e.Status = InboxPending
	}
	dk := dedupeKey(e.Environment, e.Integration, e.DeliveryID)
	expires := e.ReceivedAt.Add(dedupeWindow)
	// Encoded before the transaction (the id is the key, not in the
	// value): the commits are serialised, the encoding need not be.
	value, err := json.Marshal(e)
	if err != nil {
		return InboxEntry{}, false, fmt.Errorf("append webhook: encode: %w", err)
	}
	err = s.updateBatch(ctx, func(tx *bolt.Tx) error {
		stored, duplicate = e, false // this function may run again
		dedupe := tx.Bucket(bucketInboxDedupe)
		old := bytes.Clone(dedupe.Get(dk)) // kept across writes
		if len(old) == 16 && int64(binary.BigEndian.Uint64(old)) > e.ReceivedAt.UnixNano() {
			duplicate = true
			id := binary.BigEndian.Uint64(old[8:])
			first, err := loadInbox(tx, id, false)
			if err != nil { // pruned since
				first = InboxEntry{ID: id, Environment: e.Environment, Integration: e.Integration, DeliveryID: e.DeliveryID}
			}
			stored = first
			return nil
		}
		id, err := tx.Bucket(bucketInbox).NextSequence()
		if err != nil {
			return err
		}
		stored.ID = id
		key := inboxKey(id)
		if err := tx.Bucket(bucketInbox).Put(key, value); err != nil {
			return err
		}
		if err := tx.Bucket(bucketInboxBodies).Put(key, e.Body); err != nil {
			return err
		}
		if e.Status == InboxPending {
			if err := tx.Bucket(bucketInboxPending).Put(key, nil); err != nil {
				return err
			}
		}
		if len(old) == 16 { // an expired key of an earlier delivery: its index entry goes
			if err := tx.Bucket(bucketInboxDedupeExp).Delete(dedupeExpKey(old[:8], dk)); err != nil {
				return err
			}
		}
		v := make([]byte, 16)
		binary.BigEndian.PutUint64(v, uint64(expires.UnixNano()))
		binary.BigEndian.PutUint64(v[8:], id)
		if err := dedupe.Put(dk, v); err != nil {
			return err
		}
		return tx.Bucket(bucketInboxDedupeExp).Put(dedupeExpKey(v[:8], dk), nil)
	})
	if err != nil {
		return InboxEntry{}, false, fmt.Errorf("append webhook for %s/%s: %w", e.Environment, e.Integration, err)
	}
	return stored, duplicate, nil
}

// GetInbox returns one entry with its body, or ErrNotFound.
func (s *Store) GetInbox(ctx context.Context, id uint64) (InboxEntry, error) {
	var e InboxEntry
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var err error
		e, err = loadInbox(tx, id, true)
		return err
	})
	if err != nil {
		return InboxEntry{}, fmt.Errorf("get webhook: %w", err)
	}
	return e, nil
}

func checkInboxEntry(e *InboxEntry) error {
	if err := checkKeyPart("environment", e.Environment); err != nil {
		return err
	}
	if err := checkKeyPart("integration", e.Integration); err != nil {
		return err
	}
	if err := checkKeyPart("delivery id", e.DeliveryID); err != nil {
		return err
	}
	if len(e.Body) > MaxInboxBody {
		return fmt.Errorf("a body of %d bytes is over the %d-byte limit: %w", len(e.Body), MaxInboxBody, ErrInvalidWebhook)
	}
	return checkInboxStatus(e.Status, true)
}

func checkInboxStatus(status string, emptyOK bool) error {
	switch status {
	case InboxPending, InboxProcessed, InboxParked, InboxUnattributed:
		return nil
	case "":
		if emptyOK {
			return nil
		}
	}
	return fmt.Errorf("status %q: want pending, processed, parked or unattributed: %w", status, ErrInvalidWebhook)
}
