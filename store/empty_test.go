package store

import (
	"context"
	"testing"
)

func TestEmptyRecords(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	key := ModelKey{Connection: Connection{Environment: "dev", ProviderConfigKey: "github", ConnectionID: "c1"}, Model: "Issue"}
	mustSave(t, s, key, `{"id":"1"}`, `{"id":"2"}`, `{"id":"3"}`)
	if _, err := s.DeleteRecords(ctx, key, []string{"3"}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.CountRecords(ctx, key); err != nil || n != 2 {
		t.Fatalf("count: %d %v", n, err)
	}
	before, err := s.ListRecords(ctx, key, ListQuery{})
	if err != nil {
		t.Fatal(err)
	}
	last := before.Records[len(before.Records)-1].Meta.Cursor

	if n, err := s.EmptyRecords(ctx, key); err != nil || n != 3 {
		t.Fatalf("empty: %d %v", n, err)
	}
	if n, err := s.CountRecords(ctx, key); err != nil || n != 0 {
		t.Fatalf("count after empty: %d %v", n, err)
	}
	// Saved again, records are ADDED after every cursor handed out before.
	mustSave(t, s, key, `{"id":"1"}`)
	page, err := s.ListRecords(ctx, key, ListQuery{Cursor: last})
	if err != nil || len(page.Records) != 1 || page.Records[0].Meta.LastAction != ActionAdded {
		t.Fatalf("after empty and save: %+v %v", page, err)
	}
	unknown := ModelKey{Connection: key.Connection, Model: "Nothing"}
	if n, err := s.EmptyRecords(ctx, unknown); err != nil || n != 0 {
		t.Fatalf("empty an unknown model: %d %v", n, err)
	}
	if n, err := s.CountRecords(ctx, unknown); err != nil || n != 0 {
		t.Fatalf("count an unknown model: %d %v", n, err)
	}
}
