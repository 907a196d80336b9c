package store

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// step is one call in a flow: op is "save", "update" or "delete"; args are
// JSON records (save, update) or ids (delete).
type step struct {
	op   string
	args []string
	want BatchResult
}

// wantRecord is the expected final state of one record.
type wantRecord struct {
	data   string
	action Action
}

func runSteps(t *testing.T, s *Store, clock *fakeClock, steps []step) {
	t.Helper()
	ctx := context.Background()
	for i, st := range steps {
		clock.Advance(time.Second)
		var res BatchResult
		var err error
		switch st.op {
		case "save":
			res, err = s.SaveRecords(ctx, testKey, raws(st.args...))
		case "update":
			res, err = s.UpdateRecords(ctx, testKey, raws(st.args...))
		case "delete":
			res, err = s.DeleteRecords(ctx, testKey, st.args)
		default:
			t.Fatalf("step %d: unknown op %q", i, st.op)
		}
		if err != nil {
			t.Fatalf("step %d (%s): %v", i, st.op, err)
		}
		if !reflect.DeepEqual(res, st.want) {
			t.Fatalf("step %d (%s): result = %+v, want %+v", i, st.op, res, st.want)
		}
	}
}

func checkRecords(t *testing.T, s *Store, want map[string]wantRecord) {
	t.Helper()
	ids := make([]string, 0, len(want))
	for id := range want {
		ids = append(ids, id)
	}
	got, err := s.GetRecords(context.Background(), testKey, ids)
	if err != nil {
		t.Fatal(err)
	}
	for id, w := range want {
		r, ok := got[id]
		if !ok {
			t.Errorf("record %q missing", id)
			continue
		}
		if string(r.Data) != w.data || r.Meta.LastAction != w.action {
			t.Errorf("record %q = %s %s, want %s %s", id, r.Meta.LastAction, r.Data, w.action, w.data)
		}
		if deleted := r.Meta.DeletedAt != nil; deleted != (w.action == ActionDeleted) {
			t.Errorf("record %q: DeletedAt = %v with action %s", id, r.Meta.DeletedAt, w.action)
		}
	}
}

