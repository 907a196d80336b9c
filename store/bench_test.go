package store

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
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

// BenchmarkSaveRecords saves batches of 1000 1 KB records with fsync on.
func BenchmarkSaveRecords(b *testing.B) {
	ctx := context.Background()
	key := ModelKey{Connection: testConn, Model: "Issue"}
	run := func(b *testing.B, next func(i int) []json.RawMessage, check func(BatchResult) bool) {
		s := benchStore(b)
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
		run(b, func(i int) []json.RawMessage {
			return benchBatchOf(func(j int) string { return fmt.Sprintf("issue-%09d", i*benchBatch+j) }, 0)
		}, added)
	})
	b.Run("added/random-ids", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(1, 2))
		run(b, func(int) []json.RawMessage {
			return benchBatchOf(func(int) string { return fmt.Sprintf("%016x%016x", rng.Uint64(), rng.Uint64()) }, 0)
		}, added)
	})
	b.Run("updated", func(b *testing.B) {
		run(b, func(i int) []json.RawMessage {
			return benchBatchOf(func(j int) string { return fmt.Sprintf("issue-%09d", j) }, i)
		}, func(r BatchResult) bool { return r.Added+r.Updated == benchBatch })
	})
	b.Run("unchanged", func(b *testing.B) {
		batch := benchBatchOf(func(j int) string { return fmt.Sprintf("issue-%09d", j) }, 0)
		first := true
		run(b, func(int) []json.RawMessage { return batch }, func(r BatchResult) bool {
			ok := r.Unchanged == benchBatch || first && r.Added == benchBatch
			first = false
			return ok
		})
	})
}
