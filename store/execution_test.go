package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestExecutions(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var ids []uint64
	for i := range 5 {
		e, err := s.CreateExecution(ctx, Execution{
			Type: "sync", Environment: "dev", Integration: "github", ConnectionID: fmt.Sprintf("c%d", i%2),
			Function: "issues", Trigger: "manual", Status: ExecutionRunning, StartedAt: start.Add(time.Duration(i) * time.Hour),
		})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	if ids[0] == 0 || ids[4] <= ids[3] {
		t.Fatalf("ids are not increasing: %v", ids)
	}
	done, _, err := s.Execution(ctx, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	done.Status, done.EndedAt = ExecutionFailed, done.StartedAt.Add(time.Minute)
	done.Error = &RunError{Type: "timeout", Message: "too slow"}
	done.Records = map[string]ModelCounts{"Issue": {Added: 2}}
	report := json.RawMessage(`{"logs":[{"message":"hi"}]}`)
	if err := s.FinishExecution(ctx, done, report); err != nil {
		t.Fatal(err)
	}
	got, gotReport, err := s.Execution(ctx, ids[1])
	if err != nil || got.Status != ExecutionFailed || got.Error.Type != "timeout" || got.Records["Issue"].Added != 2 || string(gotReport) != string(report) {
		t.Fatalf("finished execution: %+v %s %v", got, gotReport, err)
	}

	for _, tc := range []struct {
		name string
		q    ExecutionQuery
		want []uint64
	}{
		{"all, newest first", ExecutionQuery{}, []uint64{ids[4], ids[3], ids[2], ids[1], ids[0]}},
		{"by connection", ExecutionQuery{ConnectionID: "c1"}, []uint64{ids[3], ids[1]}},
		{"by status", ExecutionQuery{Status: ExecutionFailed}, []uint64{ids[1]}},
		{"paged", ExecutionQuery{Before: ids[3], Limit: 2}, []uint64{ids[2], ids[1]}},
		{"other environment", ExecutionQuery{Environment: "prod"}, nil},
		{"other function", ExecutionQuery{Function: "prs"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			list, err := s.ListExecutions(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			var gotIDs []uint64
			for _, e := range list {
				gotIDs = append(gotIDs, e.ID)
			}
			if fmt.Sprint(gotIDs) != fmt.Sprint(tc.want) {
				t.Fatalf("got %v, want %v", gotIDs, tc.want)
			}
		})
	}

	// Pruning keeps running executions and those after the cutoff.
	n, err := s.PruneExecutions(ctx, start.Add(150*time.Minute), 100)
	if err != nil || n != 1 {
		t.Fatalf("prune: %d %v", n, err)
	}
	if _, _, err := s.Execution(ctx, ids[1]); !errors.Is(err, ErrNotFound) {
		t.Fatalf("pruned execution: %v", err)
	}
	if _, _, err := s.Execution(ctx, ids[0]); err != nil {
		t.Fatalf("a running execution was pruned: %v", err)
	}
}

func TestExecutionsInvalid(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	if _, err := s.ListExecutions(ctx, ExecutionQuery{Limit: 1001}); !errors.Is(err, ErrInvalidQuery) {
		t.Errorf("limit 1001: %v", err)
	}
	if _, err := s.ListExecutions(ctx, ExecutionQuery{Limit: -1}); !errors.Is(err, ErrInvalidQuery) {
		t.Errorf("limit -1: %v", err)
	}
	if err := s.FinishExecution(ctx, Execution{ID: 42}, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("finish an unknown execution: %v", err)
	}
	if _, _, err := s.Execution(ctx, 42); !errors.Is(err, ErrNotFound) {
		t.Errorf("get an unknown execution: %v", err)
	}
}
