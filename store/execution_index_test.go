package store

import (
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	opsStart = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	opsTypes = []string{ExecutionTypeSync, ExecutionTypeWebhook, ExecutionTypeAction, ExecutionTypeProxy, ExecutionTypeAuth}
)

// testOp is the i-th operation of seedOps: its names cycle with different
// periods so that filters combine in every way.
func testOp(i int) Execution {
	e := Execution{
		Type: opsTypes[i%5], Environment: "dev", Integration: []string{"github", "slack"}[i%2],
		ConnectionID: fmt.Sprintf("c%d", i%3), Function: []string{"issues", "prs", "users", "teams"}[i%4],
		Trigger: "manual", Status: ExecutionSuccess, StartedAt: opsStart.Add(time.Duration(i) * time.Minute),
	}
	if i%7 == 0 {
		e.Status = ExecutionFailed
	}
	if i%11 == 0 {
		e.Environment = "prod"
	}
	e.EndedAt = e.StartedAt.Add(time.Second)
	return e
}

// seedOps records n operations (testOp) in batches of 16 and returns their
// ids by index.
func seedOps(t *testing.T, s *Store, n int) []uint64 {
	t.Helper()
	var ids []uint64
	for i := 0; i < n; i += 16 {
		var batch []ExecutionRecord
		for j := i; j < min(i+16, n); j++ {
			batch = append(batch, ExecutionRecord{Execution: testOp(j)})
		}
		got, err := s.RecordExecutions(context.Background(), batch)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, got...)
	}
	return ids
}

// listOps pages through q with q.Limit per page and returns every id.
func listOps(t *testing.T, s *Store, q ExecutionQuery) []uint64 {
	t.Helper()
	var ids []uint64
	for {
		page, err := s.ListExecutions(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) > q.Limit {
			t.Fatalf("%d operations listed, limit %d", len(page), q.Limit)
		}
		for _, e := range page {
			ids = append(ids, e.ID)
		}
		if len(page) < q.Limit || len(page) == 0 {
			return ids
		}
		q.Before = page[len(page)-1].ID
	}
}

// opsQueries are queries on seedOps's operations with what each selects.
var opsQueries = []struct {
	name string
	q    ExecutionQuery
	want func(e Execution) bool
}{
	{"all of an environment", ExecutionQuery{Environment: "dev"}, func(e Execution) bool { return e.Environment == "dev" }},
	{"no environment", ExecutionQuery{}, func(Execution) bool { return true }},
	{"connection", ExecutionQuery{Environment: "dev", ConnectionID: "c1"}, func(e Execution) bool { return e.Environment == "dev" && e.ConnectionID == "c1" }},
	{"connection and integration", ExecutionQuery{Environment: "dev", Integration: "slack", ConnectionID: "c2"}, func(e Execution) bool {
		return e.Environment == "dev" && e.Integration == "slack" && e.ConnectionID == "c2"
	}},
	{"function", ExecutionQuery{Environment: "dev", Function: "prs"}, func(e Execution) bool { return e.Environment == "dev" && e.Function == "prs" }},
	{"integration", ExecutionQuery{Environment: "dev", Integration: "github"}, func(e Execution) bool { return e.Environment == "dev" && e.Integration == "github" }},
	{"type", ExecutionQuery{Environment: "dev", Type: ExecutionTypeProxy}, func(e Execution) bool { return e.Environment == "dev" && e.Type == ExecutionTypeProxy }},
	{"type and status", ExecutionQuery{Environment: "dev", Type: ExecutionTypeSync, Status: ExecutionFailed}, func(e Execution) bool {
		return e.Environment == "dev" && e.Type == ExecutionTypeSync && e.Status == ExecutionFailed
	}},
	{"status success", ExecutionQuery{Environment: "dev", Status: ExecutionSuccess}, func(e Execution) bool { return e.Environment == "dev" && e.Status == ExecutionSuccess }},
	{"integration and failed", ExecutionQuery{Environment: "dev", Integration: "github", Status: ExecutionFailed}, func(e Execution) bool {
		return e.Environment == "dev" && e.Integration == "github" && e.Status == ExecutionFailed
	}},
	{"status only", ExecutionQuery{Environment: "dev", Status: ExecutionFailed}, func(e Execution) bool { return e.Environment == "dev" && e.Status == ExecutionFailed }},
	{"from", ExecutionQuery{Environment: "dev", From: opsStart.Add(50 * time.Minute)}, func(e Execution) bool {
		return e.Environment == "dev" && !e.StartedAt.Before(opsStart.Add(50*time.Minute))
	}},
	{"to", ExecutionQuery{Environment: "dev", To: opsStart.Add(20 * time.Minute)}, func(e Execution) bool {
		return e.Environment == "dev" && e.StartedAt.Before(opsStart.Add(20*time.Minute))
	}},
	{"connection in a range", ExecutionQuery{Environment: "dev", ConnectionID: "c0", From: opsStart.Add(10 * time.Minute), To: opsStart.Add(40*time.Minute + time.Second)}, func(e Execution) bool {
		return e.Environment == "dev" && e.ConnectionID == "c0" && !e.StartedAt.Before(opsStart.Add(10*time.Minute)) && e.StartedAt.Before(opsStart.Add(40*time.Minute+time.Second))
	}},
	{"range after the last", ExecutionQuery{Environment: "dev", From: opsStart.Add(24 * time.Hour)}, func(Execution) bool { return false }},
	{"range before the first", ExecutionQuery{Environment: "dev", To: opsStart.Add(-time.Hour)}, func(Execution) bool { return false }},
	{"other environment", ExecutionQuery{Environment: "prod", Function: "issues"}, func(e Execution) bool { return e.Environment == "prod" && e.Function == "issues" }},
	{"unknown connection", ExecutionQuery{Environment: "dev", ConnectionID: "c9"}, func(Execution) bool { return false }},
}

