package store

import (
	"testing"
)

func TestUpdateRecords(t *testing.T) {
	tests := []struct {
		name  string
		steps []step
		want  map[string]wantRecord
	}{
		{"deep merge", []step{
			{"save", []string{`{"id":"a","title":"t","labels":["x","y"],"user":{"login":"u","site":{"admin":false,"n":1}}}`}, BatchResult{Added: 1}},
			{"update", []string{`{"id":"a","labels":["z"],"user":{"site":{"admin":true}},"state":"open"}`}, BatchResult{Updated: 1}},
		}, map[string]wantRecord{"a": {`{"id":"a","title":"t","labels":["z"],"user":{"login":"u","site":{"admin":true,"n":1}},"state":"open"}`, ActionUpdated}}},
		{"merge that changes nothing", []step{
			{"save", []string{`{"id":"a","n":1,"o":{"p":2}}`}, BatchResult{Added: 1}},
			{"update", []string{`{"id":"a","o":{"p":2}}`, `{ "id" : "a" }`}, BatchResult{Unchanged: 1, DuplicateIDs: []string{"a"}}},
		}, map[string]wantRecord{"a": {`{"id":"a","n":1,"o":{"p":2}}`, ActionAdded}}},
		{"metadata in a partial is stripped", []step{
			{"save", []string{`{"id":"a","n":1}`}, BatchResult{Added: 1}},
			{"update", []string{`{"id":"a","_nango_metadata":{"last_action":"ADDED"},"n":2}`}, BatchResult{Updated: 1}},
		}, map[string]wantRecord{"a": {`{"id":"a","n":2}`, ActionUpdated}}},
		{"numeric ids", []step{
			{"save", []string{`{"id":7,"n":1}`}, BatchResult{Added: 1}},
			{"update", []string{`{"id":7,"m":2}`}, BatchResult{Updated: 1}},
		}, map[string]wantRecord{"7": {`{"id":7,"n":1,"m":2}`, ActionUpdated}}},
		{"several records", []step{
			{"save", []string{`{"id":"a","n":1}`, `{"id":"b","n":1}`, `{"id":"c","n":1}`}, BatchResult{Added: 3}},
			{"update", []string{`{"id":"c","n":2}`, `{"id":"a","n":1}`, `{"id":"b","x":true}`}, BatchResult{Updated: 2, Unchanged: 1}},
		}, map[string]wantRecord{
			"a": {`{"id":"a","n":1}`, ActionAdded},
			"b": {`{"id":"b","n":1,"x":true}`, ActionUpdated},
			"c": {`{"id":"c","n":2}`, ActionUpdated},
		}},
		{"a deleted record comes back", []step{
			{"save", []string{`{"id":"a","n":1}`}, BatchResult{Added: 1}},
			{"delete", []string{"a"}, BatchResult{Deleted: 1}},
			{"update", []string{`{"id":"a"}`}, BatchResult{Updated: 1}},
		}, map[string]wantRecord{"a": {`{"id":"a","n":1}`, ActionUpdated}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, clock, _ := openTestStore(t)
			runSteps(t, s, clock, tc.steps)
			checkRecords(t, s, tc.want)
		})
	}
}
