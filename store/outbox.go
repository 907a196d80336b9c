package store

import (
	"bytes"
	"context"
	"encoding/base32"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The webhook outbox: one entry per (message, destination URL).
//
//	outbox         id key → entry JSON (everything but the body)
//	outbox_bodies  id key → the body's exact bytes (written once)
//	outbox_due     next attempt (8 bytes, Unix nanoseconds) | id key → empty,
//	               for pending entries only
//
// An id key is the creation time (8 bytes, Unix nanoseconds) followed by a
// sequence number (8 bytes), so keys sort by creation and never repeat.
var (
	bucketOutbox       = []byte("outbox")
	bucketOutboxBodies = []byte("outbox_bodies")
	bucketOutboxDue    = []byte("outbox_due")
)

// OutboxStatus is where a delivery stands.
type OutboxStatus string

// Delivery statuses.
const (
	OutboxPending   OutboxStatus = "pending"   // waiting for its next attempt
	OutboxDelivered OutboxStatus = "delivered" // a 2xx answer was received
	OutboxFailed    OutboxStatus = "failed"    // given up; kept and replayable
)

// outboxIDPrefix starts every outbox id, as Standard Webhooks' examples do.
const outboxIDPrefix = "msg_"

// idKeySize is the size of an outbox id key.
const idKeySize = 16

// outboxIDEncoding keeps the byte order of id keys in their text form.
var outboxIDEncoding = base32.HexEncoding.WithPadding(base32.NoPadding)

// OutboxMessage is one webhook to deliver; EnqueueOutbox resolves its
// destination URLs.
type OutboxMessage struct {
	Environment       string
	ProviderConfigKey string // optional
	ConnectionID      string // optional; with ProviderConfigKey, its override URL applies
	Type              string // sync, auth, forward…
	Body              []byte // the exact bytes to POST
	CreatedAt         time.Time
}

// OutboxAttempt is one delivery attempt.
type OutboxAttempt struct {
	At         time.Time     `json:"at"`
	StatusCode int           `json:"status_code,omitempty"` // 0: no HTTP answer
	Error      string        `json:"error,omitempty"`       // why it failed, when it did
	Response   string        `json:"response,omitempty"`    // the start of a failed answer's body
	Duration   time.Duration `json:"duration"`
}

// OutboxEntry is one delivery of a message to one URL.
type OutboxEntry struct {
	ID                string          `json:"id"`
	CreatedAt         time.Time       `json:"created_at"`
	Environment       string          `json:"environment"`
	ProviderConfigKey string          `json:"provider_config_key,omitempty"`
	ConnectionID      string          `json:"connection_id,omitempty"`
	Type              string          `json:"type"`
	URL               string          `json:"url"`
	Status            OutboxStatus    `json:"status"`
	Attempts          []OutboxAttempt `json:"attempts,omitempty"`
	// NextAttemptAt is when a pending entry is due (or, while an attempt
	// holds it, when its lease ends); zero otherwise.
	NextAttemptAt time.Time `json:"next_attempt_at,omitzero"`
	// RetrySince starts the current round of attempts: the creation, or
	// the last RetryOutbox. Giving up is measured from it.
	RetrySince time.Time `json:"retry_since"`
	// Leased is set by ClaimOutbox and cleared when the attempt's result
	// is recorded or released.
	Leased bool   `json:"leased,omitempty"`
	Body   []byte `json:"-"` // kept apart, written once
}

// EnqueueOutbox stores one pending entry per destination URL of each
// message, all in one transaction, due at once. A message's URLs are its
// connection's override when one is set, else its environment's webhook
// URLs. out[i] are message i's entries: none when it has no URL.
func (s *Store) EnqueueOutbox(ctx context.Context, msgs []OutboxMessage) ([][]OutboxEntry, error) {
	for i, m := range msgs {
		if err := checkKeyPart("environment", m.Environment); err != nil {
			return nil, fmt.Errorf("enqueue webhook %d: %w", i, err)
		}
		if len(m.Body) == 0 {
			return nil, fmt.Errorf("enqueue webhook %d: empty body: %w", i, ErrInvalidWebhook)
		}
	}
	out := make([][]OutboxEntry, len(msgs))
	err := s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		b, bodies, due := tx.Bucket(bucketOutbox), tx.Bucket(bucketOutboxBodies), tx.Bucket(bucketOutboxDue)
		changed := false
		envURLs := map[string][]string{} // per environment, decoded once
		for i, m := range msgs {
			urls, err := webhookURLs(tx, m, envURLs)
			if err != nil {
				return false, err
			}
			created := m.CreatedAt.UTC()
			if m.CreatedAt.IsZero() {
				created = s.now()
			}
			for _, u := range urls {
				seq, err := b.NextSequence()
				if err != nil {
					return false, err
				}
				key := outboxKey(created, seq)
				e := OutboxEntry{
					ID: formatOutboxID(key), CreatedAt: created, Environment: m.Environment,
					ProviderConfigKey: m.ProviderConfigKey, ConnectionID: m.ConnectionID, Type: m.Type,
					URL: u, Status: OutboxPending, NextAttemptAt: created, RetrySince: created,
				}
				if err := putOutbox(b, due, key, &e, time.Time{}); err != nil {
					return false, err
				}
				if err := bodies.Put(key, m.Body); err != nil {
					return false, err
				}
				e.Body = m.Body
				out[i] = append(out[i], e)
				changed = true
			}
		}
		return changed, nil
	})
	if err != nil {
		return nil, fmt.Errorf("enqueue webhooks: %w", err)
	}
	return out, nil
}

