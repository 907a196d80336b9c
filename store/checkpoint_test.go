package store

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
)

func TestSaveCheckpointAcceptsFlatObjects(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", `{}`, `{}`},
		{"scalars", ` { "cursor" : "abc", "page": 3, "ratio": -1.5e3, "done": false } `, `{"cursor":"abc","page":3,"ratio":-1.5e3,"done":false}`},
		{"escaped strings", `{"since":"2025-01-01T00:00:00Z","q":"a\"b"}`, `{"since":"2025-01-01T00:00:00Z","q":"a\"b"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, _, _ := openTestStore(t)
			ctx := context.Background()
			key := CheckpointKey{testConn, "issues"}
			if err := s.SaveCheckpoint(ctx, key, json.RawMessage(tc.in)); err != nil {
				t.Fatal(err)
			}
			got, err := s.Checkpoint(ctx, key)
			if err != nil || string(got) != tc.want {
				t.Fatalf("Checkpoint = %s, %v; want %s", got, err, tc.want)
			}
		})
	}
}

func TestCheckpointLifecycle(t *testing.T) {
	s, clock, path := openTestStore(t)
	ctx := context.Background()
	issues := CheckpointKey{testConn, "issues"}
	users := CheckpointKey{testConn, "users"}
	other := CheckpointKey{Connection{"dev", "github", "conn-2"}, "issues"}

	if got, err := s.Checkpoint(ctx, issues); got != nil || err != nil {
		t.Fatalf("before any save: %s, %v", got, err)
	}
	if err := s.ClearCheckpoint(ctx, issues); err != nil {
		t.Fatalf("clearing nothing: %v", err)
	}
	for i, k := range []CheckpointKey{issues, users, other} {
		if err := s.SaveCheckpoint(ctx, k, json.RawMessage(`{"n":`+string(rune('1'+i))+`}`)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveCheckpoint(ctx, issues, json.RawMessage(`{"n":9}`)); err != nil {
		t.Fatal(err)
	}

	// Durable: a reopened store has them.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for k, want := range map[CheckpointKey]string{issues: `{"n":9}`, users: `{"n":2}`, other: `{"n":3}`} {
		if got, err := s.Checkpoint(ctx, k); err != nil || string(got) != want {
			t.Errorf("%s: %s, %v; want %s", k, got, err, want)
		}
	}

	if err := s.ClearCheckpoint(ctx, issues); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Checkpoint(ctx, issues); got != nil || err != nil {
		t.Errorf("after clear: %s, %v", got, err)
	}
	if got, _ := s.Checkpoint(ctx, users); string(got) != `{"n":2}` {
		t.Errorf("clear touched another function: %s", got)
	}
}

func TestCheckpointReturnsACopy(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	key := CheckpointKey{testConn, "issues"}
	if err := s.SaveCheckpoint(ctx, key, json.RawMessage(`{"a":"b"}`)); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Checkpoint(ctx, key)
	got[2] = 'X'
	if again, _ := s.Checkpoint(ctx, key); string(again) != `{"a":"b"}` {
		t.Errorf("stored checkpoint changed through a returned slice: %s", again)
	}
	if err := s.SaveCheckpoint(ctx, key, json.RawMessage(`{"a":{}}`)); !errors.Is(err, ErrInvalidCheckpoint) {
		t.Errorf("nested: %v", err)
	}
}
