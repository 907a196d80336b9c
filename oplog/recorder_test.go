package oplog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ferryhq/ferry/store"
)

func openStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "ferry.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func proxyCall(i int) store.Execution {
	now := time.Now().UTC()
	return store.Execution{
		Type: "proxy", Environment: "dev", Integration: "github", ConnectionID: fmt.Sprintf("c%d", i%3),
		Function: "GET /user", Trigger: "proxy", Status: store.ExecutionSuccess, StartedAt: now, EndedAt: now,
	}
}

// TestRecorderWritesEverything records operations from many goroutines
// while Run writes them, then stops it: every one is stored.
func TestRecorderWritesEverything(t *testing.T) {
	st := openStore(t)
	r, err := New(st, Options{MaxBatch: 64})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				r.Record(proxyCall(g*100+i), json.RawMessage(`{"calls":[{"method":"GET","url":"https://api.github.com/user","status":200}]}`))
			}
		}()
	}
	wg.Wait()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if r.Dropped() != 0 || r.Written() != 800 {
		t.Fatalf("written %d, dropped %d", r.Written(), r.Dropped())
	}
	list, err := st.ListExecutions(context.Background(), store.ExecutionQuery{Type: "proxy", Limit: 1000})
	if err != nil || len(list) != 800 {
		t.Fatalf("stored %d operations: %v", len(list), err)
	}
	_, report, err := st.Execution(context.Background(), list[0].ID)
	if err != nil || len(report) == 0 {
		t.Fatalf("report of an operation: %s %v", report, err)
	}
}

// TestRecorderDropsWhenFull never blocks its caller: a full queue drops
// and counts.
func TestRecorderDropsWhenFull(t *testing.T) {
	r, err := New(openStore(t), Options{Queue: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		r.Record(proxyCall(i), nil)
	}
	if r.Dropped() != 3 {
		t.Fatalf("dropped %d, want 3", r.Dropped())
	}
	if _, err := New(nil, Options{}); err == nil {
		t.Fatal("a recorder without a sink")
	}
}

// exported collects what a Recorder hands its exporter.
type exported struct {
	mu  sync.Mutex
	ops []store.Execution
	raw []json.RawMessage
}

func (x *exported) Operation(e store.Execution, report json.RawMessage) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.ops, x.raw = append(x.ops, e), append(x.raw, report)
}

// failingSink refuses every batch.
type failingSink struct{}

func (failingSink) RecordExecutions(context.Context, []store.ExecutionRecord) ([]uint64, error) {
	return nil, errors.New("disk full")
}

// TestRecorderExports hands every operation to the exporter after its
// batch is written, with the id the store gave it and its report; a
// batch the store refused is exported too, without ids.
func TestRecorderExports(t *testing.T) {
	st := openStore(t)
	for _, tc := range []struct {
		name string
		sink Sink
		ids  bool
	}{
		{"stored", st, true},
		{"refused", failingSink{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := &exported{}
			r, err := New(tc.sink, Options{MaxBatch: 8, Exporter: x, Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- r.Run(ctx) }()
			for i := range 20 {
				r.Record(proxyCall(i), json.RawMessage(fmt.Sprintf(`{"n":%d}`, i)))
			}
			cancel()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if len(x.ops) != 20 {
				t.Fatalf("%d operations exported, want 20", len(x.ops))
			}
			seen := map[uint64]bool{}
			for i, e := range x.ops {
				if string(x.raw[i]) != fmt.Sprintf(`{"n":%d}`, i) || e.ConnectionID != proxyCall(i).ConnectionID {
					t.Fatalf("operation %d exported as %+v %s", i, e, x.raw[i])
				}
				if !tc.ids {
					if e.ID != 0 {
						t.Fatalf("operation %d has id %d without a write", i, e.ID)
					}
					continue
				}
				if e.ID == 0 || seen[e.ID] {
					t.Fatalf("operation %d: id %d", i, e.ID)
				}
				seen[e.ID] = true
				stored, report, err := st.Execution(context.Background(), e.ID)
				if err != nil || stored.Function != e.Function || string(report) != string(x.raw[i]) {
					t.Fatalf("id %d is %+v %s (%v)", e.ID, stored, report, err)
				}
			}
		})
	}
}

// BenchmarkRecord is what a hot path pays per operation.
func BenchmarkRecord(b *testing.B) {
	r, err := New(openStore(b), Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.Run(ctx)
	e := proxyCall(0)
	b.ReportAllocs()
	for b.Loop() {
		r.Record(e, nil)
	}
}
