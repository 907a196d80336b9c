package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	bolt "go.etcd.io/bbolt"
)

var fuzzSeeds = []string{
	`{"id":"a","n":1}`, `{"id":42}`, `{"id":1.5}`, `{"id":""}`, `{"x":1}`, `[]`, `"s"`, `{`, ``,
	` { "id" : "a" , "_nango_metadata" : { "cursor" : "x" } } `, `{"\u0069d":"e","o":{"p":[1,{"q":null}]}}`,
	`{"id":"a","id":"b"}`, `{"id":"\ud800"}`, "{\"id\":\"\xff\"}",
}

// FuzzSaveRecords saves arbitrary bytes as a record: it must either fail
// with ErrInvalidRecord and change nothing, or store what encoding/json
// reads from the input, minus "_nango_metadata", in compact form.
func FuzzSaveRecords(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	s, _, _ := openTestStore(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, data []byte) {
		before := seqOf(t, s)
		_, err := s.SaveRecords(ctx, testKey, []json.RawMessage{data})
		if err != nil {
			if !errors.Is(err, ErrInvalidRecord) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			if after := seqOf(t, s); after != before {
				t.Fatalf("failed save moved the sequence from %d to %d", before, after)
			}
			return
		}
		want, err := decodeObject(data)
		if err != nil {
			t.Fatalf("saved %q, which encoding/json rejects: %v", data, err)
		}
		delete(want, metadataKey)
		id, err := RecordID(data)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.GetRecords(ctx, testKey, []string{id})
		if err != nil {
			t.Fatal(err)
		}
		rec, ok := got[id]
		if !ok {
			t.Fatalf("record %q not found after save", id)
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, rec.Data); err != nil || !bytes.Equal(compact.Bytes(), rec.Data) {
			t.Fatalf("stored data %q is not compact JSON (%v)", rec.Data, err)
		}
		if stored, err := decodeObject(rec.Data); err != nil || !reflect.DeepEqual(stored, want) {
			t.Fatalf("stored %s, want %v (%v)", rec.Data, want, err)
		}
	})
}

// FuzzCompact checks the scanner against encoding/json on arbitrary bytes.
func FuzzCompact(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c := compactor{in: data}
		err := c.compact()
		if valid := json.Valid(data); valid != (err == nil) {
			t.Fatalf("compact(%q): err = %v, json.Valid = %v", data, err, valid)
		}
		if err != nil {
			return
		}
		var want bytes.Buffer
		_ = json.Compact(&want, data)
		if !bytes.Equal(c.out, want.Bytes()) {
			t.Fatalf("compact(%q) = %q, want %q", data, c.out, want.Bytes())
		}
	})
}

// decodeObject decodes a JSON object with numbers kept as text.
func decodeObject(data []byte) (map[string]any, error) {
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}

func seqOf(t *testing.T, s *Store) uint64 {
	var seq uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		m, err := openModel(tx, testKey, false)
		if m != nil {
			seq = m.seq
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return seq
}
