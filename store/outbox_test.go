package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// setWebhookURLs configures env's webhook URLs.
func setWebhookURLs(t *testing.T, s *Store, env string, urls ...string) {
	t.Helper()
	_, err := s.UpdateWebhookSettings(context.Background(), env, func(ws *WebhookSettings) error {
		ws.URLs = urls
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func enqueueOne(t *testing.T, s *Store, m OutboxMessage) []OutboxEntry {
	t.Helper()
	out, err := s.EnqueueOutbox(context.Background(), []OutboxMessage{m})
	if err != nil {
		t.Fatal(err)
	}
	return out[0]
}

func TestOutboxDeliveryCycle(t *testing.T) {
	s, clock, _ := openTestStore(t)
	ctx := context.Background()
	setWebhookURLs(t, s, "dev", "https://a.example/hook", "https://b.example/hook")

	body := []byte(`{"from":"nango", "type":"sync"}`) // kept byte for byte
	out, err := s.EnqueueOutbox(ctx, []OutboxMessage{
		{Environment: "dev", Type: "sync", Body: body},
		{Environment: "prod", Type: "sync", Body: body}, // prod has no URL
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || len(out[0]) != 2 || len(out[1]) != 0 {
		t.Fatalf("entries per message: %v", out)
	}
	a := out[0][0]
	if a.URL != "https://a.example/hook" || a.Status != OutboxPending || !a.NextAttemptAt.Equal(clock.Now()) || a.ID == out[0][1].ID {
		t.Fatalf("entry: %+v", a)
	}

	claimed, err := s.ClaimOutbox(ctx, clock.Now(), time.Minute, 10)
	if err != nil || len(claimed) != 2 || string(claimed[0].Body) != string(body) || !claimed[0].Leased {
		t.Fatalf("claim: %+v %v", claimed, err)
	}
	if again, err := s.ClaimOutbox(ctx, clock.Now(), time.Minute, 10); err != nil || len(again) != 0 {
		t.Fatalf("leased entries claimed again: %v %v", again, err)
	}

	clock.Advance(time.Second)
	next := clock.Now().Add(5 * time.Second)
	failed := OutboxAttempt{At: clock.Now(), StatusCode: 503, Response: "busy", Duration: time.Millisecond}
	if _, err := s.RecordOutboxAttempt(ctx, a.ID, failed, OutboxPending, next); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordOutboxAttempt(ctx, out[0][1].ID, OutboxAttempt{At: clock.Now(), StatusCode: 200}, OutboxDelivered, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if at, ok, err := s.NextOutboxDue(ctx); err != nil || !ok || !at.Equal(next) {
		t.Fatalf("next due: %v %v %v, want %v", at, ok, err, next)
	}
	if c, _ := s.ClaimOutbox(ctx, clock.Now(), time.Minute, 10); len(c) != 0 {
		t.Fatalf("claimed before due: %+v", c)
	}
	clock.Advance(5 * time.Second)
	claimed, err = s.ClaimOutbox(ctx, clock.Now(), time.Minute, 10)
	if err != nil || len(claimed) != 1 || claimed[0].ID != a.ID || len(claimed[0].Attempts) != 1 {
		t.Fatalf("claim when due: %+v %v", claimed, err)
	}
	gaveUp, err := s.RecordOutboxAttempt(ctx, a.ID, OutboxAttempt{At: clock.Now(), Error: "connection refused"}, OutboxFailed, time.Time{})
	if err != nil || gaveUp.Status != OutboxFailed || !gaveUp.NextAttemptAt.IsZero() || len(gaveUp.Attempts) != 2 {
		t.Fatalf("failed: %+v %v", gaveUp, err)
	}
	if _, ok, _ := s.NextOutboxDue(ctx); ok {
		t.Fatal("a delivered or failed entry is still due")
	}

	// Replay: a new round starts now.
	clock.Advance(time.Hour)
	retried, err := s.RetryOutbox(ctx, a.ID, clock.Now())
	if err != nil || retried.Status != OutboxPending || !retried.RetrySince.Equal(clock.Now()) {
		t.Fatalf("retry: %+v %v", retried, err)
	}
	got, err := s.GetOutbox(ctx, a.ID)
	if err != nil || got.Status != OutboxPending || string(got.Body) != string(body) || len(got.Attempts) != 2 || got.Attempts[0].Response != "busy" {
		t.Fatalf("get: %+v %v", got, err)
	}
}

func TestOutboxConnectionOverride(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	createTestConnection(t, s, testConn)
	setWebhookURLs(t, s, "dev", "https://env.example/hook", "https://env2.example/hook")
	if err := s.SetConnectionWebhookURL(ctx, testConn, "https://conn.example/hook"); err != nil {
		t.Fatal(err)
	}
	m := OutboxMessage{Environment: "dev", ProviderConfigKey: testConn.ProviderConfigKey, ConnectionID: testConn.ConnectionID, Type: "sync", Body: []byte(`{}`)}
	if got := enqueueOne(t, s, m); len(got) != 1 || got[0].URL != "https://conn.example/hook" {
		t.Fatalf("with override: %+v", got)
	}
	other := m
	other.ConnectionID = "conn-2"
	if got := enqueueOne(t, s, other); len(got) != 2 {
		t.Fatalf("another connection: %+v", got)
	}
	if err := s.DeleteConnection(ctx, testConn); err != nil {
		t.Fatal(err)
	}
	if u, err := s.ConnectionWebhookURL(ctx, testConn); err != nil || u != "" {
		t.Fatalf("override outlived its connection: %q %v", u, err)
	}
}

func TestOutboxLeaseEndsAndRelease(t *testing.T) {
	s, clock, _ := openTestStore(t)
	ctx := context.Background()
	setWebhookURLs(t, s, "dev", "https://a.example/hook")
	e := enqueueOne(t, s, OutboxMessage{Environment: "dev", Type: "auth", Body: []byte(`{}`)})[0]
	if c, _ := s.ClaimOutbox(ctx, clock.Now(), time.Minute, 1); len(c) != 1 {
		t.Fatalf("claim: %v", c)
	}
	// A replay does not start a second attempt while one is in flight.
	if r, err := s.RetryOutbox(ctx, e.ID, clock.Now()); err != nil || !r.Leased {
		t.Fatalf("retry while leased: %+v %v", r, err)
	}
	// The process died: the entry is due again when the lease ends.
	clock.Advance(time.Minute)
	if c, _ := s.ClaimOutbox(ctx, clock.Now(), time.Minute, 1); len(c) != 1 || len(c[0].Attempts) != 0 {
		t.Fatalf("claim after the lease: %v", c)
	}
	if err := s.ReleaseOutbox(ctx, e.ID, clock.Now()); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.ClaimOutbox(ctx, clock.Now(), time.Minute, 1); len(c) != 1 {
		t.Fatalf("claim after release: %v", c)
	}
}

func TestOutboxListAndPrune(t *testing.T) {
	s, clock, _ := openTestStore(t)
	ctx := context.Background()
	setWebhookURLs(t, s, "dev", "https://a.example/hook")
	setWebhookURLs(t, s, "prod", "https://p.example/hook")
	var ids []string
	for i := range 5 {
		conn := fmt.Sprintf("conn-%d", i%2)
		e := enqueueOne(t, s, OutboxMessage{Environment: "dev", ProviderConfigKey: "github", ConnectionID: conn, Type: "sync", Body: fmt.Appendf(nil, `{"n":%d}`, i)})[0]
		ids = append(ids, e.ID)
		clock.Advance(time.Second)
	}
	enqueueOne(t, s, OutboxMessage{Environment: "prod", Type: "sync", Body: []byte(`{}`)})
	if _, err := s.RecordOutboxAttempt(ctx, ids[1], OutboxAttempt{At: clock.Now(), StatusCode: 204}, OutboxDelivered, time.Time{}); err != nil {
		t.Fatal(err)
	}

	list := func(q OutboxQuery) []string {
		t.Helper()
		q.Environment = "dev"
		var got []string
		for range 10 {
			page, err := s.ListOutbox(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range page.Entries {
				got = append(got, e.ID)
			}
			if page.NextCursor == "" {
				return got
			}
			q.Cursor = page.NextCursor
		}
		t.Fatal("listing does not end")
		return nil
	}
	cases := []struct {
		name string
		q    OutboxQuery
		want []string
	}{
		{"all newest first", OutboxQuery{}, []string{ids[4], ids[3], ids[2], ids[1], ids[0]}},
		{"pages of two", OutboxQuery{Limit: 2}, []string{ids[4], ids[3], ids[2], ids[1], ids[0]}},
		{"delivered", OutboxQuery{Status: OutboxDelivered}, []string{ids[1]}},
		{"pending of conn-0", OutboxQuery{Status: OutboxPending, ConnectionID: "conn-0"}, []string{ids[4], ids[2], ids[0]}},
		{"other integration", OutboxQuery{ProviderConfigKey: "slack"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := list(tc.q); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}

	n, err := s.PruneOutbox(ctx, clock.Now())
	if err != nil || n != 1 {
		t.Fatalf("prune: %d %v", n, err)
	}
	if _, err := s.GetOutbox(ctx, ids[1]); !errors.Is(err, ErrNotFound) {
		t.Fatalf("pruned entry: %v", err)
	}
	// A cursor naming a pruned entry still continues after it.
	page, err := s.ListOutbox(ctx, OutboxQuery{Environment: "dev", Cursor: ids[1]})
	if err != nil || len(page.Entries) != 1 || page.Entries[0].ID != ids[0] {
		t.Fatalf("after a pruned cursor: %+v %v", page, err)
	}
}

func TestOutboxPruneManyBatches(t *testing.T) {
	s, clock, _ := openTestStore(t)
	ctx := context.Background()
	setWebhookURLs(t, s, "dev", "https://a.example/hook")
	msgs := make([]OutboxMessage, pruneBatch*2+10)
	for i := range msgs {
		msgs[i] = OutboxMessage{Environment: "dev", Type: "sync", Body: []byte(`{}`)}
	}
	out, err := s.EnqueueOutbox(ctx, msgs)
	if err != nil {
		t.Fatal(err)
	}
	for i, es := range out {
		if i == 7 {
			continue // stays pending
		}
		if _, err := s.RecordOutboxAttempt(ctx, es[0].ID, OutboxAttempt{StatusCode: 200}, OutboxDelivered, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	clock.Advance(time.Second)
	if n, err := s.PruneOutbox(ctx, clock.Now()); err != nil || n != len(msgs)-1 {
		t.Fatalf("prune: %d %v", n, err)
	}
	if page, err := s.ListOutbox(ctx, OutboxQuery{Environment: "dev"}); err != nil || len(page.Entries) != 1 {
		t.Fatalf("left: %+v %v", page, err)
	}
}

// createTestConnection creates conn and its integration.
func createTestConnection(t *testing.T, s *Store, conn Connection) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.CreateIntegration(ctx, Integration{Environment: conn.Environment, UniqueKey: conn.ProviderConfigKey, Provider: "github"}); err != nil && !errors.Is(err, ErrExists) {
		t.Fatal(err)
	}
	if _, _, err := s.PutConnection(ctx, ConnectionEntry{Connection: conn, Provider: "github"}); err != nil {
		t.Fatal(err)
	}
}
