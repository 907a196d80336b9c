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

// BenchmarkRecordExecutions stores proxy calls as the operations log's
// writer does — RecordExecutions in batches of 1,024, one transaction
// each, into a store that already holds 100,000 — and reports the cost
// per operation: ns/op, B/op and allocs/op are per operation, not per
// batch. "one_connection" is the proxy benchmark's load (one connection,
// one path: every index entry lands at the end of its prefix);
// "1000_connections" spreads the calls over 1,000 connections of 10
// integrations and 200 paths, so that a batch touches a leaf page of
// by_connection and by_function per few calls. One call in 100 failed.
func BenchmarkRecordExecutions(b *testing.B) {
	const (
		batch   = 1024
		prefill = 100_000
	)
	for _, tc := range []struct {
		name         string
		conns, paths int
		noSync       bool
	}{
		{"one_connection/fsync", 1, 1, false},
		{"one_connection/nosync", 1, 1, true},
		{"1000_connections/fsync", 1000, 200, false},
		{"1000_connections/nosync", 1000, 200, true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			ctx := context.Background()
			s, err := Open(filepath.Join(b.TempDir(), "ops.db"), Options{NoSync: tc.noSync})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = s.Close() })
			start := time.Now().UTC().Add(-time.Hour)
			n := 0
			fill := func(recs []ExecutionRecord) {
				for j := range recs {
					at := start.Add(time.Duration(n) * time.Millisecond)
					e := Execution{
						Type: ExecutionTypeProxy, Environment: "prod", Integration: fmt.Sprintf("integration-%d", n%tc.conns%10),
						ConnectionID: fmt.Sprintf("connection-%04d", n%tc.conns), Function: fmt.Sprintf("GET /v1/items/%d", n%tc.paths),
						Trigger: "api", Status: ExecutionSuccess, StartedAt: at, EndedAt: at.Add(300 * time.Microsecond),
					}
					if n%100 == 0 {
						e.Status, e.Error = ExecutionFailed, &RunError{Type: "http_error", Message: "the upstream answered 500"}
					}
					recs[j] = ExecutionRecord{Execution: e}
					n++
				}
			}
			recs := make([]ExecutionRecord, batch)
			for range prefill / batch {
				fill(recs)
				if _, err := s.RecordExecutions(ctx, recs); err != nil {
					b.Fatal(err)
				}
			}
			// The batches are built before the timer starts: what is
			// measured is the store's work.
			batches := make([][]ExecutionRecord, (b.N+batch-1)/batch)
			for i := range batches {
				batches[i] = make([]ExecutionRecord, min(batch, b.N-i*batch))
				fill(batches[i])
			}
			b.ReportAllocs()
			b.ResetTimer()
			for _, recs := range batches {
				if _, err := s.RecordExecutions(ctx, recs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