// checkQueries runs opsQueries over the first n operations of seedOps
// except the gone ones, whole and paged.
func checkQueries(t *testing.T, s *Store, ids []uint64, gone map[int]bool) {
	t.Helper()
	for _, tc := range opsQueries {
		t.Run(tc.name, func(t *testing.T) {
			var want []uint64
			for i := len(ids) - 1; i >= 0; i-- {
				if !gone[i] && tc.want(testOp(i)) {
					want = append(want, ids[i])
				}
			}
			for _, limit := range []int{1000, 7, 1} {
				q := tc.q
				q.Limit = limit
				if got := listOps(t, s, q); !slices.Equal(got, want) {
					t.Fatalf("limit %d: got %v, want %v", limit, got, want)
				}
			}
		})
	}
}

func TestListExecutionsIndexes(t *testing.T) {
	s, _, _ := openTestStore(t)
	ids := seedOps(t, s, 100)
	checkQueries(t, s, ids, nil)
	checkIndexes(t, s)
}

func TestListExecutionsInvalidRange(t *testing.T) {
	s, _, _ := openTestStore(t)
	for _, q := range []ExecutionQuery{
		{From: opsStart, To: opsStart},
		{From: opsStart.Add(time.Second), To: opsStart},
	} {
		if _, err := s.ListExecutions(context.Background(), q); !errors.Is(err, ErrInvalidQuery) {
			t.Errorf("from %s to %s: %v", q.From, q.To, err)
		}
	}
}

