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
		}}, `{"id":"a","n":1,"_nango_metadata":{"first_seen_at":"2025-03-01T12:00:00Z","last_modified_at":"2025-03-01T12:00:01.5Z","last_action":"UPDATED","deleted_at":null,"pruned_at":null,"cursor":"AAAAAAAAAAI"}}`},
		{"deleted", Record{ID: "7", Data: json.RawMessage(`{"id":7}`), Meta: RecordMeta{
			FirstSeenAt: first, LastModifiedAt: mod, LastAction: ActionDeleted, DeletedAt: &mod, Cursor: "AAAAAAAAAAM",
		}}, `{"id":7,"_nango_metadata":{"first_seen_at":"2025-03-01T12:00:00Z","last_modified_at":"2025-03-01T12:00:01.5Z","last_action":"DELETED","deleted_at":"2025-03-01T12:00:01.5Z","pruned_at":null,"cursor":"AAAAAAAAAAM"}}`},
		{"pruned", Record{ID: "7", Data: json.RawMessage(`{"id":7}`), Meta: RecordMeta{
			FirstSeenAt: first, LastModifiedAt: first, LastAction: ActionAdded, PrunedAt: &mod, Cursor: "AAAAAAAAAAQ",
		}}, `{"id":7,"_nango_metadata":{"first_seen_at":"2025-03-01T12:00:00Z","last_modified_at":"2025-03-01T12:00:00Z","last_action":"ADDED","deleted_at":null,"pruned_at":"2025-03-01T12:00:01.5Z","cursor":"AAAAAAAAAAQ"}}`},
		{"escaped strings", Record{Data: json.RawMessage(`{"id":"x"}`), Meta: RecordMeta{
			FirstSeenAt: first, LastModifiedAt: first, LastAction: "a\"b", Cursor: "<é\n>",
		}}, `{"id":"x","_nango_metadata":{"first_seen_at":"2025-03-01T12:00:00Z","last_modified_at":"2025-03-01T12:00:00Z","last_action":"a\"b","deleted_at":null,"pruned_at":null,"cursor":"\u003cé\n\u003e"}}`},
		{"empty object", Record{Data: json.RawMessage(` { } `), Meta: RecordMeta{FirstSeenAt: first, LastModifiedAt: first, LastAction: ActionAdded}},
			`{"_nango_metadata":{"first_seen_at":"2025-03-01T12:00:00Z","last_modified_at":"2025-03-01T12:00:00Z","last_action":"ADDED","deleted_at":null,"pruned_at":null,"cursor":""}}`},
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
		{`{"id":"1","a":2}`, `{"id":"1","a":2,"_nango_metadata":{"first_seen_at":"2026-11-24T10:00:00Z","last_modified_at":"2026-11-24T10:00:00Z","last_action":"ADDED","deleted_at":null,"pruned_at":null,"cursor":"c1"}}`},
		{`{}`, `{"_nango_metadata":{"first_seen_at":"2026-11-24T10:00:00Z","last_modified_at":"2026-11-24T10:00:00Z","last_action":"ADDED","deleted_at":null,"pruned_at":null,"cursor":"c1"}}`},
	} {
		if got := string(Record{ID: "1", Data: json.RawMessage(tc.data), Meta: meta}.JSON()); got != tc.want {
			t.Errorf("JSON of %s:\n got %s\nwant %s", tc.data, got, tc.want)
		}
	}
}

// TestMetadataJSONSize checks the bound on the longest metadata a stored
// record can get: nanosecond times, deleted and pruned.
func TestMetadataJSONSize(t *testing.T) {
	at := time.Date(2025, 12, 31, 23, 59, 59, 999999999, time.UTC)
	r := Record{Data: json.RawMessage(`{"id":1}`), Meta: RecordMeta{
		FirstSeenAt: at, LastModifiedAt: at, LastAction: ActionUpdated, DeletedAt: &at, PrunedAt: &at, Cursor: encodeCursor(1<<64 - 1),
	}}
	out, err := r.AppendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	if added := len(out) - len(r.Data); added > MetadataJSONSize {
		t.Errorf("metadata takes %d bytes, over MetadataJSONSize (%d)", added, MetadataJSONSize)
	}
}

func TestAppendJSONAppends(t *testing.T) {
	r := Record{Data: json.RawMessage(`{"id":1}`), Meta: RecordMeta{LastAction: ActionAdded}}
	out, err := r.AppendJSON([]byte("["))
	if err != nil || string(out[:8]) != `[{"id":1` {
		t.Fatalf("AppendJSON = %s, %v", out, err)
	}
	if out, err := (Record{Data: json.RawMessage(`[]`)}).AppendJSON([]byte("[")); err == nil || string(out) != "[" {
		t.Errorf("non-object: %s, %v; want the buffer untouched and an error", out, err)
	}
}
