package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"
)

var otherKey = ModelKey{Connection: testConn, Model: "Pull"}

// scanCount counts the model's records that are not deleted by reading
// every record, as CountRecords did before format 3: the oracle the live
// count must match.
func scanCount(t testing.TB, s *Store, key ModelKey) int {
	t.Helper()
	n := 0
	err := s.db.View(func(tx *bolt.Tx) error {
		m, err := openModel(tx, key, false)
		if m == nil || err != nil {
			return err
		}
		n, err = m.countLive()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// storedCount reads the model's live count as stored; found is false when
// there is none (or no model).
func storedCount(t testing.TB, s *Store, key ModelKey) (n int, found bool) {
	t.Helper()
	err := s.db.View(func(tx *bolt.Tx) error {
		m, err := openModel(tx, key, false)
		if m == nil || err != nil {
			return err
		}
		n, found, err = storedLive(m.bucket)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n, found
}

// dropLive removes the model's live count, leaving it as a file written
// before format 3 has it.
func dropLive(t testing.TB, s *Store, key ModelKey) {
	t.Helper()
	err := s.db.Update(func(tx *bolt.Tx) error {
		m, err := openModel(tx, key, false)
		if m == nil || err != nil {
			return err
		}
		return m.bucket.Delete(keyLive)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// checkCount asserts that the stored live count, CountRecords and a scan
// agree (and equal want unless it is negative). A model that exists must
// have a stored count when stored is set: every write of format 3 keeps it.
func checkCount(t testing.TB, s *Store, key ModelKey, want int, stored bool) {
	t.Helper()
	scan := scanCount(t, s, key)
	if want >= 0 && scan != want {
		t.Fatalf("%s: scan counts %d, want %d", key.Model, scan, want)
	}
	n, found := storedCount(t, s, key)
	if found && n != scan {
		t.Fatalf("%s: stored live count %d, scan %d", key.Model, n, scan)
	}
	if stored && !found && modelExists(t, s, key) {
		t.Fatalf("%s: no stored live count", key.Model)
	}
	got, err := s.CountRecords(context.Background(), key)
	if err != nil || got != scan {
		t.Fatalf("%s: CountRecords = %d, %v; scan %d", key.Model, got, err, scan)
	}
}

func modelExists(t testing.TB, s *Store, key ModelKey) bool {
	t.Helper()
	exists := false
	err := s.db.View(func(tx *bolt.Tx) error {
		m, err := openModel(tx, key, false)
		exists = m != nil
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return exists
}

// countFixture saves testKey's records: p1 (live, pruned), p2 (deleted,
// pruned), a, b, c (live) and d (deleted) — 4 live — and otherKey's x and
// y (2 live).
func countFixture(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	mustSave(t, s, testKey, `{"id":"p1"}`, `{"id":"p2"}`)
	if _, err := s.DeleteRecords(ctx, testKey, []string{"p2"}); err != nil {
		t.Fatal(err)
	}
	mustPrune(t, s, cursorOf(t, s, "p2"), 0)
	mustSave(t, s, testKey, `{"id":"a","n":1}`, `{"id":"b","n":1}`, `{"id":"c","n":1}`, `{"id":"d","n":1}`)
	if _, err := s.DeleteRecords(ctx, testKey, []string{"d"}); err != nil {
		t.Fatal(err)
	}
	mustSave(t, s, otherKey, `{"id":"x"}`, `{"id":"y"}`)
}

// deleteConnection creates testConn's connection entry, then deletes the
// connection with everything kept for it.
func deleteConnection(s *Store) error {
	ctx := context.Background()
	if _, err := s.GetIntegration(ctx, testConn.Environment, testConn.ProviderConfigKey); errors.Is(err, ErrNotFound) {
		if _, err := s.CreateIntegration(ctx, Integration{Environment: testConn.Environment, UniqueKey: testConn.ProviderConfigKey, Provider: "github"}); err != nil {
			return err
		}
	}
	if _, _, err := s.PutConnection(ctx, ConnectionEntry{Connection: testConn, Provider: "github"}); err != nil {
		return err
	}
	return s.DeleteConnection(ctx, testConn)
}

// TestCountRecordsAfterEachWrite runs every kind of write on the fixture
// and checks the live count against a scan of the records.
func TestCountRecordsAfterEachWrite(t *testing.T) {
	ctx := context.Background()
	save := func(texts ...string) func(*Store) error {
		return func(s *Store) error { _, err := s.SaveRecords(ctx, testKey, raws(texts...)); return err }
	}
	update := func(texts ...string) func(*Store) error {
		return func(s *Store) error { _, err := s.UpdateRecords(ctx, testKey, raws(texts...)); return err }
	}
	del := func(ids ...string) func(*Store) error {
		return func(s *Store) error { _, err := s.DeleteRecords(ctx, testKey, ids); return err }
	}
	keep := func(ids ...string) func(*Store) error {
		return func(s *Store) error {
			_, _, err := s.DeleteRecordsExcept(ctx, testKey, func(id string) bool {
				for _, k := range ids {
					if id == k {
						return true
					}
				}
				return false
			})
			return err
		}
	}
	prune := func(id string, limit int) func(*Store) error {
		return func(s *Store) error {
			got, err := s.GetRecords(ctx, testKey, []string{id})
			if err != nil {
				return err
			}
			_, err = s.PruneRecords(ctx, testKey, got[id].Meta.Cursor, limit)
			return err
		}
	}
	then := func(fns ...func(*Store) error) func(*Store) error {
		return func(s *Store) error {
			for _, fn := range fns {
				if err := fn(s); err != nil {
					return err
				}
			}
			return nil
		}
	}
	for _, tc := range []struct {
		name        string
		do          func(*Store) error
		err         error // the error do must fail with, nothing written
		want, other int   // live counts of testKey and otherKey
	}{
		{name: "nothing", do: then(), want: 4, other: 2},
		{name: "save new", do: save(`{"id":"e"}`), want: 5, other: 2},
		{name: "save new twice in a batch", do: save(`{"id":"e"}`, `{"id":"e","n":2}`), want: 5, other: 2},
		{name: "save unchanged", do: save(`{"id":"a","n":1}`), want: 4, other: 2},
		{name: "save changed", do: save(`{"id":"a","n":2}`), want: 4, other: 2},
		{name: "save resurrects deleted", do: save(`{"id":"d","n":1}`), want: 5, other: 2},
		{name: "save resurrects pruned deleted", do: save(`{"id":"p2"}`), want: 5, other: 2},
		{name: "save pruned live again", do: save(`{"id":"p1"}`), want: 4, other: 2},
		{name: "save mixed batch", do: save(`{"id":"e"}`, `{"id":"a","n":2}`, `{"id":"b","n":1}`, `{"id":"d","n":3}`, `{"id":"p2"}`), want: 7, other: 2},
		{name: "save invalid batch", do: save(`{"id":"e"}`, `{"n":1}`), err: ErrInvalidRecord, want: 4, other: 2},
		{name: "update changed", do: update(`{"id":"a","n":2}`), want: 4, other: 2},
		{name: "update unchanged", do: update(`{"id":"a","n":1}`), want: 4, other: 2},
		{name: "update resurrects deleted", do: update(`{"id":"d","m":1}`), want: 5, other: 2},
		{name: "update resurrects pruned deleted", do: update(`{"id":"p2"}`), want: 5, other: 2},
		{name: "update unknown id", do: update(`{"id":"e"}`, `{"id":"d"}`), err: ErrInvalidRecord, want: 4, other: 2},
		{name: "delete", do: del("a", "b"), want: 2, other: 2},
		{name: "delete deleted and unknown", do: del("d", "p2", "nope"), want: 4, other: 2},
		{name: "delete twice in a batch", do: del("a", "a"), want: 3, other: 2},
		{name: "delete pruned live", do: del("p1"), want: 3, other: 2},
		{name: "delete then resurrect in turn", do: then(del("a"), save(`{"id":"a","n":1}`), del("a"), update(`{"id":"a"}`)), want: 4, other: 2},
		{name: "track deletes", do: keep("a", "d"), want: 1, other: 2},
		{name: "track deletes keeps all", do: keep("p1", "a", "b", "c"), want: 4, other: 2},
		{name: "track deletes keeps none", do: keep(), want: 0, other: 2},
		{name: "empty", do: func(s *Store) error { _, err := s.EmptyRecords(ctx, testKey); return err }, want: 0, other: 2},
		{name: "empty then save", do: then(func(s *Store) error { _, err := s.EmptyRecords(ctx, testKey); return err }, save(`{"id":"a"}`, `{"id":"e"}`)), want: 2, other: 2},
		{name: "prune all", do: prune("d", 0), want: 4, other: 2},
		{name: "prune some", do: prune("d", 1), want: 4, other: 2},
		{name: "prune then save pruned", do: then(prune("d", 0), save(`{"id":"a","n":1}`, `{"id":"d","n":1}`)), want: 5, other: 2},
		{name: "prune then delete pruned", do: then(prune("d", 0), del("a", "b")), want: 2, other: 2},
		{name: "delete connection", do: deleteConnection, want: 0, other: 0},
		{name: "delete connection then save", do: then(deleteConnection, save(`{"id":"a"}`)), want: 1, other: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _, _ := openTestStore(t)
			countFixture(t, s)
			if err := tc.do(s); !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			checkCount(t, s, testKey, tc.want, true)
			checkCount(t, s, otherKey, tc.other, true)
		})
	}
}

// TestCountRecordsWithoutStoredCount starts from models that have no live
// count, as in files written before format 3: whichever comes first —
// CountRecords, a write that changes the count, one that does not — the
// count is right, and stored once known.
func TestCountRecordsWithoutStoredCount(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		do     func(*Store) error
		want   int
		stored bool // the write itself stores the count
	}{
		{name: "count first", do: func(*Store) error { return nil }, want: 4},
		{name: "save new", do: func(s *Store) error { _, err := s.SaveRecords(ctx, testKey, raws(`{"id":"e"}`)); return err }, want: 5, stored: true},
		{name: "save resurrects", do: func(s *Store) error { _, err := s.SaveRecords(ctx, testKey, raws(`{"id":"d"}`)); return err }, want: 5, stored: true},
		{name: "save unchanged", do: func(s *Store) error { _, err := s.SaveRecords(ctx, testKey, raws(`{"id":"a","n":1}`)); return err }, want: 4},
		{name: "save changed", do: func(s *Store) error { _, err := s.SaveRecords(ctx, testKey, raws(`{"id":"a","n":2}`)); return err }, want: 4},
		{name: "update resurrects", do: func(s *Store) error { _, err := s.UpdateRecords(ctx, testKey, raws(`{"id":"d"}`)); return err }, want: 5, stored: true},
		{name: "delete", do: func(s *Store) error { _, err := s.DeleteRecords(ctx, testKey, []string{"a"}); return err }, want: 3, stored: true},
		{name: "track deletes", do: func(s *Store) error {
			_, _, err := s.DeleteRecordsExcept(ctx, testKey, func(id string) bool { return id == "a" })
			return err
		}, want: 1, stored: true},
		{name: "empty", do: func(s *Store) error { _, err := s.EmptyRecords(ctx, testKey); return err }, want: 0, stored: true},
		{name: "prune", do: func(s *Store) error {
			got, err := s.GetRecords(ctx, testKey, []string{"d"})
			if err != nil {
				return err
			}
			_, err = s.PruneRecords(ctx, testKey, got["d"].Meta.Cursor, 0)
			return err
		}, want: 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _, _ := openTestStore(t)
			countFixture(t, s)
			dropLive(t, s, testKey)
			if err := tc.do(s); err != nil {
				t.Fatal(err)
			}
			if _, found := storedCount(t, s, testKey); found != tc.stored {
				t.Fatalf("stored count after the write: %v, want %v", found, tc.stored)
			}
			checkCount(t, s, testKey, tc.want, false)
			// CountRecords stored what it counted: the next call reads it.
			if n, found := storedCount(t, s, testKey); !found || n != tc.want {
				t.Fatalf("stored count after CountRecords: %d %v, want %d", n, found, tc.want)
			}
			checkCount(t, s, otherKey, 2, true)
		})
	}
}

// TestCountRecordsFormat2File opens a file of format 2, whose models have
// no live count, and counts them.
func TestCountRecordsFormat2File(t *testing.T) {
	s, clock, path := openTestStore(t)
	countFixture(t, s)
	dropLive(t, s, testKey)
	dropLive(t, s, otherKey)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	setFormat(t, path, "2")
	s, err := Open(path, Options{Now: clock.Now, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := readFormatOf(t, s); got != "3" {
		t.Fatalf("format after open: %q", got)
	}
	mustSave(t, s, otherKey, `{"id":"z"}`)
	checkCount(t, s, testKey, 4, false)
	checkCount(t, s, otherKey, 3, true)
}

func readFormatOf(t *testing.T, s *Store) string {
	t.Helper()
	var v string
	if err := s.db.View(func(tx *bolt.Tx) error {
		v = string(tx.Bucket(bucketFormat).Get(keyFormat))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestCountRecordsReservedIDs saves records named like the keys kept in a
// model's bucket: they are records like any other, and reads see only
// records.
func TestCountRecordsReservedIDs(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	ids := []string{"data", "index", "live", "pruned-until"}
	for _, id := range ids {
		mustSave(t, s, testKey, fmt.Sprintf(`{"id":%q}`, id))
	}
	mustPrune(t, s, cursorOf(t, s, "index"), 0)
	checkCount(t, s, testKey, 4, true)
	page, err := s.ListRecords(ctx, testKey, ListQuery{})
	if err != nil || len(page.Records) != len(ids) {
		t.Fatalf("list: %+v %v", page, err)
	}
	for i, r := range page.Records {
		if r.ID != ids[i] {
			t.Fatalf("record %d is %q, want %q", i, r.ID, ids[i])
		}
	}
	if _, err := s.DeleteRecords(ctx, testKey, []string{"live"}); err != nil {
		t.Fatal(err)
	}
	checkCount(t, s, testKey, 3, true)
}

// TestCountRecordsConcurrent counts a model without a stored count from
// several goroutines while another writes to it: whichever stores the
// count first, it ends right.
func TestCountRecordsConcurrent(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	countFixture(t, s)
	dropLive(t, s, testKey)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 20 {
				if _, err := s.CountRecords(ctx, testKey); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	for i := range 20 {
		if _, err := s.SaveRecords(ctx, testKey, raws(fmt.Sprintf(`{"id":"n%d"}`, i))); err != nil {
			t.Fatal(err)
		}
		if i%5 == 0 {
			if _, err := s.DeleteRecords(ctx, testKey, []string{fmt.Sprintf("n%d", i)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	wg.Wait()
	checkCount(t, s, testKey, 4+16, true)
}
