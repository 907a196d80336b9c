package store

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"
)

func ids(recs []Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.ID
	}
	return out
}

// listAll follows NextCursor from cursor to the end.
func listAll(t *testing.T, s *Store, q ListQuery) (all []Record, pages int) {
	t.Helper()
	for {
		page, err := s.ListRecords(context.Background(), testKey, q)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(page.Records) > max(q.Limit, 0) && q.Limit != 0 {
			t.Fatalf("page of %d records with limit %d", len(page.Records), q.Limit)
		}
		all = append(all, page.Records...)
		if page.NextCursor == "" {
			return all, pages
		}
		if last := page.Records[len(page.Records)-1].Meta.Cursor; page.NextCursor != last {
			t.Fatalf("NextCursor %q is not the last record's cursor %q", page.NextCursor, last)
		}
		q.Cursor = page.NextCursor
	}
}

// seedChanges saves r00..r24, then updates r03 and r10 and deletes r05, so
// those three move behind the rest in cursor order.
func seedChanges(t *testing.T, s *Store, clock *fakeClock) []string {
	t.Helper()
	var want []string
	for i := range 25 {
		id := fmt.Sprintf("r%02d", i)
		mustSave(t, s, testKey, fmt.Sprintf(`{"id":%q,"v":1}`, id))
		if i != 3 && i != 10 && i != 5 {
			want = append(want, id)
		}
	}
	clock.Advance(time.Hour)
	mustSave(t, s, testKey, `{"id":"r03","v":2}`)
	mustSave(t, s, testKey, `{"id":"r10","v":2}`)
	if _, err := s.DeleteRecords(context.Background(), testKey, []string{"r05"}); err != nil {
		t.Fatal(err)
	}
	return append(want, "r03", "r10", "r05")
}

func TestListRecordsPagesEveryChangeOnceInOrder(t *testing.T) {
	for _, limit := range []int{0, 1, 2, 7, 24, 25, 26, 100} {
		t.Run(fmt.Sprintf("limit %d", limit), func(t *testing.T) {
			s, clock, _ := openTestStore(t)
			want := seedChanges(t, s, clock)
			all, pages := listAll(t, s, ListQuery{Limit: limit})
			if got := ids(all); !reflect.DeepEqual(got, want) {
				t.Fatalf("ids = %v\nwant %v", got, want)
			}
			pageSize := limit
			if pageSize == 0 {
				pageSize = DefaultListLimit
			}
			if wantPages := max(1, (len(want)+pageSize-1)/pageSize); pages != wantPages {
				t.Errorf("pages = %d, want %d", pages, wantPages)
			}
			for i := 1; i < len(all); i++ {
				if prev, cur := mustSeq(t, all[i-1].Meta.Cursor), mustSeq(t, all[i].Meta.Cursor); cur <= prev {
					t.Fatalf("cursor %d after %d", cur, prev)
				}
			}
		})
	}
}

