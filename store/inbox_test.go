package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// inboxEntry is a pending entry of dev/github with the given delivery id.
func inboxEntry(delivery string) InboxEntry {
	return InboxEntry{
		Environment: "dev", Integration: "github", DeliveryID: delivery, EventType: "push",
		Header: map[string]string{"x-github-delivery": delivery}, Body: []byte(`{"delivery":"` + delivery + `"}`),
	}
}

func mustAppend(t testing.TB, s *Store, e InboxEntry) InboxEntry {
	t.Helper()
	got, dup, err := s.AppendInbox(context.Background(), e, 0)
	if err != nil || dup {
		t.Fatalf("append %s: dup=%v err=%v", e.DeliveryID, dup, err)
	}
	return got
}

func inboxIDs(entries []InboxEntry) []uint64 {
	out := make([]uint64, len(entries))
	for i, e := range entries {
		out[i] = e.ID
	}
	return out
}

func TestInboxAppendAndGet(t *testing.T) {
	s, clock, _ := openTestStore(t)
	ctx := context.Background()
	e := mustAppend(t, s, inboxEntry("d-1"))
	if e.ID != 1 || e.Status != InboxPending || !e.ReceivedAt.Equal(clock.Now()) || !e.UpdatedAt.Equal(clock.Now()) || string(e.Body) != `{"delivery":"d-1"}` {
		t.Fatalf("appended: %+v", e)
	}
	got, err := s.GetInbox(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.DeliveryID != "d-1" || got.EventType != "push" || got.Header["x-github-delivery"] != "d-1" || !bytes.Equal(got.Body, e.Body) || !got.ReceivedAt.Equal(e.ReceivedAt) {
		t.Fatalf("get: %+v", got)
	}
	if second := mustAppend(t, s, inboxEntry("d-2")); second.ID != 2 {
		t.Fatalf("second id = %d", second.ID)
	}
	if _, err := s.GetInbox(ctx, 99); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get 99: %v", err)
	}
}

func TestInboxDedupe(t *testing.T) {
	window := time.Hour
	for _, tc := range []struct {
		name  string
		later func(e InboxEntry) InboxEntry // the second delivery
		after time.Duration                 // how long after the first it arrives
		dup   bool
	}{
		{"same delivery within the window", func(e InboxEntry) InboxEntry { return e }, 59 * time.Minute, true},
		{"same delivery, other body", func(e InboxEntry) InboxEntry { e.Body = []byte(`{}`); return e }, 0, true},
		{"same delivery after the window", func(e InboxEntry) InboxEntry { return e }, time.Hour, false},
		{"other delivery", func(e InboxEntry) InboxEntry { e.DeliveryID = "d-2"; return e }, 0, false},
		{"other integration", func(e InboxEntry) InboxEntry { e.Integration = "github-2"; return e }, 0, false},
		{"other environment", func(e InboxEntry) InboxEntry { e.Environment = "prod"; return e }, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, clock, _ := openTestStore(t)
			ctx := context.Background()
			first, _, err := s.AppendInbox(ctx, inboxEntry("d-1"), window)
			if err != nil {
				t.Fatal(err)
			}
			clock.Advance(tc.after)
			got, dup, err := s.AppendInbox(ctx, tc.later(inboxEntry("d-1")), window)
			if err != nil || dup != tc.dup {
				t.Fatalf("second append: dup=%v err=%v, want dup=%v", dup, err, tc.dup)
			}
			pending, err := s.PendingInbox(ctx, 0, 10)
			if err != nil {
				t.Fatal(err)
			}
			if tc.dup {
				if got.ID != first.ID || got.DeliveryID != "d-1" || len(pending) != 1 {
					t.Fatalf("duplicate answered %+v, pending %v", got, inboxIDs(pending))
				}
				return
			}
			if got.ID == first.ID || len(pending) != 2 {
				t.Fatalf("new delivery answered %+v, pending %v", got, inboxIDs(pending))
			}
			// The window restarts with the stored delivery.
			if _, dup, _ := s.AppendInbox(ctx, tc.later(inboxEntry("d-1")), window); !dup {
				t.Fatal("third delivery is not a duplicate of the second")
			}
		})
	}
}

