package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Executions — the operations log — live under "executions": "summary"
// and "report" map an execution id (8 bytes, big-endian, from the bucket's
// sequence: ids grow with time) to JSON. Summaries are small, so that
// listing them stays cheap; reports (log lines, upstream calls) are read
// one at a time. Index buckets beside them (execution_index.go) keep
// filtered listings fast.
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

// Execution (operation) types.
const (
	ExecutionTypeSync    = "sync"
	ExecutionTypeWebhook = "webhook"
	ExecutionTypeAction  = "action"
	ExecutionTypeProxy   = "proxy"
	ExecutionTypeAuth    = "auth"
)

// ValidExecutionType reports whether t is one of the execution types.
func ValidExecutionType(t string) bool {
	switch t {
	case ExecutionTypeSync, ExecutionTypeWebhook, ExecutionTypeAction, ExecutionTypeProxy, ExecutionTypeAuth:
		return true
	}
	return false
}

// ValidExecutionStatus reports whether s is one of the execution statuses.
func ValidExecutionStatus(s string) bool {
	return s == ExecutionRunning || s == ExecutionSuccess || s == ExecutionFailed
}

// Execution is one run of a function: what started it, how it ended and
// what it changed.
type Execution struct {
	ID           uint64                 `json:"id"`
	Type         string                 `json:"type"` // sync, webhook, action, proxy or auth
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

// ExecutionQuery selects executions, newest first. Every filter applies;
// ListExecutions walks the most selective index the query allows.
type ExecutionQuery struct {
	Environment  string    // "" = all (and no index is used)
	Integration  string    // "" = all
	ConnectionID string    // "" = all
	Function     string    // "" = all
	Type         string    // "" = all
	Status       string    // "" = all
	From         time.Time // zero = no bound; else started at or after it
	To           time.Time // zero = no bound; else started before it
	Before       uint64    // 0 = from the newest; else ids below it (paging)
	Limit        int       // 0 → 100; at most 1000
}

// CreateExecution stores a new execution and returns it with its id.
func (s *Store) CreateExecution(ctx context.Context, e Execution) (Execution, error) {
	err := s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		x, err := openExecutions(tx)
		if err != nil {
			return false, err
		}
		ids := []uint64{0}
		err = x.insert([]ExecutionRecord{{Execution: e}}, make([]json.RawMessage, 1), ids)
		e.ID = ids[0]
		return err == nil, err
	})
	if err != nil {
		return Execution{}, fmt.Errorf("create execution: %w", err)
	}
	return e, nil
}

// FinishExecution replaces an execution's summary and stores its report
// (JSON: log lines, upstream calls; capped as capReport says) in one
// transaction.
func (s *Store) FinishExecution(ctx context.Context, e Execution, report json.RawMessage) error {
	report, err := capReport(report)
	if err != nil {
		return fmt.Errorf("finish execution %d: %w", e.ID, err)
	}
	err = s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		x, err := openExecutions(tx)
		if err != nil {
			return false, err
		}
		return true, x.replace(e, report)
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

// ListExecutions returns the executions q selects, newest first: at most
// q.Limit of them, with ids below q.Before. It walks one index — by
// connection, else function, else integration, else type, else every
// execution — and checks every other filter on the summaries; a time
// range bounds the ids it walks.
func (s *Store) ListExecutions(ctx context.Context, q ExecutionQuery) ([]Execution, error) {
	switch {
	case q.Limit == 0:
		q.Limit = 100
	case q.Limit < 0 || q.Limit > 1000:
		return nil, fmt.Errorf("list executions: limit %d is outside 1..1000: %w", q.Limit, ErrInvalidQuery)
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		return nil, fmt.Errorf("list executions: from %s is not before to %s: %w", q.From.Format(time.RFC3339Nano), q.To.Format(time.RFC3339Nano), ErrInvalidQuery)
	}
	var out []Execution
	list := func(tx *bolt.Tx) (err error) {
		out, err = listExecutions(tx, q)
		return err
	}
	err := s.view(ctx, list)
	if errors.Is(err, errNoIndexes) { // a store written before the indexes
		err = s.update(ctx, func(tx *bolt.Tx) (bool, error) {
			if _, err := openExecutions(tx); err != nil {
				return false, err
			}
			return true, list(tx)
		})
	}
	if err != nil {
		return nil, fmt.Errorf("list executions: %w", err)
	}
	return out, nil
}

// ExecutionSummary returns one execution without its report.
func (s *Store) ExecutionSummary(ctx context.Context, id uint64) (Execution, error) {
	var e Execution
	err := s.view(ctx, func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketExecutions).Bucket(bucketSummary).Get(executionKey(id))
		if v == nil {
			return fmt.Errorf("execution %d: %w", id, ErrNotFound)
		}
		return json.Unmarshal(v, &e)
	})
	if err != nil {
		return Execution{}, fmt.Errorf("get execution: %w", err)
	}
	return e, nil
}

func (q ExecutionQuery) matches(e Execution) bool {
	return (q.Environment == "" || e.Environment == q.Environment) &&
		(q.Integration == "" || e.Integration == q.Integration) &&
		(q.ConnectionID == "" || e.ConnectionID == q.ConnectionID) &&
		(q.Function == "" || e.Function == q.Function) &&
		(q.Type == "" || e.Type == q.Type) &&
		(q.Status == "" || e.Status == q.Status) &&
		(q.From.IsZero() || !e.StartedAt.Before(q.From)) &&
		(q.To.IsZero() || e.StartedAt.Before(q.To))
}

// PruneExecutions deletes the executions that started before cutoff,
// oldest first, at most limit of them, and reports how many it deleted.
// Running executions are kept.
func (s *Store) PruneExecutions(ctx context.Context, cutoff time.Time, limit int) (int, error) {
	n := 0
	err := s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		x, err := openExecutions(tx)
		if err != nil {
			return false, err
		}
		var doomed []Execution
		cur := x.summaries.Cursor()
		for k, v := cur.First(); k != nil && len(doomed) < limit; k, v = cur.Next() {
			var e Execution
			if err := json.Unmarshal(v, &e); err != nil {
				return false, fmt.Errorf("execution %d: decode: %w", binary.BigEndian.Uint64(k), err)
			}
			if !e.StartedAt.Before(cutoff) {
				break
			}
			if e.Status != ExecutionRunning {
				doomed = append(doomed, e)
			}
		}
		if err := x.delete(doomed); err != nil {
			return false, err
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
