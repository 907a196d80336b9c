package store

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// OutboxCounts is how many webhook deliveries are not delivered, across
// environments.
type OutboxCounts struct {
	Pending int // waiting for their next attempt
	Failed  int // given up; replayable
}

// OutboxCounts counts the outbox's undelivered entries, for metrics. It
// reads every entry's status (not its body, which is stored apart):
// O(outbox entries), which pruning keeps bounded.
func (s *Store) OutboxCounts(ctx context.Context) (OutboxCounts, error) {
	var out OutboxCounts
	err := s.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
			status, err := statusOf(v)
			if err != nil {
				return fmt.Errorf("delivery %x: %w", k, err)
			}
			switch OutboxStatus(status) {
			case OutboxPending:
				out.Pending++
			case OutboxFailed:
				out.Failed++
			}
			return nil
		})
	})
	if err != nil {
		return OutboxCounts{}, fmt.Errorf("count deliveries: %w", err)
	}
	return out, nil
}
