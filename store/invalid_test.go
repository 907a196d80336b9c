package store

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
)

// TestBadInputLeavesStoreUnchanged runs every kind of bad call against a
// seeded store and checks the error (sentinel and message) and that not a
// byte of the file changed.
func TestBadInputLeavesStoreUnchanged(t *testing.T) {
	ctx := context.Background()
	long := strings.Repeat("x", 256)
	wide := strings.Repeat("é", 256)
	badKeys := []struct {
		name string
		key  ModelKey
		msg  string
	}{
		{"empty environment", ModelKey{Connection{"", "github", "c"}, "M"}, "environment is empty"},
		{"empty integration", ModelKey{Connection{"dev", "", "c"}, "M"}, "provider config key is empty"},
		{"empty connection", ModelKey{Connection{"dev", "github", ""}, "M"}, "connection id is empty"},
		{"empty model", ModelKey{testConn, ""}, "model is empty"},
		{"NUL in connection", ModelKey{Connection{"dev", "github", "a\x00b"}, "M"}, "contains a NUL byte"},
		{"NUL in model", ModelKey{testConn, "M\x00"}, "contains a NUL byte"},
		{"huge model name", ModelKey{testConn, strings.Repeat("m", maxKeyPart+1)}, "longer than 1024 bytes"},
	}

	type call struct {
		name string
		do   func(s *Store) error
		is   error
		msg  string
	}
	save := func(texts ...string) func(*Store) error {
		return func(s *Store) error { _, err := s.SaveRecords(ctx, testKey, raws(texts...)); return err }
	}
	update := func(texts ...string) func(*Store) error {
		return func(s *Store) error { _, err := s.UpdateRecords(ctx, testKey, raws(texts...)); return err }
	}
	list := func(q ListQuery) func(*Store) error {
		return func(s *Store) error { _, err := s.ListRecords(ctx, testKey, q); return err }
	}
	checkpoint := func(text string) func(*Store) error {
		return func(s *Store) error {
			return s.SaveCheckpoint(ctx, CheckpointKey{testConn, "sync"}, json.RawMessage(text))
		}
	}
	calls := []call{
		{"missing id", save(`{"id":"ok"}`, `{"x":1}`), ErrInvalidRecord, "save records dev/github/conn-1/Issue: record 1: id is missing: store: invalid record"},
		{"id of 256 characters", save(`{"id":"` + long + `"}`), ErrInvalidRecord, `record 0: id "xxxxxxxxxxxxxxxx…" is longer than 255 characters`},
		{"id of 256 wide characters", save(`{"id":"` + wide + `"}`), ErrInvalidRecord, "is longer than 255 characters"},
		{"empty id", save(`{"id":""}`), ErrInvalidRecord, "record 0: id is empty"},
		{"float id", save(`{"id":"a"}`, `{"id":"b"}`, `{"id":1.5}`), ErrInvalidRecord, "record 2: id 1.5 is not an integer"},
		{"exponent id", save(`{"id":1e3}`), ErrInvalidRecord, "id 1e3 is not an integer"},
		{"null id", save(`{"id":null}`), ErrInvalidRecord, "id must be a string or an integer, got null"},
		{"object id", save(`{"id":{"a":1}}`), ErrInvalidRecord, "got an object"},
		{"boolean id", save(`{"id":true}`), ErrInvalidRecord, "got a boolean"},
		{"array", save(`[{"id":"a"}]`), ErrInvalidRecord, "record 0: not a JSON object"},
		{"string", save(`"a"`), ErrInvalidRecord, "not a JSON object"},
		{"truncated JSON", save(`{"id":"a",`), ErrInvalidRecord, "record 0: invalid JSON at offset 10"},
		{"trailing data", save(`{"id":"a"} {}`), ErrInvalidRecord, "unexpected data after the top-level value"},
		{"empty record", save(``), ErrInvalidRecord, "unexpected end of input"},
		{"bad escape", save(`{"id":"a\x"}`), ErrInvalidRecord, "invalid escape"},
		{"control character", save("{\"id\":\"a\nb\"}"), ErrInvalidRecord, "control character"},
		{"single quotes", save(`{'id':'a'}`), ErrInvalidRecord, "expected a string key"},
		{"leading zero", save(`{"id":"a","n":01}`), ErrInvalidRecord, "invalid JSON"},
		{"update unknown id", update(`{"id":"a","n":2}`, `{"id":"nope"}`), ErrInvalidRecord, `record 1: no record with id "nope"`},
		{"update unknown model", func(s *Store) error {
			_, err := s.UpdateRecords(ctx, ModelKey{testConn, "Other"}, raws(`{"id":"a"}`))
			return err
		}, ErrInvalidRecord, `record 0: no record with id "a"`},
		{"update bad partial", update(`{"id":"a"}`, `{"n":2}`), ErrInvalidRecord, "record 1: id is missing"},
		{"delete empty id", func(s *Store) error {
			_, err := s.DeleteRecords(ctx, testKey, []string{"a", ""})
			return err
		}, ErrInvalidRecord, "record 1: id is empty"},
		{"delete long id", func(s *Store) error {
			_, err := s.DeleteRecords(ctx, testKey, []string{long})
			return err
		}, ErrInvalidRecord, "longer than 255"},
		{"cursor not base64", list(ListQuery{Cursor: "!!!!!!!!!!!"}), ErrInvalidCursor, "list records dev/github/conn-1/Issue: cursor"},
		{"cursor too short", list(ListQuery{Cursor: "AAAA"}), ErrInvalidCursor, "invalid cursor"},
		{"cursor too long", list(ListQuery{Cursor: encodeCursor(1) + "A"}), ErrInvalidCursor, "invalid cursor"},
		{"cursor zero", list(ListQuery{Cursor: encodeCursor(0)}), ErrInvalidCursor, "invalid cursor"},
		{"cursor non-canonical", list(ListQuery{Cursor: "AAAAAAAAAAF"}), ErrInvalidCursor, "invalid cursor"},
		{"negative limit", list(ListQuery{Limit: -1}), ErrInvalidQuery, "limit -1 is outside 1..10000"},
		{"limit too big", list(ListQuery{Limit: 10001}), ErrInvalidQuery, "limit 10001"},
		{"unknown filter", list(ListQuery{Filter: []Action{"added"}}), ErrInvalidQuery, `unknown action "added"`},
		{"nested checkpoint", checkpoint(`{"a":1,"b":{"c":1}}`), ErrInvalidCheckpoint, `value of "b" must be a string, number or boolean, not an object`},
		{"checkpoint with array", checkpoint(`{"a":[1]}`), ErrInvalidCheckpoint, "not an array"},
		{"checkpoint with null", checkpoint(`{"a":null}`), ErrInvalidCheckpoint, "not null"},
		{"checkpoint not an object", checkpoint(`[1]`), ErrInvalidCheckpoint, "not a JSON object"},
		{"checkpoint invalid JSON", checkpoint(`{"a":`), ErrInvalidCheckpoint, "invalid JSON"},
		{"checkpoint empty", checkpoint(``), ErrInvalidCheckpoint, "invalid JSON"},
		{"metadata not encodable", func(s *Store) error {
			return s.SetMetadata(ctx, testConn, map[string]any{"f": math.NaN()})
		}, ErrInvalidMetadata, `set metadata dev/github/conn-1: key "f"`},
		{"metadata update not encodable", func(s *Store) error {
			return s.UpdateMetadata(ctx, testConn, map[string]any{"ch": make(chan int)})
		}, ErrInvalidMetadata, `update metadata dev/github/conn-1: key "ch"`},
	}
	for _, bk := range badKeys {
		k := bk.key
		ck := CheckpointKey{k.Connection, k.Model}
		calls = append(calls,
			call{"save: " + bk.name, func(s *Store) error { _, err := s.SaveRecords(ctx, k, raws(`{"id":"a"}`)); return err }, ErrInvalidKey, bk.msg},
			call{"update: " + bk.name, func(s *Store) error { _, err := s.UpdateRecords(ctx, k, raws(`{"id":"a"}`)); return err }, ErrInvalidKey, bk.msg},
			call{"delete: " + bk.name, func(s *Store) error { _, err := s.DeleteRecords(ctx, k, []string{"a"}); return err }, ErrInvalidKey, bk.msg},
			call{"get: " + bk.name, func(s *Store) error { _, err := s.GetRecords(ctx, k, []string{"a"}); return err }, ErrInvalidKey, bk.msg},
			call{"list: " + bk.name, func(s *Store) error { _, err := s.ListRecords(ctx, k, ListQuery{}); return err }, ErrInvalidKey, bk.msg},
			call{"save checkpoint: " + bk.name, func(s *Store) error { return s.SaveCheckpoint(ctx, ck, json.RawMessage(`{}`)) }, ErrInvalidKey, ""},
			call{"get checkpoint: " + bk.name, func(s *Store) error { _, err := s.Checkpoint(ctx, ck); return err }, ErrInvalidKey, ""},
			call{"clear checkpoint: " + bk.name, func(s *Store) error { return s.ClearCheckpoint(ctx, ck) }, ErrInvalidKey, ""},
		)
		if k.Model != "" && !strings.ContainsRune(k.Model, 0) && len(k.Model) <= maxKeyPart {
			calls = append(calls,
				call{"set metadata: " + bk.name, func(s *Store) error { return s.SetMetadata(ctx, k.Connection, nil) }, ErrInvalidKey, bk.msg},
				call{"update metadata: " + bk.name, func(s *Store) error { return s.UpdateMetadata(ctx, k.Connection, map[string]any{"a": 1}) }, ErrInvalidKey, bk.msg},
				call{"get metadata: " + bk.name, func(s *Store) error { _, err := s.Metadata(ctx, k.Connection); return err }, ErrInvalidKey, bk.msg},
			)
		}
	}

	for _, tc := range calls {
		t.Run(tc.name, func(t *testing.T) {
			s, _, _ := openTestStore(t)
			mustSave(t, s, testKey, `{"id":"a","n":1}`, `{"id":"b","n":1}`)
			if err := s.SaveCheckpoint(ctx, CheckpointKey{testConn, "sync"}, json.RawMessage(`{"page":2}`)); err != nil {
				t.Fatal(err)
			}
			if err := s.SetMetadata(ctx, testConn, map[string]any{"k": "v"}); err != nil {
				t.Fatal(err)
			}
			before := dump(t, s)
			err := tc.do(s)
			if !errors.Is(err, tc.is) {
				t.Fatalf("err = %v, want %v", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %q, want it to contain %q", err, tc.msg)
			}
			if after := dump(t, s); after != before {
				t.Errorf("store changed:\n%s\nwant\n%s", after, before)
			}
		})
	}
}
