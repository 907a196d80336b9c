package store

import (
	"context"
	"fmt"
	"testing"
	"time"
)

func TestInboxCounts(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	if got, err := s.InboxCounts(ctx); err != nil || got != (InboxCounts{}) {
		t.Fatalf("empty inbox: %+v %v", got, err)
	}
	statuses := []string{InboxPending, InboxPending, InboxParked, InboxUnattributed, InboxProcessed, InboxUnattributed}
	for i, status := range statuses {
		e := mustAppend(t, s, inboxEntry(fmt.Sprintf("d-%d", i)))
		if _, err := s.UpdateInbox(ctx, e.ID, func(e *InboxEntry) error { e.Status = status; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.InboxCounts(ctx)
	if want := (InboxCounts{Pending: 2, Parked: 1, Unattributed: 2}); err != nil || got != want {
		t.Fatalf("counts = %+v, %v; want %+v", got, err, want)
	}
}

func TestOutboxCounts(t *testing.T) {
	s, clock, _ := openTestStore(t)
	ctx := context.Background()
	setWebhookURLs(t, s, "dev", "https://a.example/hook")
	for _, status := range []OutboxStatus{OutboxPending, OutboxDelivered, OutboxFailed, OutboxFailed, OutboxPending} {
		e := enqueueOne(t, s, OutboxMessage{Environment: "dev", Type: "sync", Body: []byte(`{}`)})[0]
		if status == OutboxPending {
			continue
		}
		if _, err := s.RecordOutboxAttempt(ctx, e.ID, OutboxAttempt{At: clock.Now()}, status, clock.Now().Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.OutboxCounts(ctx)
	if want := (OutboxCounts{Pending: 2, Failed: 2}); err != nil || got != want {
		t.Fatalf("counts = %+v, %v; want %+v", got, err, want)
	}
}

func TestCountsCanceled(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name  string
		count func() error
	}{
		{"inbox", func() error { _, err := s.InboxCounts(ctx); return err }},
		{"outbox", func() error { _, err := s.OutboxCounts(ctx); return err }},
		{"records", func() error { _, err := s.CountRecords(ctx, testKey); return err }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.count(); err == nil {
				t.Fatal("canceled count succeeded")
			}
		})
	}
}