func TestInboxDedupeConcurrent(t *testing.T) {
	s, _, _ := openTestStore(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	news, seen := 0, map[uint64]bool{}
	for i := range 64 {
		wg.Go(func() {
			got, dup, err := s.AppendInbox(context.Background(), inboxEntry(fmt.Sprintf("d-%d", i%8)), 0)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			seen[got.ID] = true
			if !dup {
				news++
			}
		})
	}
	wg.Wait()
	if news != 8 || len(seen) != 8 {
		t.Fatalf("64 appends of 8 deliveries: %d new, %d ids", news, len(seen))
	}
}

func TestInboxBadInput(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	big := inboxEntry("big")
	big.Body = make([]byte, MaxInboxBody+1)
	for _, tc := range []struct {
		name string
		e    InboxEntry
		want error
	}{
		{"no environment", InboxEntry{Integration: "a", DeliveryID: "d"}, ErrInvalidKey},
		{"NUL in integration", InboxEntry{Environment: "dev", Integration: "a\x00b", DeliveryID: "d"}, ErrInvalidKey},
		{"no delivery id", InboxEntry{Environment: "dev", Integration: "a"}, ErrInvalidKey},
		{"huge delivery id", InboxEntry{Environment: "dev", Integration: "a", DeliveryID: strings.Repeat("x", 2000)}, ErrInvalidKey},
		{"body over the limit", big, ErrInvalidWebhook},
		{"unknown status", InboxEntry{Environment: "dev", Integration: "a", DeliveryID: "d", Status: "new"}, ErrInvalidWebhook},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := s.AppendInbox(ctx, tc.e, 0); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		name string
		q    InboxQuery
		want error
	}{
		{"no environment", InboxQuery{}, ErrInvalidKey},
		{"limit too large", InboxQuery{Environment: "dev", Limit: MaxInboxLimit + 1}, ErrInvalidQuery},
		{"negative limit", InboxQuery{Environment: "dev", Limit: -1}, ErrInvalidQuery},
		{"unknown status", InboxQuery{Environment: "dev", Status: "new"}, ErrInvalidQuery},
		{"malformed cursor", InboxQuery{Environment: "dev", Cursor: "x1"}, ErrInvalidCursor},
		{"cursor with leading zero", InboxQuery{Environment: "dev", Cursor: "01"}, ErrInvalidCursor},
	} {
		t.Run("list/"+tc.name, func(t *testing.T) {
			if _, err := s.ListInbox(ctx, tc.q); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := s.PendingInbox(ctx, 0, MaxInboxLimit+1); !errors.Is(err, ErrInvalidQuery) {
		t.Fatalf("pending with a large limit: %v", err)
	}
	if page, _ := s.ListInbox(ctx, InboxQuery{Environment: "dev"}); len(page.Entries) != 0 {
		t.Fatalf("bad input stored entries: %v", inboxIDs(page.Entries))
	}
}

func TestInboxDurableAcrossRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ferry.db")
	clock := newFakeClock()
	s, err := Open(path, Options{Now: clock.Now}) // fsync on
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	first := mustAppend(t, s, inboxEntry("d-1"))
	mustAppend(t, s, inboxEntry("d-2"))
	if err := s.RecordRejectedWebhook(ctx, RejectedWebhook{Environment: "dev", Integration: "github", Reason: "bad"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(path, Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.GetInbox(ctx, first.ID)
	if err != nil || !bytes.Equal(got.Body, first.Body) || got.DeliveryID != "d-1" {
		t.Fatalf("after restart: %+v %v", got, err)
	}
	if pending, _ := s.PendingInbox(ctx, 0, 10); !slices.Equal(inboxIDs(pending), []uint64{1, 2}) {
		t.Fatalf("pending after restart: %v", inboxIDs(pending))
	}
	if _, dup, _ := s.AppendInbox(ctx, inboxEntry("d-1"), 0); !dup {
		t.Fatal("a redelivery after restart was not recognised")
	}
	if third := mustAppend(t, s, inboxEntry("d-3")); third.ID != 3 {
		t.Fatalf("ids restarted: %d", third.ID)
	}
	if page, _ := s.ListRejectedWebhooks(ctx, RejectedQuery{Environment: "dev"}); len(page.Entries) != 1 {
		t.Fatalf("rejected after restart: %+v", page)
	}
}
