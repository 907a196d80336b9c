package store

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

// TestConcurrentWriters saves, updates and deletes from several goroutines,
// some on a shared model and some on their own, while readers page, and then
// checks that the counts add up and the change index is exact.
func TestConcurrentWriters(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	const (
		writers = 8
		batches = 25
		perBat  = 20
		ids     = 60 // ids on the shared model, so writers collide
	)
	shared := ModelKey{Connection: testConn, Model: "Shared"}
	var sharedAdded, sharedDeleted atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, writers*2)
	done := make(chan struct{})

	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			own := ModelKey{Connection: Connection{"dev", "github", fmt.Sprintf("conn-%d", w)}, Model: "Own"}
			ownAdded := 0
			for b := range batches {
				var mine, theirs []string
				for i := range perBat {
					mine = append(mine, fmt.Sprintf(`{"id":"w%d-%d","b":%d}`, w, b*perBat+i, b))
					theirs = append(theirs, fmt.Sprintf(`{"id":"s%d","by":%d,"b":%d}`, (w*7+b*perBat+i)%ids, w, b))
				}
				res, err := s.SaveRecords(ctx, own, raws(mine...))
				if err != nil {
					errs <- err
					return
				}
				ownAdded += res.Added
				res, err = s.SaveRecords(ctx, shared, raws(theirs...))
				if err != nil {
					errs <- err
					return
				}
				sharedAdded.Add(int64(res.Added))
				if b%5 == 4 {
					res, err := s.DeleteRecords(ctx, shared, []string{fmt.Sprintf("s%d", (w+b)%ids)})
					if err != nil {
						errs <- err
						return
					}
					sharedDeleted.Add(int64(res.Deleted))
				}
			}
			if ownAdded != batches*perBat {
				errs <- fmt.Errorf("writer %d: added %d, want %d", w, ownAdded, batches*perBat)
			}
		}()
	}
	var readers sync.WaitGroup
	for range 2 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				if _, err := s.ListRecords(ctx, shared, ListQuery{Limit: 7}); err != nil {
					errs <- err
					return
				}
				if _, err := s.GetRecords(ctx, shared, []string{"s1", "s2"}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	seen := map[string]bool{}
	var last uint64
	q := ListQuery{Limit: 9}
	for {
		page, err := s.ListRecords(ctx, shared, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Records {
			if seen[r.ID] {
				t.Fatalf("record %s listed twice", r.ID)
			}
			seen[r.ID] = true
			seq := mustSeq(t, r.Meta.Cursor)
			if seq <= last {
				t.Fatalf("cursor %d after %d", seq, last)
			}
			last = seq
		}
		if page.NextCursor == "" {
			break
		}
		q.Cursor = page.NextCursor
	}
	if len(seen) != ids || sharedAdded.Load() != ids {
		t.Errorf("shared model: %d listed, %d added; want %d", len(seen), sharedAdded.Load(), ids)
	}
	if sharedDeleted.Load() == 0 {
		t.Error("no delete took effect")
	}
}
