package store

import (
	"context"
	"reflect"
	"testing"
)

func TestDeleteRecordsExcept(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	mustSave(t, s, testKey, `{"id":"a"}`, `{"id":"b"}`, `{"id":"c"}`, `{"id":"d"}`)
	if _, err := s.DeleteRecords(ctx, testKey, []string{"d"}); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{"a": true}
	deleted, res, err := s.DeleteRecordsExcept(ctx, testKey, func(id string) bool { return seen[id] })
	if err != nil {
		t.Fatal(err)
	}
	// d was already deleted: neither reported nor counted again.
	if !reflect.DeepEqual(deleted, []string{"b", "c"}) || res.Deleted != 2 {
		t.Fatalf("deleted %v (%+v), want [b c]", deleted, res)
	}
	checkRecords(t, s, map[string]wantRecord{
		"a": {`{"id":"a"}`, ActionAdded},
		"b": {`{"id":"b"}`, ActionDeleted},
		"c": {`{"id":"c"}`, ActionDeleted},
		"d": {`{"id":"d"}`, ActionDeleted},
	})
	// Cursor order: the deletions are the newest changes.
	page, err := s.ListRecords(ctx, testKey, ListQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, r := range page.Records {
		order = append(order, r.ID)
	}
	if !reflect.DeepEqual(order, []string{"a", "d", "b", "c"}) {
		t.Fatalf("change order %v", order)
	}
	// A model with no records: nothing to do.
	other := testKey
	other.Model = "Empty"
	if deleted, _, err := s.DeleteRecordsExcept(ctx, other, func(string) bool { return false }); err != nil || deleted != nil {
		t.Fatalf("empty model: %v %v", deleted, err)
	}
}
