package server

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ferryhq/ferry/store"
)

func TestParseModifiedAfter(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2025-03-01T12:00:00Z", time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC), true},
		{"2025-03-01T12:00:00.123456789Z", time.Date(2025, 3, 1, 12, 0, 0, 123456789, time.UTC), true},
		{"2025-03-01T13:00:00+01:00", time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC), true},
		{"2025-03-01T13:00:00 01:00", time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC), true}, // "+" decoded as a space
		{"2025-03-01", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), true},
		{"2025-03-01T12:00:00", time.Time{}, false}, // no zone
		{"2025-13-01", time.Time{}, false},
		{"1740830400", time.Time{}, false},
		{"", time.Time{}, false},
	}
	for _, tc := range tests {
		got, err := parseModifiedAfter(tc.in)
		if (err == nil) != tc.ok || !got.Equal(tc.want) {
			t.Errorf("parseModifiedAfter(%q) = %v, %v; want %v, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), `"`+tc.in+`"`) {
			t.Errorf("parseModifiedAfter(%q): message %q does not quote the value", tc.in, err)
		}
	}
}

func TestParseFilter(t *testing.T) {
	tests := []struct {
		in   string
		want []store.Action
		err  string
	}{
		{"added", []store.Action{store.ActionAdded}, ""},
		{"ADDED,Updated, deleted", []store.Action{store.ActionAdded, store.ActionUpdated, store.ActionDeleted}, ""},
		{"updated,", []store.Action{store.ActionUpdated}, ""},
		{"removed", nil, `unknown action "removed"`},
		{",,", nil, "want added, updated or deleted"},
	}
	for _, tc := range tests {
		got, err := parseFilter(tc.in)
		if !slices.Equal(got, tc.want) || (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("parseFilter(%q) = %v, %v; want %v, %q", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestParseRecordsLimit(t *testing.T) {
	for in, want := range map[string]int{"1": 1, "100": 100, "10000": 10000, "0": 0, "10001": 0, "-5": 0, "1e3": 0, "abc": 0, " 5": 0} {
		got, err := parseLimit("limit", in, store.MaxListLimit)
		if got != want || (err == nil) != (want != 0) {
			t.Errorf("parseLimit(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}

func TestParseIDs(t *testing.T) {
	got, err := parseIDs([][]byte{[]byte("a"), []byte("b, c"), []byte(",d,")})
	if err != nil || !slices.Equal(got, []string{"a", "b", "c", "d"}) {
		t.Fatalf("parseIDs = %v, %v", got, err)
	}
	many := []byte(strings.Repeat("x,", store.MaxListLimit) + "x")
	var ae *apiError
	if _, err := parseIDs([][]byte{many}); !errors.As(err, &ae) || ae.Status != 400 || !strings.Contains(ae.Message, "too many ids") {
		t.Fatalf("%d ids: %v", store.MaxListLimit+1, err)
	}
	if _, err := parseIDs([][]byte{many[:len(many)-2]}); err != nil {
		t.Fatalf("%d ids: %v", store.MaxListLimit, err)
	}
}

func TestStoreModel(t *testing.T) {
	for _, tc := range []struct{ model, variant, want string }{
		{"Issue", "", "Issue"},
		{"Issue", "base", "Issue"},
		{"Issue", "eu", "Issue::eu"},
	} {
		if got := storeModel(tc.model, tc.variant); got != tc.want {
			t.Errorf("storeModel(%q, %q) = %q, want %q", tc.model, tc.variant, got, tc.want)
		}
	}
}

func TestRecordPageJSON(t *testing.T) {
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	rec := func(data string) store.Record {
		return store.Record{Data: json.RawMessage(data), Meta: store.RecordMeta{FirstSeenAt: at, LastModifiedAt: at, LastAction: store.ActionAdded, Cursor: "AAAAAAAAAAE"}}
	}
	tests := []struct {
		name string
		page store.RecordPage
		want string
	}{
		{"empty", store.RecordPage{}, `{"records":[],"next_cursor":null}`},
		{"two and more", store.RecordPage{Records: []store.Record{rec(`{"id":1}`), rec(`{"id":"b","x":[1]}`)}, NextCursor: "AAAAAAAAAAI"},
			`{"records":[{"id":1,"_nango_metadata":{"first_seen_at":"2025-03-01T12:00:00Z","last_modified_at":"2025-03-01T12:00:00Z","last_action":"ADDED","deleted_at":null,"pruned_at":null,"cursor":"AAAAAAAAAAE"}},` +
				`{"id":"b","x":[1],"_nango_metadata":{"first_seen_at":"2025-03-01T12:00:00Z","last_modified_at":"2025-03-01T12:00:00Z","last_action":"ADDED","deleted_at":null,"pruned_at":null,"cursor":"AAAAAAAAAAE"}}],"next_cursor":"AAAAAAAAAAI"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := recordPageJSON(tc.page)
			if err != nil || string(got) != tc.want {
				t.Fatalf("got %s, %v\nwant %s", got, err, tc.want)
			}
			if !json.Valid(got) {
				t.Fatal("invalid JSON")
			}
		})
	}
	if _, err := recordPageJSON(store.RecordPage{Records: []store.Record{rec(`[1]`)}}); err == nil {
		t.Fatal("a record that is not an object rendered")
	}
}
