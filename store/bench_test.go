package store

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

const benchBatch = 1000 // Nango's batchSave chunk

// benchRecord renders a record of about 1 KB shaped like a typical API
// object: scalars, a nested object, an array and a longer text field.
func benchRecord(id string, version int) json.RawMessage {
	head := fmt.Sprintf(`{"id":%q,"number":%d,"title":"Crash when the configuration file is missing","state":"open",`+
		`"locked":false,"comments":%d,"created_at":"2025-01-02T03:04:05Z","updated_at":"2025-02-03T04:05:06Z",`+
		`"user":{"login":"octocat","id":583231,"type":"User","site_admin":false,"url":"https://api.github.com/users/octocat"},`+
		`"labels":[{"name":"bug","color":"d73a4a"},{"name":"p1","color":"b60205"}],"body":"`, id, len(id), version)
	pad := 1024 - len(head) - 2
	return json.RawMessage(head + strings.Repeat("lorem ipsum ", pad/12+1)[:pad] + `"}`)
}

func benchStore(b *testing.B) *Store {
	b.Helper()
	s, err := Open(filepath.Join(b.TempDir(), "bench.db"), Options{}) // fsync on
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	return s
}

func benchBatchOf(ids func(i int) string, version int) []json.RawMessage {
	batch := make([]json.RawMessage, benchBatch)
	for i := range batch {
		batch[i] = benchRecord(ids(i), version)
	}
	return batch
}

// BenchmarkSaveRecords saves batches of 1000 1 KB records with fsync on and
// reports records/s. Variants: new records with increasing ids (appends) and
// with random ids (inserts all over the tree), changed records, and
// unchanged re-saves (the common case of a full sync).
func BenchmarkSaveRecords(b *testing.B) {
	ctx := context.Background()
	key := ModelKey{Connection: testConn, Model: "Issue"}
	sameIDs := func(j int) string { return fmt.Sprintf("issue-%09d", j) }
	run := func(b *testing.B, setup []json.RawMessage, next func(i int) []json.RawMessage, check func(BatchResult) bool) {
		s := benchStore(b)
		if setup != nil {
			if _, err := s.SaveRecords(ctx, key, setup); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			b.StopTimer()
			batch := next(i)
			b.StartTimer()
			res, err := s.SaveRecords(ctx, key, batch)
			if err != nil {
				b.Fatal(err)
			}
			if !check(res) {
				b.Fatalf("unexpected result %+v", res)
			}
		}
		b.ReportMetric(float64(b.N*benchBatch)/b.Elapsed().Seconds(), "records/s")
	}
	added := func(r BatchResult) bool { return r.Added == benchBatch }

	b.Run("added/sequential-ids", func(b *testing.B) {
		run(b, nil, func(i int) []json.RawMessage {
			return benchBatchOf(func(j int) string { return sameIDs(i*benchBatch + j) }, 0)
		}, added)
	})
	b.Run("added/random-ids", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(1, 2))
		run(b, nil, func(int) []json.RawMessage {
			return benchBatchOf(func(int) string { return fmt.Sprintf("%016x%016x", rng.Uint64(), rng.Uint64()) }, 0)
		}, added)
	})
	b.Run("updated", func(b *testing.B) {
		run(b, benchBatchOf(sameIDs, 0), func(i int) []json.RawMessage {
			return benchBatchOf(sameIDs, i+1)
		}, func(r BatchResult) bool { return r.Updated == benchBatch })
	})
	// The floor: the same records put by a plain bbolt loop, one fsynced
	// transaction per batch, no change tracking. Report added/sequential
	// against it.
	b.Run("bolt-baseline", func(b *testing.B) {
		db, err := bolt.Open(filepath.Join(b.TempDir(), "plain.db"), 0o600, &bolt.Options{FreelistType: bolt.FreelistMapType})
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			b.StopTimer()
			batch := benchBatchOf(func(j int) string { return sameIDs(i*benchBatch + j) }, 0)
			b.StartTimer()
			err := db.Update(func(tx *bolt.Tx) error {
				bk, err := tx.CreateBucketIfNotExists([]byte("Issue"))
				if err != nil {
					return err
				}
				for j, rec := range batch {
					if err := bk.Put([]byte(sameIDs(i*benchBatch+j)), rec); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*benchBatch)/b.Elapsed().Seconds(), "records/s")
	})
	b.Run("unchanged", func(b *testing.B) {
		batch := benchBatchOf(sameIDs, 0)
		run(b, batch, func(int) []json.RawMessage { return batch },
			func(r BatchResult) bool { return r.Unchanged == benchBatch })
	})
}

// BenchmarkListRecords pages through 20,000 changes, 1000 at a time.
func BenchmarkListRecords(b *testing.B) {
	ctx := context.Background()
	const total = 20 * benchBatch
	s, key := benchFilled(b, total)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		q, n := ListQuery{Limit: benchBatch}, 0
		for {
			page, err := s.ListRecords(ctx, key, q)
			if err != nil {
				b.Fatal(err)
			}
			n += len(page.Records)
			if page.NextCursor == "" {
				break
			}
			q.Cursor = page.NextCursor
		}
		if n != total {
			b.Fatalf("listed %d records, want %d", n, total)
		}
	}
	b.ReportMetric(float64(b.N*total)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkParseBatch measures validation, compaction and hashing of a batch
// of 1000 1 KB records, the part of SaveRecords that runs before the write
// transaction.
func BenchmarkParseBatch(b *testing.B) {
	batch := benchBatchOf(func(j int) string { return fmt.Sprintf("issue-%09d", j) }, 0)
	b.SetBytes(int64(benchBatch * len(batch[0])))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := parseBatch(batch); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCountRecords counts a model of 100,000 records of ~1 KB (a
// tenth of them deleted), as the sync status does once per model.
func BenchmarkCountRecords(b *testing.B) {
	ctx := context.Background()
	const total = 100 * benchBatch
	s, key := benchFilled(b, total)
	var deleted []string
	for i := 0; i < total; i += 10 {
		deleted = append(deleted, benchIssueID(i))
	}
	if _, err := s.DeleteRecords(ctx, key, deleted); err != nil {
		b.Fatal(err)
	}
	want := total - len(deleted)
	b.ReportAllocs()
	for b.Loop() {
		n, err := s.CountRecords(ctx, key)
		if err != nil || n != want {
			b.Fatalf("count = %d, %v; want %d", n, err, want)
		}
	}
}

// benchIssueID is the id of the i-th record benchFilled saves.
func benchIssueID(i int) string { return fmt.Sprintf("issue-%09d", i) }

// benchFilled is a NoSync store (closed with the benchmark) whose model
// Issue holds total ~1 KB records, saved in batches of benchBatch.
func benchFilled(b *testing.B, total int) (*Store, ModelKey) {
	b.Helper()
	s, err := Open(filepath.Join(b.TempDir(), "bench.db"), Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	key := ModelKey{Connection: testConn, Model: "Issue"}
	for i := range total / benchBatch {
		batch := benchBatchOf(func(j int) string { return benchIssueID(i*benchBatch + j) }, 0)
		if _, err := s.SaveRecords(context.Background(), key, batch); err != nil {
			b.Fatal(err)
		}
	}
	return s, key
}
