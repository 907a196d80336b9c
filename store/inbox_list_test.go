package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestInboxListPaging(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	// ids 1..9: integrations a, b, c in turn; every third processed;
	// ids 4 and 8 have a target for connection "c-1".
	for i := 1; i <= 9; i++ {
		e := inboxEntry(fmt.Sprintf("d-%d", i))
		e.Integration = string(rune('a' + (i-1)%3))
		id := mustAppend(t, s, e).ID
		_, err := s.UpdateInbox(ctx, id, func(e *InboxEntry) error {
			if i%3 == 0 {
				e.Status = InboxProcessed
			}
			if i%4 == 0 {
				e.Targets = []InboxTarget{{ConnectionID: "c-2", Status: "done"}, {ConnectionID: "c-1", Status: "pending"}}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	mustAppend(t, s, InboxEntry{Environment: "prod", Integration: "a", DeliveryID: "p", Body: []byte("{}")}) // id 10, elsewhere

	for _, tc := range []struct {
		name  string
		q     InboxQuery
		pages [][]uint64
	}{
		{"all, pages of 4", InboxQuery{Limit: 4}, [][]uint64{{9, 8, 7, 6}, {5, 4, 3, 2}, {1}}},
		{"all, exact pages", InboxQuery{Limit: 3}, [][]uint64{{9, 8, 7}, {6, 5, 4}, {3, 2, 1}, {}}},
		{"integration", InboxQuery{Integration: "a", Limit: 2}, [][]uint64{{7, 4}, {1}}},
		{"status", InboxQuery{Status: InboxProcessed}, [][]uint64{{9, 6, 3}}},
		{"connection", InboxQuery{ConnectionID: "c-1"}, [][]uint64{{8, 4}}},
		{"integration and connection", InboxQuery{Integration: "b", ConnectionID: "c-1"}, [][]uint64{{8}}},
		{"nothing", InboxQuery{Integration: "zzz"}, [][]uint64{{}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := tc.q
			q.Environment = "dev"
			for i, want := range tc.pages {
				page, err := s.ListInbox(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(inboxIDs(page.Entries), want) {
					t.Fatalf("page %d = %v, want %v", i, inboxIDs(page.Entries), want)
				}
				for _, e := range page.Entries {
					if e.Body != nil {
						t.Fatalf("listed entry %d carries its body", e.ID)
					}
				}
				if last := i == len(tc.pages)-1; last != (page.NextCursor == "") {
					t.Fatalf("page %d: next cursor %q", i, page.NextCursor)
				}
				q.Cursor = page.NextCursor
			}
		})
	}
}

func TestInboxPrune(t *testing.T) {
	s, clock, _ := openTestStore(t)
	ctx := context.Background()
	window := 2 * time.Hour
	status := []string{InboxProcessed, InboxPending, InboxParked, InboxUnattributed, InboxProcessed}
	for i, st := range status {
		id := mustAppendWindow(t, s, inboxEntry(fmt.Sprintf("old-%d", i)), window)
		if _, err := s.UpdateInbox(ctx, id, func(e *InboxEntry) error { e.Status = st; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	clock.Advance(3 * time.Hour) // the old deliveries' window has passed
	cut := clock.Now()
	recent := mustAppendWindow(t, s, inboxEntry("new"), window)
	if _, err := s.UpdateInbox(ctx, recent, func(e *InboxEntry) error { e.Status = InboxProcessed; return nil }); err != nil {
		t.Fatal(err)
	}

	n, err := s.PruneInbox(ctx, cut)
	if err != nil || n != 2 {
		t.Fatalf("prune: %d %v, want 2", n, err)
	}
	page, err := s.ListInbox(ctx, InboxQuery{Environment: "dev"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []uint64{6, 4, 3, 2}; !slices.Equal(inboxIDs(page.Entries), want) {
		t.Fatalf("after prune: %v, want %v", inboxIDs(page.Entries), want)
	}
	if _, err := s.GetInbox(ctx, 1); !errors.Is(err, ErrNotFound) {
		t.Fatalf("pruned entry: %v", err)
	}
	// Expired keys are gone (the delivery is new again); live ones stay.
	if _, dup, _ := s.AppendInbox(ctx, inboxEntry("old-0"), window); dup {
		t.Error("an expired delivery id still deduplicates")
	}
	if _, dup, _ := s.AppendInbox(ctx, inboxEntry("new"), window); !dup {
		t.Error("a live delivery id was pruned")
	}
	if n, err := s.PruneInbox(ctx, cut); err != nil || n != 0 {
		t.Fatalf("second prune: %d %v", n, err)
	}
}

func mustAppendWindow(t *testing.T, s *Store, e InboxEntry, window time.Duration) uint64 {
	t.Helper()
	got, dup, err := s.AppendInbox(context.Background(), e, window)
	if err != nil || dup {
		t.Fatalf("append %s: dup=%v err=%v", e.DeliveryID, dup, err)
	}
	return got.ID
}

func TestInboxPruneManyBatches(t *testing.T) {
	s, clock, _ := openTestStore(t)
	ctx := context.Background()
	const n = 2*pruneBatch + 10
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			e := inboxEntry(fmt.Sprintf("d-%d", i))
			e.Status = InboxProcessed
			if _, _, err := s.AppendInbox(ctx, e, time.Minute); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	clock.Advance(time.Hour)
	if got, err := s.PruneInbox(ctx, clock.Now()); err != nil || got != n {
		t.Fatalf("prune: %d %v, want %d", got, err, n)
	}
	if _, dup, _ := s.AppendInbox(ctx, inboxEntry("d-0"), time.Minute); dup {
		t.Fatal("dedupe key outlived its window and the prune")
	}
}
