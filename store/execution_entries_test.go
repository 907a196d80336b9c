package store

import (
	"context"
	"encoding/binary"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestEntryIDs(t *testing.T) {
	key := binary.BigEndian.AppendUint64([]byte("prefix"), 10)
	for _, tc := range []struct {
		name  string
		value []byte
		want  []uint64
	}{
		{"empty: the key's id", nil, []uint64{10}},
		{"from the key", []byte{0, 1, 5}, []uint64{10, 11, 16}},
		{"after the key", []byte{3}, []uint64{13}},
		{"wide gap", binary.AppendUvarint([]byte{0}, 1<<40), []uint64{10, 10 + 1<<40}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := entryIDs(nil, key, tc.value)
			if err != nil || !slices.Equal(got, tc.want) {
				t.Fatalf("entryIDs = %v, %v; want %v", got, err, tc.want)
			}
			if v := appendEntryIDs(nil, 10, tc.want); string(v) != string(tc.value) {
				t.Errorf("appendEntryIDs = %v, want %v", v, tc.value)
			}
		})
	}
	for _, bad := range [][]byte{{0, 0}, {0x80}, binary.AppendUvarint(nil, 1<<64-5)} {
		if got, err := entryIDs(nil, key, bad); err == nil {
			t.Errorf("entryIDs(%v) = %v, want an error", bad, got)
		}
	}
}

func FuzzEntryIDs(f *testing.F) {
	f.Add(uint64(1), []byte{0, 1, 2})
	f.Add(uint64(1<<63), []byte{0x80, 0x80, 0x01})
	f.Fuzz(func(t *testing.T, keyID uint64, v []byte) {
		key := binary.BigEndian.AppendUint64([]byte{3, 'd', 'e', 'v'}, keyID)
		ids, err := entryIDs(nil, key, v)
		if err != nil {
			return
		}
		if !slices.IsSorted(ids) || len(ids) == 0 || ids[0] < keyID || len(slices.Compact(slices.Clone(ids))) != len(ids) {
			t.Fatalf("entryIDs(%d, %v) = %v: not ascending from the key", keyID, v, ids)
		}
		again, err := entryIDs(nil, key, appendEntryIDs(nil, keyID, ids))
		if err != nil || !slices.Equal(again, ids) {
			t.Fatalf("round trip of %v: %v %v", ids, again, err)
		}
	})
}

