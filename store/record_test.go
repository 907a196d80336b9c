package store

import (
	"encoding/json"
	"testing"
	"time"
)

func TestRecordMarshalJSON(t *testing.T) {
	first := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	mod := first.Add(1500 * time.Millisecond)
	local := mod.In(time.FixedZone("X", 3600))
	tests := []struct {
		name string
		rec  Record
		want string
	}{
		{"live", Record{ID: "a", Data: json.RawMessage(`{"id":"a","n":1}`), Meta: RecordMeta{
			FirstSeenAt: first, LastModifiedAt: local, LastAction: ActionUpdated, Cursor: "AAAAAAAAAAI",
		}}, `{"id":"a","n":1,"_nango_metadata":{"first_seen_at":"2025-03-01T12:00:00Z","last_modified_at":"2025-03-01T12:00:01.5Z","last_action":"UPDATED","deleted_at":null,"cursor":"AAAAAAAAAAI"}}`},
		{"deleted", Record{ID: "7", Data: json.RawMessage(`{"id":7}`), Meta: RecordMeta{
			FirstSeenAt: first, LastModifiedAt: mod, LastAction: ActionDeleted, DeletedAt: &mod, Cursor: "AAAAAAAAAAM",
		}}, `{"id":7,"_nango_metadata":{"first_seen_at":"2025-03-01T12:00:00Z","last_modified_at":"2025-03-01T12:00:01.5Z","last_action":"DELETED","deleted_at":"2025-03-01T12:00:01.5Z","cursor":"AAAAAAAAAAM"}}`},
		{"empty object", Record{Data: json.RawMessage(` { } `), Meta: RecordMeta{FirstSeenAt: first, LastModifiedAt: first, LastAction: ActionAdded}},
			`{"_nango_metadata":{"first_seen_at":"2025-03-01T12:00:00Z","last_modified_at":"2025-03-01T12:00:00Z","last_action":"ADDED","deleted_at":null,"cursor":""}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := json.Marshal(tc.rec)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			// Pointers marshal the same way.
			if got2, _ := json.Marshal(&tc.rec); string(got2) != tc.want {
				t.Errorf("pointer: %s", got2)
			}
		})
	}
}

func TestRecordMarshalJSONRejectsNonObjects(t *testing.T) {
	for _, data := range []string{``, `[]`, `"x"`, `{`} {
		if _, err := json.Marshal(Record{Data: json.RawMessage(data)}); err == nil {
			t.Errorf("data %q: no error", data)
		}
	}
}

func TestRecordJSON(t *testing.T) {
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	meta := RecordMeta{FirstSeenAt: at, LastModifiedAt: at, LastAction: ActionAdded, Cursor: "c1"}
	for _, tc := range []struct{ data, want string }{
		{`{"id":"1","a":2}`, `{"id":"1","a":2,"_nango_metadata":{"first_seen_at":"2026-11-24T10:00:00Z","last_modified_at":"2026-11-24T10:00:00Z","last_action":"ADDED","deleted_at":null,"cursor":"c1"}}`},
		{`{}`, `{"_nango_metadata":{"first_seen_at":"2026-11-24T10:00:00Z","last_modified_at":"2026-11-24T10:00:00Z","last_action":"ADDED","deleted_at":null,"cursor":"c1"}}`},
	} {
		if got := string(Record{ID: "1", Data: json.RawMessage(tc.data), Meta: meta}.JSON()); got != tc.want {
			t.Errorf("JSON of %s:\n got %s\nwant %s", tc.data, got, tc.want)
		}
	}
}
