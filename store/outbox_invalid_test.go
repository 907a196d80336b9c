package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestOutboxBadInput(t *testing.T) {
	s, clock, _ := openTestStore(t)
	ctx := context.Background()
	setWebhookURLs(t, s, "dev", "https://a.example/hook")
	valid := enqueueOne(t, s, OutboxMessage{Environment: "dev", Type: "sync", Body: []byte(`{}`)})[0].ID
	cases := []struct {
		name string
		run  func() error
		want error
	}{
		{"no environment", func() error {
			_, err := s.EnqueueOutbox(ctx, []OutboxMessage{{Type: "sync", Body: []byte(`{}`)}})
			return err
		}, ErrInvalidKey},
		{"no body", func() error {
			_, err := s.EnqueueOutbox(ctx, []OutboxMessage{{Environment: "dev", Type: "sync"}})
			return err
		}, ErrInvalidWebhook},
		{"unknown id", func() error { _, err := s.GetOutbox(ctx, "msg_00000000000000000000000000"); return err }, ErrNotFound},
		{"malformed id", func() error { _, err := s.GetOutbox(ctx, "nope"); return err }, ErrNotFound},
		{"upper-case id", func() error { _, err := s.GetOutbox(ctx, "msg_"+strings.ToUpper(valid[4:])); return err }, ErrNotFound},
		{"retry unknown", func() error { _, err := s.RetryOutbox(ctx, "msg_x", clock.Now()); return err }, ErrNotFound},
		{"record bad status", func() error {
			_, err := s.RecordOutboxAttempt(ctx, valid, OutboxAttempt{}, "lost", time.Time{})
			return err
		}, ErrInvalidQuery},
		{"claim nothing", func() error { _, err := s.ClaimOutbox(ctx, clock.Now(), time.Minute, 0); return err }, ErrInvalidQuery},
		{"list no environment", func() error { _, err := s.ListOutbox(ctx, OutboxQuery{}); return err }, ErrInvalidKey},
		{"list bad status", func() error { _, err := s.ListOutbox(ctx, OutboxQuery{Environment: "dev", Status: "lost"}); return err }, ErrInvalidQuery},
		{"list limit too large", func() error {
			_, err := s.ListOutbox(ctx, OutboxQuery{Environment: "dev", Limit: MaxOutboxLimit + 1})
			return err
		}, ErrInvalidQuery},
		{"list malformed cursor", func() error {
			_, err := s.ListOutbox(ctx, OutboxQuery{Environment: "dev", Cursor: "msg_!!"})
			return err
		}, ErrInvalidCursor},
		{"too many URLs", func() error {
			_, err := s.UpdateWebhookSettings(ctx, "dev", func(ws *WebhookSettings) error {
				ws.URLs = []string{"https://a", "https://b", "https://c"}
				return nil
			})
			return err
		}, ErrInvalidWebhook},
		{"override of unknown connection", func() error { return s.SetConnectionWebhookURL(ctx, testConn, "https://x") }, ErrNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.run(); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}