func TestSaveRecordsChangeTracking(t *testing.T) {
	long := strings.Repeat("x", 255)
	wide := strings.Repeat("é", 255) // 255 characters, 510 bytes
	tests := []struct {
		name  string
		steps []step
		want  map[string]wantRecord
	}{
		{"new ids are added", []step{
			{"save", []string{`{"id":"a","n":1}`, `{"id":"b"}`}, BatchResult{Added: 2}},
		}, map[string]wantRecord{"a": {`{"id":"a","n":1}`, ActionAdded}, "b": {`{"id":"b"}`, ActionAdded}}},
		{"identical record is unchanged", []step{
			{"save", []string{`{"id":"a","n":1}`}, BatchResult{Added: 1}},
			{"save", []string{`{"id":"a","n":1}`}, BatchResult{Unchanged: 1}},
		}, map[string]wantRecord{"a": {`{"id":"a","n":1}`, ActionAdded}}},
		{"whitespace does not count", []step{
			{"save", []string{`{"id":"a","n":[1,2]}`}, BatchResult{Added: 1}},
			{"save", []string{"{ \"id\" : \"a\",\n\t\"n\": [ 1 , 2 ] }\n"}, BatchResult{Unchanged: 1}},
		}, map[string]wantRecord{"a": {`{"id":"a","n":[1,2]}`, ActionAdded}}},
		{"_nango_metadata is stripped", []step{
			{"save", []string{`{"id":"a","_nango_metadata":{"cursor":"x"},"n":1}`}, BatchResult{Added: 1}},
			{"save", []string{`{"id":"a","n":1,"_nango_metadata":null}`}, BatchResult{Unchanged: 1}},
			{"save", []string{`{"_nango_metadata":{},"id":"a","n":1}`}, BatchResult{Unchanged: 1}},
		}, map[string]wantRecord{"a": {`{"id":"a","n":1}`, ActionAdded}}},
		{"changed content is updated", []step{
			{"save", []string{`{"id":"a","n":1}`}, BatchResult{Added: 1}},
			{"save", []string{`{"id":"a","n":2}`}, BatchResult{Updated: 1}},
		}, map[string]wantRecord{"a": {`{"id":"a","n":2}`, ActionUpdated}}},
		{"key order is significant", []step{
			{"save", []string{`{"id":"a","x":1,"y":2}`}, BatchResult{Added: 1}},
			{"save", []string{`{"id":"a","y":2,"x":1}`}, BatchResult{Updated: 1}},
		}, map[string]wantRecord{"a": {`{"id":"a","y":2,"x":1}`, ActionUpdated}}},
		{"mixed batch", []step{
			{"save", []string{`{"id":"a"}`, `{"id":"b","v":1}`}, BatchResult{Added: 2}},
			{"save", []string{`{"id":"a"}`, `{"id":"b","v":2}`, `{"id":"c"}`}, BatchResult{Added: 1, Updated: 1, Unchanged: 1}},
		}, map[string]wantRecord{"a": {`{"id":"a"}`, ActionAdded}, "b": {`{"id":"b","v":2}`, ActionUpdated}, "c": {`{"id":"c"}`, ActionAdded}}},
		{"duplicates: the last wins", []step{
			{"save", []string{`{"id":"a","v":1}`, `{"id":"b"}`, `{"id":"a","v":2}`, `{"id":"a","v":3}`, `{"id":"b"}`},
				BatchResult{Added: 2, DuplicateIDs: []string{"a", "b"}}},
		}, map[string]wantRecord{"a": {`{"id":"a","v":3}`, ActionAdded}, "b": {`{"id":"b"}`, ActionAdded}}},
		{"numeric ids are stored as decimal strings", []step{
			{"save", []string{`{"id":42}`, `{"id":-7,"x":1}`, `{"id":0}`}, BatchResult{Added: 3}},
			{"save", []string{`{"id":"42"}`}, BatchResult{Updated: 1}},
		}, map[string]wantRecord{"42": {`{"id":"42"}`, ActionUpdated}, "-7": {`{"id":-7,"x":1}`, ActionAdded}, "0": {`{"id":0}`, ActionAdded}}},
		{"escaped id", []step{
			{"save", []string{`{"id":"a\"b\u00e9"}`}, BatchResult{Added: 1}},
		}, map[string]wantRecord{`a"bé`: {`{"id":"a\"b\u00e9"}`, ActionAdded}}},
		{"ids of 255 characters", []step{
			{"save", []string{`{"id":"` + long + `"}`, `{"id":"` + wide + `"}`}, BatchResult{Added: 2}},
		}, map[string]wantRecord{long: {`{"id":"` + long + `"}`, ActionAdded}, wide: {`{"id":"` + wide + `"}`, ActionAdded}}},
		{"delete, then save again: updated", []step{
			{"save", []string{`{"id":"a"}`, `{"id":"b"}`}, BatchResult{Added: 2}},
			{"delete", []string{"a", "zzz", "a"}, BatchResult{Deleted: 1, DuplicateIDs: []string{"a"}}},
			{"delete", []string{"a"}, BatchResult{}},
			{"save", []string{`{"id":"a"}`, `{"id":"b"}`}, BatchResult{Updated: 1, Unchanged: 1}},
		}, map[string]wantRecord{"a": {`{"id":"a"}`, ActionUpdated}, "b": {`{"id":"b"}`, ActionAdded}}},
		{"deleted records keep their data", []step{
			{"save", []string{`{"id":"a","n":1}`}, BatchResult{Added: 1}},
			{"delete", []string{"a"}, BatchResult{Deleted: 1}},
		}, map[string]wantRecord{"a": {`{"id":"a","n":1}`, ActionDeleted}}},
		{"empty batches", []step{
			{"save", nil, BatchResult{}},
			{"update", nil, BatchResult{}},
			{"delete", nil, BatchResult{}},
		}, map[string]wantRecord{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, clock, _ := openTestStore(t)
			runSteps(t, s, clock, tc.steps)
			checkRecords(t, s, tc.want)
		})
	}
}

func TestPrepareThenSave(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	recs := []json.RawMessage{json.RawMessage(`{"id":"1","v":1}`), json.RawMessage(`{"id":"1","v":2}`)}
	p, err := PrepareRecords(recs)
	if err != nil {
		t.Fatal(err)
	}
	recs[1][len(recs[1])-2] = '9' // the caller may reuse its buffers once prepared
	res, err := s.SavePrepared(ctx, testKey, p)
	if err != nil || res.Added != 1 || len(res.DuplicateIDs) != 1 {
		t.Fatalf("SavePrepared = %+v, %v", res, err)
	}
	got, _ := s.GetRecords(ctx, testKey, []string{"1"})
	if string(got["1"].Data) != `{"id":"1","v":2}` {
		t.Fatalf("stored %s, want the record as prepared", got["1"].Data)
	}
	if _, err := PrepareRecords([]json.RawMessage{json.RawMessage(`{"no":"id"}`)}); !errors.Is(err, ErrInvalidRecord) {
		t.Fatalf("PrepareRecords of a record without id: %v", err)
	}
	if _, err := s.SavePrepared(ctx, ModelKey{}, p); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("SavePrepared with an empty key: %v", err)
	}
}
