package store

import (
	"context"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// InboxCounts is how many received webhooks stand in each unfinished
// status, across environments.
type InboxCounts struct {
	Pending      int // waiting for the dispatcher
	Parked       int // a handler kept failing; replayable
	Unattributed int // no connection matched
}

// InboxCounts counts the inbox's entries by status, for metrics. It reads
// every entry's status (not its body, which is stored apart): O(inbox
// entries), which pruning keeps bounded.
func (s *Store) InboxCounts(ctx context.Context) (InboxCounts, error) {
	var out InboxCounts
	err := s.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketInbox).ForEach(func(k, v []byte) error {
			status, err := statusOf(v)
			if err != nil {
				return fmt.Errorf("webhook %x: %w", k, err)
			}
			switch status {
			case InboxPending:
				out.Pending++
			case InboxParked:
				out.Parked++
			case InboxUnattributed:
				out.Unattributed++
			}
			return nil
		})
	})
	if err != nil {
		return InboxCounts{}, fmt.Errorf("count webhooks: %w", err)
	}
	return out, nil
}

// statusOf reads the top-level "status" of a stored entry's JSON.
func statusOf(v []byte) (string, error) {
	var e struct {
		Status string `json:"status"`
	}
	if err := json.Unmarshal(v, &e); err != nil {
		return "", fmt.Errorf("decode: %w", err)
	}
	return e.Status, nil
}
