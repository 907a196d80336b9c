package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestRejectedWebhooks(t *testing.T) {
	s, clock, _ := openTestStore(t)
	ctx := context.Background()
	big := []byte(strings.Repeat("x", MaxRejectedBody+100))
	for i, r := range []RejectedWebhook{
		{Environment: "dev", Integration: "github", Reason: "bad signature", Header: map[string]string{"x-hub-signature-256": "sha256=00"}, Body: []byte(`{"a":1}`)},
		{Environment: "dev", Integration: "slack", Reason: "stale timestamp", Body: big},
		{Environment: "prod", Integration: "github", Reason: "elsewhere"},
		{Environment: "dev", Integration: "github", Reason: "missing signature"},
	} {
		if err := s.RecordRejectedWebhook(ctx, r); err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
	}
	page, err := s.ListRejectedWebhooks(ctx, RejectedQuery{Environment: "dev"})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Entries) != 3 || page.NextCursor != "" {
		t.Fatalf("dev's: %+v", page)
	}
	last, slack, first := page.Entries[0], page.Entries[1], page.Entries[2]
	if last.ID != 4 || last.Reason != "missing signature" || !last.At.Equal(clock.Now()) {
		t.Errorf("newest: %+v", last)
	}
	if len(slack.Body) != MaxRejectedBody || slack.BodySize != MaxRejectedBody+100 {
		t.Errorf("big body kept %d of %d bytes", len(slack.Body), slack.BodySize)
	}
	if string(first.Body) != `{"a":1}` || first.Header["x-hub-signature-256"] != "sha256=00" || first.BodySize != 7 {
		t.Errorf("oldest: %+v", first)
	}

	q := RejectedQuery{Environment: "dev", Integration: "github", Limit: 1}
	var reasons []string
	for range 3 {
		page, err := s.ListRejectedWebhooks(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Entries {
			reasons = append(reasons, r.Reason)
		}
		if q.Cursor = page.NextCursor; q.Cursor == "" {
			break
		}
	}
	if got := strings.Join(reasons, ","); got != "missing signature,bad signature" {
		t.Errorf("github's, a page at a time: %s", got)
	}

	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"record without integration", s.RecordRejectedWebhook(ctx, RejectedWebhook{Environment: "dev"}), ErrInvalidKey},
		{"list without environment", errOf(s.ListRejectedWebhooks(ctx, RejectedQuery{})), ErrInvalidKey},
		{"list with a bad cursor", errOf(s.ListRejectedWebhooks(ctx, RejectedQuery{Environment: "dev", Cursor: "-1"})), ErrInvalidCursor},
		{"list with a bad limit", errOf(s.ListRejectedWebhooks(ctx, RejectedQuery{Environment: "dev", Limit: 5000})), ErrInvalidQuery},
	} {
		if !errors.Is(tc.err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, tc.err, tc.want)
		}
	}
}

func errOf[T any](_ T, err error) error { return err }

func TestRejectedWebhooksCapped(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	const extra = 25
	var wg sync.WaitGroup
	work := make(chan int)
	for range 64 {
		wg.Go(func() {
			for i := range work {
				if err := s.RecordRejectedWebhook(ctx, RejectedWebhook{Environment: "dev", Integration: "github", Reason: fmt.Sprint(i)}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	for i := range MaxRejectedWebhooks + extra {
		work <- i
	}
	close(work)
	wg.Wait()

	total, oldest := 0, uint64(0)
	q := RejectedQuery{Environment: "dev", Limit: MaxInboxLimit}
	for {
		page, err := s.ListRejectedWebhooks(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		total += len(page.Entries)
		if n := len(page.Entries); n > 0 {
			oldest = page.Entries[n-1].ID
		}
		if q.Cursor = page.NextCursor; q.Cursor == "" {
			break
		}
	}
	if total != MaxRejectedWebhooks || oldest != extra+1 {
		t.Fatalf("kept %d records, the oldest %d; want %d from %d", total, oldest, MaxRejectedWebhooks, extra+1)
	}
}