func mustSeq(t *testing.T, cursor string) uint64 {
	t.Helper()
	seq, err := decodeCursor(cursor)
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

// A client paging while a sync writes sees every change after its cursor:
// a record it already read shows up again when it changes, and one it has
// not reached yet shows up once, at its new place.
func TestListRecordsSeesChangesMadeWhilePaging(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	mustSave(t, s, testKey, `{"id":"a"}`, `{"id":"b"}`, `{"id":"c"}`, `{"id":"d"}`)
	page, err := s.ListRecords(ctx, testKey, ListQuery{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(page.Records); !reflect.DeepEqual(got, []string{"a", "b"}) || page.NextCursor == "" {
		t.Fatalf("first page = %v, next %q", got, page.NextCursor)
	}
	mustSave(t, s, testKey, `{"id":"a","v":2}`, `{"id":"d","v":2}`, `{"id":"e"}`)
	rest, _ := listAll(t, s, ListQuery{Limit: 2, Cursor: page.NextCursor})
	if got, want := ids(rest), []string{"c", "a", "d", "e"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("rest = %v, want %v", got, want)
	}
	// Nothing after the newest cursor.
	last := rest[len(rest)-1].Meta.Cursor
	page, err = s.ListRecords(ctx, testKey, ListQuery{Cursor: last})
	if err != nil || len(page.Records) != 0 || page.NextCursor != "" {
		t.Fatalf("after the last cursor: %v %v", page, err)
	}
}

func TestListRecordsFilters(t *testing.T) {
	s, clock, _ := openTestStore(t)
	start := clock.Now()
	want := seedChanges(t, s, clock) // r03, r10 updated and r05 deleted one hour later
	later := start.Add(time.Hour)
	added := want[:22]
	tests := []struct {
		name string
		q    ListQuery
		want []string
	}{
		{"added", ListQuery{Filter: []Action{ActionAdded}}, added},
		{"updated", ListQuery{Filter: []Action{ActionUpdated}}, []string{"r03", "r10"}},
		{"deleted", ListQuery{Filter: []Action{ActionDeleted}}, []string{"r05"}},
		{"updated or deleted", ListQuery{Filter: []Action{ActionDeleted, ActionUpdated}}, []string{"r03", "r10", "r05"}},
		{"all three", ListQuery{Filter: []Action{ActionAdded, ActionUpdated, ActionDeleted}}, want},
		{"modified at or after", ListQuery{ModifiedAfter: later}, []string{"r03", "r10", "r05"}},
		{"modified after, before all", ListQuery{ModifiedAfter: start.Add(-time.Second)}, want},
		{"modified after, after all", ListQuery{ModifiedAfter: later.Add(time.Nanosecond)}, nil},
		{"modified after year 1", ListQuery{ModifiedAfter: time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC)}, want},
		{"modified after year 9999", ListQuery{ModifiedAfter: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)}, nil},
		{"ids", ListQuery{IDs: []string{"r10", "r01", "nope", "r05", "r01", ""}}, []string{"r01", "r10", "r05"}},
		{"ids and filter", ListQuery{IDs: []string{"r10", "r01", "r05"}, Filter: []Action{ActionUpdated}}, []string{"r10"}},
		{"ids and modified after", ListQuery{IDs: []string{"r10", "r01"}, ModifiedAfter: later}, []string{"r10"}},
		{"ids after a cursor", ListQuery{IDs: []string{"r10", "r01", "r24"}, Cursor: encodeCursor(20)}, []string{"r24", "r10"}},
		{"filter after a cursor", ListQuery{Filter: []Action{ActionAdded}, Cursor: encodeCursor(23)}, []string{"r23", "r24"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, limit := range []int{1, 2, 100} {
				tc.q.Limit = limit
				all, _ := listAll(t, s, tc.q)
				if got := ids(all); !reflect.DeepEqual(got, tc.want) && len(got)+len(tc.want) > 0 {
					t.Fatalf("limit %d: ids = %v, want %v", limit, got, tc.want)
				}
			}
		})
	}
}

func TestModelsAndConnectionsAreSeparate(t *testing.T) {
	s, _, _ := openTestStore(t)
	keys := []ModelKey{
		testKey,
		{Connection: testConn, Model: "User"},
		{Connection: Connection{"dev", "github", "conn-2"}, Model: "Issue"},
		{Connection: Connection{"prod", "github", "conn-1"}, Model: "Issue"},
		{Connection: Connection{"dev", "gitlab", "conn-1"}, Model: "Issue"},
	}
	for i, k := range keys {
		for j := 0; j <= i; j++ {
			mustSave(t, s, k, `{"id":"r`+string(rune('0'+j))+`"}`)
		}
	}
	for i, k := range keys {
		page, err := s.ListRecords(context.Background(), k, ListQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Records) != i+1 {
			t.Errorf("%s: %d records, want %d", k, len(page.Records), i+1)
		}
		if page.Records[0].Meta.Cursor != encodeCursor(1) {
			t.Errorf("%s: first cursor %q, want its own sequence", k, page.Records[0].Meta.Cursor)
		}
	}
}
