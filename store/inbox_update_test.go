package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestInboxPendingOrder(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	for i := range 6 {
		mustAppend(t, s, inboxEntry(fmt.Sprintf("d-%d", i)))
	}
	for _, id := range []uint64{2, 5} {
		if _, err := s.UpdateInbox(ctx, id, func(e *InboxEntry) error { e.Status = InboxProcessed; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		after uint64
		limit int
		want  []uint64
	}{
		{0, 10, []uint64{1, 3, 4, 6}},
		{0, 2, []uint64{1, 3}},
		{3, 0, []uint64{4, 6}},
		{6, 10, []uint64{}},
		{^uint64(0), 10, []uint64{}},
	} {
		got, err := s.PendingInbox(ctx, tc.after, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(inboxIDs(got), tc.want) {
			t.Errorf("PendingInbox(%d, %d) = %v, want %v", tc.after, tc.limit, inboxIDs(got), tc.want)
		}
		for _, e := range got {
			if len(e.Body) == 0 {
				t.Errorf("pending entry %d without its body", e.ID)
			}
		}
	}
	// Back to pending: listed again.
	if _, err := s.UpdateInbox(ctx, 2, func(e *InboxEntry) error { e.Status = InboxPending; return nil }); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.PendingInbox(ctx, 0, 10); !slices.Equal(inboxIDs(got), []uint64{1, 2, 3, 4, 6}) {
		t.Errorf("after replay: %v", inboxIDs(got))
	}
}

func TestInboxUpdate(t *testing.T) {
	s, clock, _ := openTestStore(t)
	ctx := context.Background()
	e := mustAppend(t, s, inboxEntry("d-1"))
	clock.Advance(time.Minute)
	next := clock.Now().Add(time.Hour)
	got, err := s.UpdateInbox(ctx, e.ID, func(e *InboxEntry) error {
		if e.Body != nil {
			t.Error("fn sees the body")
		}
		e.Targets = []InboxTarget{{ConnectionID: "c-1", Status: "done"}, {ConnectionID: "c-2", Status: "retrying", Attempts: 1, NextAttemptAt: next, LastError: "boom"}}
		e.Attempts, e.LastError = 1, "partial"
		e.ID, e.DeliveryID, e.Integration, e.Body = 42, "forged", "other", []byte("x") // ignored
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := s.GetInbox(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []InboxEntry{got, stored} {
		if x.ID != e.ID || x.DeliveryID != "d-1" || x.Integration != "github" || len(x.Targets) != 2 ||
			!x.Targets[1].NextAttemptAt.Equal(next) || x.Targets[1].LastError != "boom" || x.Attempts != 1 || !x.UpdatedAt.Equal(clock.Now()) {
			t.Fatalf("updated entry: %+v", x)
		}
	}
	if string(stored.Body) != `{"delivery":"d-1"}` {
		t.Fatalf("body changed: %q", stored.Body)
	}

	for _, tc := range []struct {
		name string
		id   uint64
		fn   func(*InboxEntry) error
		want error
	}{
		{"fn fails", e.ID, func(e *InboxEntry) error { e.Status = InboxParked; return ErrInUse }, ErrInUse},
		{"unknown status", e.ID, func(e *InboxEntry) error { e.Status = "lost"; return nil }, ErrInvalidWebhook},
		{"no such entry", 99, func(e *InboxEntry) error { return nil }, ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.UpdateInbox(ctx, tc.id, tc.fn); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if again, _ := s.GetInbox(ctx, e.ID); again.Status != InboxPending || !again.UpdatedAt.Equal(stored.UpdatedAt) {
				t.Fatalf("entry changed: %+v", again)
			}
		})
	}
}

// Updates sharing a commit: one failing or panicking function fails only
// its own call; the others are committed.
func TestInboxBatchedUpdatesIsolateFailures(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	const n = 200
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if _, _, err := s.AppendInbox(ctx, inboxEntry(fmt.Sprintf("d-%d", i)), 0); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	errs := make([]error, n+1)
	for id := uint64(1); id <= n; id++ {
		wg.Go(func() {
			_, errs[id] = s.UpdateInbox(ctx, id, func(e *InboxEntry) error {
				switch id % 10 {
				case 3:
					return ErrInUse
				case 7:
					panic("handler bug")
				}
				e.Status, e.Attempts = InboxProcessed, e.Attempts+1
				return nil
			})
		})
	}
	wg.Wait()
	for id := uint64(1); id <= n; id++ {
		e, err := s.GetInbox(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		switch id % 10 {
		case 3, 7:
			if errs[id] == nil || e.Status != InboxPending || e.Attempts != 0 {
				t.Fatalf("entry %d: err %v, stored %s/%d; want an error and no change", id, errs[id], e.Status, e.Attempts)
			}
		default:
			if errs[id] != nil || e.Status != InboxProcessed || e.Attempts != 1 {
				t.Fatalf("entry %d: err %v, stored %s/%d; want processed once", id, errs[id], e.Status, e.Attempts)
			}
		}
	}
	if !errors.Is(errs[3], ErrInUse) || !strings.Contains(errs[7].Error(), "panic") {
		t.Fatalf("errors: %v, %v", errs[3], errs[7])
	}
}