func TestPruneExecutionsKeepsIndexes(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	// A running operation among the old ones stays.
	running, err := s.CreateExecution(ctx, Execution{Type: ExecutionTypeSync, Environment: "dev", Integration: "github", ConnectionID: "c1",
		Function: "issues", Status: ExecutionRunning, StartedAt: opsStart.Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	ids := seedOps(t, s, 60)
	n, err := s.PruneExecutions(ctx, opsStart.Add(30*time.Minute), 1000)
	if err != nil || n != 30 {
		t.Fatalf("prune: %d %v", n, err)
	}
	gone := map[int]bool{}
	for i := range 30 {
		gone[i] = true
	}
	if _, err := s.ExecutionSummary(ctx, running.ID); err != nil {
		t.Fatalf("the running operation: %v", err)
	}
	// Once finished, it goes with the next prune.
	running.Status = ExecutionFailed
	if err := s.FinishExecution(ctx, running, nil); err != nil {
		t.Fatal(err)
	}
	if n, err := s.PruneExecutions(ctx, opsStart.Add(30*time.Minute), 1000); err != nil || n != 1 {
		t.Fatalf("second prune: %d %v", n, err)
	}
	checkQueries(t, s, ids, gone)
	checkIndexes(t, s)
}

// checkIndexes checks that every name index lists every stored execution
// once, under its own prefix, and nothing else, each prefix's entries in
// id order; and that by_time's entries name stored executions, the first
// one first, and that none of the ids from an entry's to the next one's
// started after the entry's time.
func checkIndexes(t *testing.T, s *Store) {
	t.Helper()
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketExecutions)
		stored := map[uint64]Execution{}
		var ids []uint64
		err := b.Bucket(bucketSummary).ForEach(func(k, v []byte) error {
			var e Execution
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			stored[binary.BigEndian.Uint64(k)] = e
			ids = append(ids, binary.BigEndian.Uint64(k))
			return nil
		})
		if err != nil {
			return err
		}
		for _, ix := range executionIndexes {
			seen := map[uint64]bool{}
			var lastPrefix []byte
			var lastID uint64
			err := b.Bucket(ix.bucket).ForEach(func(k, v []byte) error {
				prefix, keyID := k[:len(k)-8], binary.BigEndian.Uint64(k[len(k)-8:])
				list, err := entryIDs(nil, k, v)
				if err != nil {
					return err
				}
				if string(prefix) == string(lastPrefix) && keyID <= lastID {
					return fmt.Errorf("index %s: entry %d after id %d", ix.bucket, keyID, lastID)
				}
				for _, id := range list {
					e, ok := stored[id]
					switch {
					case !ok:
						return fmt.Errorf("index %s: entry %d lists %d, which is gone", ix.bucket, keyID, id)
					case seen[id]:
						return fmt.Errorf("index %s: %d listed twice", ix.bucket, id)
					case id < keyID || string(prefix) == string(lastPrefix) && id <= lastID:
						return fmt.Errorf("index %s: entry %d lists %d out of order", ix.bucket, keyID, id)
					case string(ix.prefix(&e)) != string(prefix):
						return fmt.Errorf("index %s: %d listed under another prefix", ix.bucket, id)
					}
					seen[id], lastID = true, id
				}
				lastPrefix = slices.Clone(prefix)
				return nil
			})
			if err != nil {
				return err
			}
			if len(seen) != len(stored) {
				return fmt.Errorf("index %s: %d executions listed of %d", ix.bucket, len(seen), len(stored))
			}
		}
		type write struct{ at, id uint64 }
		var writes []write
		err = b.Bucket(bucketByTime).ForEach(func(k, _ []byte) error {
			w := write{binary.BigEndian.Uint64(k), binary.BigEndian.Uint64(k[8:])}
			if _, ok := stored[w.id]; !ok {
				return fmt.Errorf("by_time: entry for %d, which is gone", w.id)
			}
			if len(writes) > 0 && w.id <= writes[len(writes)-1].id {
				return fmt.Errorf("by_time: id %d after %d", w.id, writes[len(writes)-1].id)
			}
			writes = append(writes, w)
			return nil
		})
		if err != nil {
			return err
		}
		if len(ids) > 0 && (len(writes) == 0 || writes[0].id != ids[0]) {
			return fmt.Errorf("by_time: %v, first execution %d", writes, ids[0])
		}
		for _, id := range ids {
			n, _ := slices.BinarySearchFunc(writes, id, func(w write, id uint64) int { return cmp.Compare(w.id, id+1) })
			if w := writes[n-1]; timeBits(stored[id].StartedAt) > w.at {
				return fmt.Errorf("by_time: %d started after its write's time", id)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestExecutionsOldLayout(t *testing.T) {
	s, _, path := openTestStore(t)
	// Write executions as a store before the indexes did: summaries only.
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketExecutions)
		for i := range 40 {
			id, err := b.NextSequence()
			if err != nil {
				return err
			}
			e := testOp(i)
			e.ID = id
			if err := putJSON(b.Bucket(bucketSummary), executionKey(id), e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path, Options{NoSync: true, Now: newFakeClock().Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	ids := make([]uint64, 40)
	for i := range ids {
		ids[i] = uint64(i + 1)
	}
	checkQueries(t, s, ids, nil) // the first list builds the indexes
	checkIndexes(t, s)

	// New operations go on from the old ones.
	more := seedOps(t, s, 1)
	if more[0] != 41 {
		t.Fatalf("next id %d, want 41", more[0])
	}
	checkIndexes(t, s)
}

func TestExecutionsOldLayoutWriteFirst(t *testing.T) {
	s, _, _ := openTestStore(t)
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketExecutions)
		id, err := b.NextSequence()
		if err != nil {
			return err
		}
		e := testOp(1)
		e.ID = id
		return putJSON(b.Bucket(bucketSummary), executionKey(id), e)
	})
	if err != nil {
		t.Fatal(err)
	}
	e, err := s.CreateExecution(context.Background(), testOp(4)) // builds the indexes, then indexes e
	if err != nil {
		t.Fatal(err)
	}
	checkIndexes(t, s)
	list, err := s.ListExecutions(context.Background(), ExecutionQuery{Environment: "dev", ConnectionID: "c1"})
	if err != nil || len(list) != 2 || list[0].ID != e.ID || list[1].ID != 1 {
		t.Fatalf("list: %+v %v", list, err)
	}
}

func TestFinishExecutionMovesIndexEntries(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	e, err := s.CreateExecution(ctx, testOp(1))
	if err != nil {
		t.Fatal(err)
	}
	e.ConnectionID, e.Status = "renamed", ExecutionSuccess
	if err := s.FinishExecution(ctx, e, json.RawMessage(`{"logs":[]}`)); err != nil {
		t.Fatal(err)
	}
	checkIndexes(t, s)
	for conn, want := range map[string]int{"renamed": 1, "c1": 0} {
		list, err := s.ListExecutions(ctx, ExecutionQuery{Environment: "dev", ConnectionID: conn})
		if err != nil || len(list) != want {
			t.Fatalf("connection %s: %d, want %d (%v)", conn, len(list), want, err)
		}
	}
}

// putJSON stores v as a summary was stored before appendExecution.
func putJSON(b *bolt.Bucket, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, raw)
}