// writeLegacy stores ops as the store did before index entries listed
// several ids: one entry per execution in every index, by_time included.
func writeLegacy(t *testing.T, s *Store, ops []Execution) []uint64 {
	t.Helper()
	var ids []uint64
	err := s.db.Update(func(tx *bolt.Tx) error {
		x, err := openExecutions(tx)
		if err != nil {
			return err
		}
		var at uint64
		if last, _ := x.byTime.Cursor().Last(); last != nil {
			at = binary.BigEndian.Uint64(last)
		}
		for _, e := range ops {
			if e.ID, err = x.b.NextSequence(); err != nil {
				return err
			}
			ids = append(ids, e.ID)
			key := executionKey(e.ID)
			v, err := appendExecution(nil, &e)
			if err != nil {
				return err
			}
			if err := x.summaries.Put(key, v); err != nil {
				return err
			}
			for _, ix := range executionIndexes {
				if err := x.b.Bucket(ix.bucket).Put(append(ix.prefix(&e), key...), nil); err != nil {
					return err
				}
			}
			at = max(at, timeBits(e.StartedAt))
			if err := x.byTime.Put(binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, at), e.ID), nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// TestExecutionEntriesMixedWithLegacy lists, moves and prunes operations
// stored one entry per execution (before) and one entry per batch (now)
// under the same prefixes.
func TestExecutionEntriesMixedWithLegacy(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	var old []Execution
	for i := range 40 {
		old = append(old, testOp(i))
	}
	ids := writeLegacy(t, s, old)
	for i := 40; i < 100; i += 16 {
		var batch []ExecutionRecord
		for j := i; j < min(i+16, 100); j++ {
			batch = append(batch, ExecutionRecord{Execution: testOp(j)})
		}
		got, err := s.RecordExecutions(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, got...)
	}
	checkQueries(t, s, ids, nil)
	checkIndexes(t, s)

	// Moving a legacy operation and a new one to other names.
	for _, i := range []int{5, 60} {
		e, err := s.ExecutionSummary(ctx, ids[i])
		if err != nil {
			t.Fatal(err)
		}
		e.ConnectionID, e.Function = "moved", "moved"
		if err := s.FinishExecution(ctx, e, nil); err != nil {
			t.Fatal(err)
		}
	}
	checkIndexes(t, s)
	for _, e := range []ExecutionQuery{{Environment: "dev", ConnectionID: "moved"}, {Environment: "dev", Function: "moved"}} {
		list, err := s.ListExecutions(ctx, e)
		if err != nil || len(list) != 2 || list[0].ID != ids[60] || list[1].ID != ids[5] {
			t.Fatalf("%+v: %+v %v", e, list, err)
		}
	}

	// Pruning in small steps cuts entries of both kinds part way.
	gone := map[int]bool{5: true, 60: true} // moved: no longer what testOp says
	for step := 1; step <= 9; step++ {
		cutoff := opsStart.Add(time.Duration(7*step) * time.Minute)
		for {
			n, err := s.PruneExecutions(ctx, cutoff, 3)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
		}
		for i := range ids {
			if testOp(i).StartedAt.Before(cutoff) {
				gone[i] = true
			}
		}
		checkIndexes(t, s)
	}
	checkQueries(t, s, ids, gone)
}

// TestFinishExecutionWithinABatchEntry moves an operation into the middle
// of another prefix's batch entry, and out of the middle of its own.
func TestFinishExecutionWithinABatchEntry(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	var batch []ExecutionRecord
	for i := range 6 {
		e := testOp(0)
		e.ConnectionID = []string{"a", "a", "b", "a", "b", "a"}[i]
		batch = append(batch, ExecutionRecord{Execution: e})
	}
	ids, err := s.RecordExecutions(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	move := func(id uint64, conn string) {
		t.Helper()
		e, err := s.ExecutionSummary(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		e.ConnectionID = conn
		if err := s.FinishExecution(ctx, e, nil); err != nil {
			t.Fatal(err)
		}
		checkIndexes(t, s)
	}
	list := func(conn string) []uint64 {
		t.Helper()
		return listOps(t, s, ExecutionQuery{Environment: testOp(0).Environment, ConnectionID: conn, Limit: 2})
	}
	move(ids[2], "a") // into a's entry (ids 1, 2, 4, 6)
	move(ids[1], "b") // out of it
	move(ids[5], "b") // its last
	if got, want := list("a"), []uint64{ids[3], ids[2], ids[0]}; !slices.Equal(got, want) {
		t.Errorf("a: %v, want %v", got, want)
	}
	if got, want := list("b"), []uint64{ids[5], ids[4], ids[1]}; !slices.Equal(got, want) {
		t.Errorf("b: %v, want %v", got, want)
	}
}

// TestListExecutionsTimeRangeWithinWrites lists time ranges of operations
// that start closer together than byTimeStep, some out of order, so that
// by_time entries cover several ids: every range is listed exactly.
func TestListExecutionsTimeRangeWithinWrites(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	const n = 300
	starts := make([]time.Time, n)
	var ids []uint64
	for i := 0; i < n; i += 50 {
		var batch []ExecutionRecord
		for j := i; j < i+50; j++ {
			// 100 ms apart, every seventh 2.5 s late and every fifth 1.5 s early.
			starts[j] = opsStart.Add(time.Duration(j) * 100 * time.Millisecond)
			switch {
			case j%7 == 0:
				starts[j] = starts[j].Add(2500 * time.Millisecond)
			case j%5 == 0:
				starts[j] = starts[j].Add(-1500 * time.Millisecond)
			}
			e := testOp(0)
			e.StartedAt, e.EndedAt = starts[j], starts[j]
			batch = append(batch, ExecutionRecord{Execution: e})
		}
		got, err := s.RecordExecutions(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, got...)
	}
	checkIndexes(t, s)
	env := testOp(0).Environment
	for from := -3 * time.Second; from < 33*time.Second; from += 1300 * time.Millisecond {
		for _, span := range []time.Duration{0, 150 * time.Millisecond, 2 * time.Second, 40 * time.Second} {
			q := ExecutionQuery{Environment: env, From: opsStart.Add(from), Limit: 7}
			if span > 0 {
				q.To = q.From.Add(span)
			}
			var want []uint64
			for i := n - 1; i >= 0; i-- {
				if !starts[i].Before(q.From) && (q.To.IsZero() || starts[i].Before(q.To)) {
					want = append(want, ids[i])
				}
			}
			if got := listOps(t, s, q); !slices.Equal(got, want) {
				t.Fatalf("from %s for %s: got %v, want %v", from, span, got, want)
			}
			q.Type = testOp(0).Type // the same through an index
			if got := listOps(t, s, q); !slices.Equal(got, want) {
				t.Fatalf("by type, from %s for %s: got %v, want %v", from, span, got, want)
			}
		}
	}
}
