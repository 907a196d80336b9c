package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// newTestConnection creates an integration and a connection of it.
func newTestConnection(t *testing.T, s *Store, id string) Connection {
	t.Helper()
	ctx := context.Background()
	if _, err := s.CreateIntegration(ctx, Integration{Environment: "dev", UniqueKey: "github", Provider: "github"}); err != nil && !errors.Is(err, ErrExists) {
		t.Fatal(err)
	}
	conn := Connection{Environment: "dev", ProviderConfigKey: "github", ConnectionID: id}
	if _, _, err := s.PutConnection(ctx, ConnectionEntry{Connection: conn, Provider: "github"}); err != nil {
		t.Fatal(err)
	}
	return conn
}

func TestSyncState(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	conn := newTestConnection(t, s, "c1")
	key := SyncKey{Connection: conn, Sync: "issues"}

	st, err := s.SyncState(ctx, key)
	if err != nil || st.Key != key || st.Paused || st.Running != 0 {
		t.Fatalf("state of a sync that never ran: %+v %v", st, err)
	}
	started := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	st, err = s.UpdateSyncState(ctx, key, func(st *SyncState) error {
		st.Running, st.LastStartedAt, st.Frequency = 7, started, "every 5 minutes"
		return nil
	})
	if err != nil || st.Running != 7 {
		t.Fatalf("update: %+v %v", st, err)
	}
	boom := errors.New("boom")
	if _, err := s.UpdateSyncState(ctx, key, func(st *SyncState) error { st.Paused = true; return boom }); !errors.Is(err, boom) {
		t.Fatalf("an aborted update: %v", err)
	}
	got, err := s.SyncState(ctx, key)
	if err != nil || got.Paused || got.Running != 7 || !got.LastStartedAt.Equal(started) || got.Frequency != "every 5 minutes" {
		t.Fatalf("after an aborted update: %+v %v", got, err)
	}

	other := SyncKey{Connection: newTestConnection(t, s, "c0"), Sync: "prs"}
	if _, err := s.UpdateSyncState(ctx, other, func(st *SyncState) error { st.Paused = true; return nil }); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListSyncStates(ctx, "dev")
	if err != nil || len(list) != 2 || list[0].Key != other || !list[0].Paused || list[1].Key != key {
		t.Fatalf("list: %+v %v", list, err)
	}
	if list, err := s.ListSyncStates(ctx, "prod"); err != nil || len(list) != 0 {
		t.Fatalf("another environment: %+v %v", list, err)
	}

	if err := s.DeleteConnection(ctx, conn); err != nil {
		t.Fatal(err)
	}
	if list, err := s.ListSyncStates(ctx, "dev"); err != nil || len(list) != 1 {
		t.Fatalf("states after deleting a connection: %+v %v", list, err)
	}
}

func TestSyncStateInvalid(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	conn := newTestConnection(t, s, "c1")
	keep := func(*SyncState) error { return nil }
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"unknown connection", func() error {
			_, err := s.UpdateSyncState(ctx, SyncKey{Connection: Connection{Environment: "dev", ProviderConfigKey: "github", ConnectionID: "nope"}, Sync: "x"}, keep)
			return err
		}(), ErrNotFound},
		{"empty sync name", func() error { _, err := s.UpdateSyncState(ctx, SyncKey{Connection: conn}, keep); return err }(), ErrInvalidKey},
		{"NUL in sync name", func() error { _, err := s.SyncState(ctx, SyncKey{Connection: conn, Sync: "a\x00b"}); return err }(), ErrInvalidKey},
		{"empty environment", func() error { _, err := s.ListSyncStates(ctx, ""); return err }(), ErrInvalidKey},
	} {
		if !errors.Is(tc.err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, tc.err, tc.want)
		}
	}
}
