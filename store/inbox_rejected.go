package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Limits of the record of rejected webhooks.
const (
	// MaxRejectedBody is how much of a rejected webhook's body is kept.
	MaxRejectedBody = 64 << 10
	// MaxRejectedWebhooks is how many rejected webhooks are kept: each
	// new one past it drops the oldest.
	MaxRejectedWebhooks = 10000
)

// RejectedWebhook is a webhook the receiver refused (a bad or missing
// signature), kept for operators to see why.
type RejectedWebhook struct {
	ID          uint64            `json:"id"` // set by RecordRejectedWebhook, in arrival order
	At          time.Time         `json:"at"` // default: now
	Environment string            `json:"environment"`
	Integration string            `json:"integration"`
	Reason      string            `json:"reason"`
	Header      map[string]string `json:"header,omitempty"` // as InboxEntry.Header
	Body        []byte            `json:"body,omitempty"`   // the first MaxRejectedBody bytes
	BodySize    int               `json:"body_size"`        // the whole body's; set from Body when 0
}

// RejectedQuery selects rejected webhooks of one environment, newest
// first.
type RejectedQuery struct {
	Environment string
	Integration string // "" = every integration
	Cursor      string // the NextCursor of the previous page
	Limit       int    // 1 to MaxInboxLimit; 0 = DefaultInboxLimit
}

// RejectedPage is one page of rejected webhooks.
type RejectedPage struct {
	Entries    []RejectedWebhook
	NextCursor string // "" at the end
}

// RecordRejectedWebhook keeps r (its body cut to MaxRejectedBody bytes),
// dropping the oldest record past MaxRejectedWebhooks. Concurrent calls
// share their commits.
func (s *Store) RecordRejectedWebhook(ctx context.Context, r RejectedWebhook) error {
	if err := checkKeyPart("environment", r.Environment); err != nil {
		return fmt.Errorf("record rejected webhook: %w", err)
	}
	if err := checkKeyPart("integration", r.Integration); err != nil {
		return fmt.Errorf("record rejected webhook: %w", err)
	}
	if r.BodySize == 0 {
		r.BodySize = len(r.Body)
	}
	if len(r.Body) > MaxRejectedBody {
		r.Body = r.Body[:MaxRejectedBody]
	}
	if r.At.IsZero() {
		r.At = s.now()
	}
	r.At = r.At.UTC()
	err := s.updateBatch(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketInboxRejected)
		id, err := b.NextSequence()
		if err != nil {
			return err
		}
		rec := r
		rec.ID = id
		v, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		if err := b.Put(inboxKey(id), v); err != nil {
			return err
		}
		c := b.Cursor()
		for k, _ := c.First(); k != nil && binary.BigEndian.Uint64(k)+MaxRejectedWebhooks <= id; k, _ = c.First() {
			if err := c.Delete(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record rejected webhook for %s/%s: %w", r.Environment, r.Integration, err)
	}
	return nil
}

// ListRejectedWebhooks returns the rejected webhooks q selects, newest
// first.
func (s *Store) ListRejectedWebhooks(ctx context.Context, q RejectedQuery) (RejectedPage, error) {
	if err := checkKeyPart("environment", q.Environment); err != nil {
		return RejectedPage{}, fmt.Errorf("list rejected webhooks: %w", err)
	}
	limit, err := inboxLimit(q.Limit)
	if err != nil {
		return RejectedPage{}, fmt.Errorf("list rejected webhooks: %w", err)
	}
	from, err := parseSeqCursor(q.Cursor)
	if err != nil {
		return RejectedPage{}, fmt.Errorf("list rejected webhooks: %w", err)
	}
	page := RejectedPage{Entries: []RejectedWebhook{}}
	err = s.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketInboxRejected).Cursor()
		for k, v := seekBefore(c, from); k != nil; k, v = c.Prev() {
			var r RejectedWebhook
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("rejected webhook %d: decode: %w", binary.BigEndian.Uint64(k), err)
			}
			if r.Environment != q.Environment || (q.Integration != "" && r.Integration != q.Integration) {
				continue
			}
			page.Entries = append(page.Entries, r)
			if len(page.Entries) == limit {
				page.NextCursor = strconv.FormatUint(r.ID, 10)
				break
			}
		}
		return nil
	})
	if err != nil {
		return RejectedPage{}, fmt.Errorf("list rejected webhooks: %w", err)
	}
	return page, nil
}
