package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// ErrInvalidExecution reports an execution handed to RecordExecutions
// with an unknown type or status or without an environment, or a report
// too large to cap that is not a JSON report object.
var ErrInvalidExecution = errors.New("store: invalid execution")

// maxRecordBatch bounds the executions of one RecordExecutions call.
const maxRecordBatch = 10_000

// ExecutionRecord is a finished execution and its report, for
// RecordExecutions.
type ExecutionRecord struct {
	Execution Execution
	Report    json.RawMessage // nil: none
}

// RecordExecutions stores finished executions — proxy calls, actions,
// auth events gathered by an asynchronous writer — in one transaction and
// returns their ids, in order. Ids given in the executions are ignored.
// Reports are capped as capReport says. Every execution is checked before
// anything is written; at most 10,000 per call.
func (s *Store) RecordExecutions(ctx context.Context, records []ExecutionRecord) ([]uint64, error) {
	if len(records) == 0 {
		return nil, ctx.Err()
	}
	if len(records) > maxRecordBatch {
		return nil, fmt.Errorf("record executions: %d executions, at most %d: %w", len(records), maxRecordBatch, ErrInvalidExecution)
	}
	reports := make([]json.RawMessage, len(records))
	for i, r := range records {
		e := r.Execution
		switch {
		case e.Environment == "":
			return nil, fmt.Errorf("record executions: execution %d: no environment: %w", i, ErrInvalidExecution)
		case !ValidExecutionType(e.Type):
			return nil, fmt.Errorf("record executions: execution %d: unknown type %q: %w", i, truncate(e.Type, 64), ErrInvalidExecution)
		case !ValidExecutionStatus(e.Status):
			return nil, fmt.Errorf("record executions: execution %d: unknown status %q: %w", i, truncate(e.Status, 64), ErrInvalidExecution)
		}
		rep, err := capReport(r.Report)
		if err != nil {
			return nil, fmt.Errorf("record executions: execution %d: %w", i, err)
		}
		reports[i] = rep
	}
	ids := make([]uint64, len(records))
	err := s.update(ctx, func(tx *bolt.Tx) (bool, error) {
		x, err := openExecutions(tx)
		if err != nil {
			return false, err
		}
		return true, x.insert(records, reports, ids)
	})
	if err != nil {
		return nil, fmt.Errorf("record executions: %w", err)
	}
	return ids, nil
}
