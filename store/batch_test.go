package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// bigBatch makes n records with ids r0…, replacing those at the given
// positions.
func bigBatch(n int, replace map[int]string) []json.RawMessage {
	batch := make([]json.RawMessage, n)
	for i := range batch {
		batch[i] = json.RawMessage(fmt.Sprintf(`{"id":"r%d","i":%d}`, i, i))
		if r, ok := replace[i]; ok {
			batch[i] = json.RawMessage(r)
		}
	}
	return batch
}

// Large batches are parsed in chunks on several goroutines; what comes out
// must not depend on that.
func TestParseBatchAcrossChunks(t *testing.T) {
	tests := []struct {
		name     string
		batch    []json.RawMessage
		wantErr  string
		wantLen  int
		wantDups []string
	}{
		{"first bad record wins", bigBatch(1000, map[int]string{999: `{}`, 700: `[]`, 300: `{"id":1.5}`}),
			"record 300: id 1.5 is not an integer", 0, nil},
		{"bad record in the last chunk", bigBatch(1000, map[int]string{999: `{`}), "record 999: invalid JSON", 0, nil},
		{"duplicates across chunks", bigBatch(1000, map[int]string{900: `{"id":"r5","i":900}`, 950: `{"id":"r600","i":950}`}),
			"", 998, []string{"r5", "r600"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			items, dups, err := parseBatch(tc.batch)
			if tc.wantErr != "" {
				if !errors.Is(err, ErrInvalidRecord) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != tc.wantLen || !reflect.DeepEqual(dups, tc.wantDups) {
				t.Fatalf("%d items, dups %v; want %d, %v", len(items), dups, tc.wantLen, tc.wantDups)
			}
			for i, it := range items {
				if want := fmt.Sprintf("r%d", i); i < 5 && it.id != want {
					t.Errorf("item %d has id %q, want %q", i, it.id, want)
				}
				if it.id == "r5" && string(it.data()) != `{"id":"r5","i":900}` {
					t.Errorf("duplicate r5 kept %s, want the last one", it.data())
				}
			}
		})
	}
}