// GetOutbox returns one entry with its body, or ErrNotFound (also for an
// id the store did not hand out).
func (s *Store) GetOutbox(ctx context.Context, id string) (OutboxEntry, error) {
	key, err := parseOutboxID(id)
	if err != nil {
		return OutboxEntry{}, fmt.Errorf("get webhook delivery %q: %w", truncate(id, 40), ErrNotFound)
	}
	var e OutboxEntry
	err = s.view(ctx, func(tx *bolt.Tx) error {
		e, err = loadOutbox(tx, key, true)
		return err
	})
	if err != nil {
		return OutboxEntry{}, fmt.Errorf("get webhook delivery: %w", err)
	}
	return e, nil
}

func outboxKey(created time.Time, seq uint64) []byte {
	k := make([]byte, idKeySize)
	binary.BigEndian.PutUint64(k, uint64(created.UnixNano()))
	binary.BigEndian.PutUint64(k[8:], seq)
	return k
}

func formatOutboxID(key []byte) string {
	return outboxIDPrefix + strings.ToLower(outboxIDEncoding.EncodeToString(key))
}

// parseOutboxID returns the key of an id formatOutboxID made.
func parseOutboxID(id string) ([]byte, error) {
	rest, ok := strings.CutPrefix(id, outboxIDPrefix)
	if !ok || rest != strings.ToLower(rest) {
		return nil, fmt.Errorf("not an outbox id")
	}
	key, err := outboxIDEncoding.DecodeString(strings.ToUpper(rest))
	if err != nil || len(key) != idKeySize || formatOutboxID(key) != id {
		return nil, fmt.Errorf("not an outbox id")
	}
	return key, nil
}

// dueKey is the index key of an entry due at t.
func dueKey(t time.Time, key []byte) []byte {
	k := make([]byte, 8, 8+idKeySize)
	binary.BigEndian.PutUint64(k, uint64(t.UnixNano()))
	return append(k, key...)
}

// putOutbox writes e and moves its due index entry: from oldDue (zero:
// none) to e.NextAttemptAt when e is pending.
func putOutbox(b, due *bolt.Bucket, key []byte, e *OutboxEntry, oldDue time.Time) error {
	if !oldDue.IsZero() {
		if err := due.Delete(dueKey(oldDue, key)); err != nil {
			return err
		}
	}
	if e.Status != OutboxPending {
		e.NextAttemptAt = time.Time{}
		e.Leased = false
	} else if err := due.Put(dueKey(e.NextAttemptAt, key), nil); err != nil {
		return err
	}
	v, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("webhook delivery %s: encode: %w", e.ID, err)
	}
	return b.Put(key, v)
}

// loadOutbox decodes the entry at key, with its body when asked.
func loadOutbox(tx *bolt.Tx, key []byte, withBody bool) (OutboxEntry, error) {
	v := tx.Bucket(bucketOutbox).Get(key)
	if v == nil {
		return OutboxEntry{}, fmt.Errorf("webhook delivery %s: %w", formatOutboxID(key), ErrNotFound)
	}
	return decodeOutbox(tx, key, v, withBody)
}

func decodeOutbox(tx *bolt.Tx, key, v []byte, withBody bool) (OutboxEntry, error) {
	var e OutboxEntry
	if err := json.Unmarshal(v, &e); err != nil {
		return OutboxEntry{}, fmt.Errorf("webhook delivery %s: decode: %w", formatOutboxID(key), err)
	}
	if withBody {
		e.Body = bytes.Clone(tx.Bucket(bucketOutboxBodies).Get(key))
	}
	return e, nil
}
