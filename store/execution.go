package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Executions live under "executions": "summary" and "report" map an
// execution id (8 bytes, big-endian, from the bucket's sequence: ids grow
// with time) to JSON. Summaries are small, so that listing them stays
// cheap; reports (log lines, upstream calls) are read one at a time.
var (
	bucketSummary = []byte("summary")
	bucketReport  = []byte("report")
)

// Execution statuses.
const (
	ExecutionRunning = "running"
	ExecutionSuccess = "success"
	ExecutionFailed  = "failed"
)

// Execution is one run of a function: what started it, how it ended and
// what it changed.
type Execution struct {
	ID           uint64                 `json:"id"`
	Type         string                 `json:"type"` // sync, action, webhook…
	Environment  string                 `json:"environment"`
	Integration  string                 `json:"provider_config_key"`
	ConnectionID string                 `json:"connection_id"`
	Function     string                 `json:"function"`
	Trigger      string                 `json:"trigger"` // schedule, manual, initial, resume…
	Status       string                 `json:"status"`  // running, success or failed
	StartedAt    time.Time              `json:"started_at"`
	EndedAt      time.Time              `json:"ended_at,omitzero"`
	Records      map[string]ModelCounts `json:"records,omitempty"`
	Error        *RunError              `json:"error,omitempty"`
}

// ExecutionQuery selects executions, newest first.
type ExecutionQuery struct {
	Environment  string
	Integration  string // "" = all
	ConnectionID string // "" = all
	Function     string // "" = all
	Status       string // "" = all
	Before       uint64 // 0 = from the newest; else ids below it (paging)
	Limit        int    // 0 → 100; at most 1000
}

// CreateExecution stores a new execution and returns it with its id.
func (s *Store) CreateExecution(ctx context.Context, e Execution) (Execution, error) {
	err := s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		b := tx.Bucket(bucketExecutions)
		id, err := b.NextSequence()
		if err != nil {
			return false, err
		}
		e.ID = id
		return true, putJSON(b.Bucket(bucketSummary), executionKey(id), e)
	})
	if err != nil {
		return Execution{}, fmt.Errorf("create execution: %w", err)
	}
	return e, nil
}

// FinishExecution replaces an execution's summary and stores its report
// (any JSON: log lines, upstream calls) in one transaction.
func (s *Store) FinishExecution(ctx context.Context, e Execution, report json.RawMessage) error {
	err := s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		b := tx.Bucket(bucketExecutions)
		key := executionKey(e.ID)
		if b.Bucket(bucketSummary).Get(key) == nil {
			return false, fmt.Errorf("execution %d: %w", e.ID, ErrNotFound)
		}
		if err := putJSON(b.Bucket(bucketSummary), key, e); err != nil {
			return false, err
		}
		if len(report) == 0 {
			return true, nil
		}
		return true, b.Bucket(bucketReport).Put(key, report)
	})
	if err != nil {
		return fmt.Errorf("finish execution %d: %w", e.ID, err)
	}
	return nil
}

// Execution returns one execution and its report (nil if it has none).
func (s *Store) Execution(ctx context.Context, id uint64) (Execution, json.RawMessage, error) {
	var (
		e      Execution
		report json.RawMessage
	)
	err := s.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketExecutions)
		key := executionKey(id)
		v := b.Bucket(bucketSummary).Get(key)
		if v == nil {
			return fmt.Errorf("execution %d: %w", id, ErrNotFound)
		}
		if r := b.Bucket(bucketReport).Get(key); r != nil {
			report = slices.Clone(r)
		}
		return json.Unmarshal(v, &e)
	})
	if err != nil {
		return Execution{}, nil, fmt.Errorf("get execution: %w", err)
	}
	return e, report, nil
}

// ListExecutions returns the executions q selects, newest first.
func (s *Store) ListExecutions(ctx context.Context, q ExecutionQuery) ([]Execution, error) {
	switch {
	case q.Limit == 0:
		q.Limit = 100
	case q.Limit < 0 || q.Limit > 1000:
		return nil, fmt.Errorf("list executions: limit %d is outside 1..1000: %w", q.Limit, ErrInvalidQuery)
	}
	out := []Execution{}
	err := s.view(ctx, func(tx *bolt.Tx) error {
		cur := tx.Bucket(bucketExecutions).Bucket(bucketSummary).Cursor()
		var k, v []byte
		if q.Before == 0 {
			k, v = cur.Last()
		} else {
			cur.Seek(executionKey(q.Before))
			k, v = cur.Prev()
		}
		for ; k != nil && len(out) < q.Limit; k, v = cur.Prev() {
			var e Execution
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("execution %d: decode: %w", binary.BigEndian.Uint64(k), err)
			}
			if q.matches(e) {
				out = append(out, e)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list executions: %w", err)
	}
	return out, nil
}

func (q ExecutionQuery) matches(e Execution) bool {
	return (q.Environment == "" || e.Environment == q.Environment) &&
		(q.Integration == "" || e.Integration == q.Integration) &&
		(q.ConnectionID == "" || e.ConnectionID == q.ConnectionID) &&
		(q.Function == "" || e.Function == q.Function) &&
		(q.Status == "" || e.Status == q.Status)
}

// PruneExecutions deletes the executions that started before cutoff,
// oldest first, at most limit of them, and reports how many it deleted.
// Running executions are kept.
func (s *Store) PruneExecutions(ctx context.Context, cutoff time.Time, limit int) (int, error) {
	n := 0
	err := s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		b := tx.Bucket(bucketExecutions)
		summaries, reports := b.Bucket(bucketSummary), b.Bucket(bucketReport)
		var doomed [][]byte
		cur := summaries.Cursor()
		for k, v := cur.First(); k != nil && len(doomed) < limit; k, v = cur.Next() {
			var e Execution
			if err := json.Unmarshal(v, &e); err != nil {
				return false, fmt.Errorf("execution %d: decode: %w", binary.BigEndian.Uint64(k), err)
			}
			if !e.StartedAt.Before(cutoff) {
				break
			}
			if e.Status != ExecutionRunning {
				doomed = append(doomed, slices.Clone(k))
			}
		}
		for _, k := range doomed {
			if err := summaries.Delete(k); err != nil {
				return false, err
			}
			if err := reports.Delete(k); err != nil {
				return false, err
			}
		}
		n = len(doomed)
		return n > 0, nil
	})
	if err != nil {
		return 0, fmt.Errorf("prune executions: %w", err)
	}
	return n, nil
}

func executionKey(id uint64) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), id)
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, raw)
}
