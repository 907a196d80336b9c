package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkListExecutions1M lists operations out of 1,000,000 stored ones
// (100 per connection over 10,000 connections, five types, recorded with
// RecordExecutions in batches of 10,000 with NoSync): one connection's
// newest 100, one type's newest 100, a type's 100 within an hour a week
// back, and the failed ones (one in 1,000).
func BenchmarkListExecutions1M(b *testing.B) {
	if testing.Short() {
		b.Skip("1M operations: not in -short")
	}
	const (
		total       = 1_000_000
		connections = 10_000
		batch       = 10_000
	)
	ctx := context.Background()
	s, err := Open(filepath.Join(b.TempDir(), "ops.db"), Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	// One operation every 0.6 s: a week of them.
	start := time.Now().UTC().Add(-7 * 24 * time.Hour)
	step := 7 * 24 * time.Hour / total
	began := time.Now()
	recs := make([]ExecutionRecord, batch)
	for i := 0; i < total; i += batch {
		for j := range recs {
			n := i + j
			at := start.Add(time.Duration(n) * step)
			recs[j] = ExecutionRecord{Execution: Execution{
				Type: opsTypes[n%5], Environment: "prod", Integration: fmt.Sprintf("integration-%d", n%20),
				ConnectionID: fmt.Sprintf("connection-%05d", n%connections), Function: fmt.Sprintf("function-%d", n%50),
				Trigger: "schedule", Status: ExecutionSuccess, StartedAt: at, EndedAt: at.Add(300 * time.Millisecond),
			}}
			if n%1000 == 0 {
				recs[j].Execution.Status = ExecutionFailed
				recs[j].Execution.Error = &RunError{Type: "function", Message: "upstream 500"}
			}
		}
		if _, err := s.RecordExecutions(ctx, recs); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("recorded %d operations in %s", total, time.Since(began).Round(time.Millisecond))

	for _, tc := range []struct {
		name string
		q    ExecutionQuery
	}{
		{"connection", ExecutionQuery{Environment: "prod", ConnectionID: "connection-04242"}},
		{"connection+integration", ExecutionQuery{Environment: "prod", Integration: "integration-2", ConnectionID: "connection-04242"}},
		{"type", ExecutionQuery{Environment: "prod", Type: ExecutionTypeProxy}},
		{"type_in_an_hour", ExecutionQuery{Environment: "prod", Type: ExecutionTypeProxy, From: start.Add(24 * time.Hour), To: start.Add(25 * time.Hour)}},
		{"status_failed", ExecutionQuery{Environment: "prod", Status: ExecutionFailed}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			tc.q.Limit = 100
			for b.Loop() {
				list, err := s.ListExecutions(ctx, tc.q)
				if err != nil {
					b.Fatal(err)
				}
				if len(list) != 100 {
					b.Fatalf("%d operations, want 100", len(list))
				}
			}
		})
	}
}
