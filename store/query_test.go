package store

import (
	"context"
	"fmt"
	"reflect"
	"testing"
)

func TestListRecordsLimits(t *testing.T) {
	s, _, _ := openTestStore(t)
	batch := make([]string, 150)
	for i := range batch {
		batch[i] = fmt.Sprintf(`{"id":"r%03d"}`, i)
	}
	mustSave(t, s, testKey, batch...)
	tests := []struct {
		limit    int
		wantLen  int
		wantNext bool
	}{
		{0, 100, true},
		{1, 1, true},
		{149, 149, true},
		{150, 150, false},
		{10000, 150, false},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.limit), func(t *testing.T) {
			page, err := s.ListRecords(context.Background(), testKey, ListQuery{Limit: tc.limit})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Records) != tc.wantLen || (page.NextCursor != "") != tc.wantNext {
				t.Errorf("got %d records, next %q; want %d, next %v", len(page.Records), page.NextCursor, tc.wantLen, tc.wantNext)
			}
		})
	}
}

func TestListRecordsNextCursorOnlyWhenMoreMatch(t *testing.T) {
	s, _, _ := openTestStore(t)
	mustSave(t, s, testKey, `{"id":"a"}`, `{"id":"b"}`, `{"id":"c"}`)
	if _, err := s.DeleteRecords(context.Background(), testKey, []string{"a"}); err != nil {
		t.Fatal(err)
	}
	// Two ADDED records remain and a DELETED one follows them: a page of two
	// ADDED records is the last ADDED page.
	page, err := s.ListRecords(context.Background(), testKey, ListQuery{Limit: 2, Filter: []Action{ActionAdded}})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(page.Records); !reflect.DeepEqual(got, []string{"b", "c"}) || page.NextCursor != "" {
		t.Errorf("page = %v, next %q", got, page.NextCursor)
	}
}

func TestListRecordsUnknownModelIsEmpty(t *testing.T) {
	s, _, _ := openTestStore(t)
	for _, k := range []ModelKey{testKey, {Connection: Connection{"x", "y", "z"}, Model: "M"}} {
		page, err := s.ListRecords(context.Background(), k, ListQuery{Cursor: encodeCursor(5)})
		if err != nil || len(page.Records) != 0 || page.NextCursor != "" {
			t.Errorf("%s: page %+v, err %v", k, page, err)
		}
		got, err := s.GetRecords(context.Background(), k, []string{"a"})
		if err != nil || got == nil || len(got) != 0 {
			t.Errorf("%s: GetRecords = %v, %v; want an empty map", k, got, err)
		}
	}
}
