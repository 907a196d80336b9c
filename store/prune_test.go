package store

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// cursorOf returns the current cursor of a stored record.
func cursorOf(t *testing.T, s *Store, id string) string {
	t.Helper()
	got, err := s.GetRecords(context.Background(), testKey, []string{id})
	if err != nil || got[id].ID == "" {
		t.Fatalf("record %q: %v", id, err)
	}
	return got[id].Meta.Cursor
}

func mustPrune(t *testing.T, s *Store, until string, limit int) PruneResult {
	t.Helper()
	res, err := s.PruneRecords(context.Background(), testKey, until, limit)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestPruneRecords(t *testing.T) {
	s, clock, _ := openTestStore(t)
	ctx := context.Background()
	t0 := clock.Now()
	mustSave(t, s, testKey, `{"id":1,"n":"one"}`, `{"id":"b","n":"two"}`, `{"n":"three","id":"c"}`)
	c2, c3 := cursorOf(t, s, "b"), cursorOf(t, s, "c")
	clock.Advance(time.Hour)

	// The steps of Nango's own test: a limit, the rest up to a cursor, the
	// last one, then nothing left.
	for i, step := range []struct {
		until string
		limit int
		want  PruneResult
	}{
		{c2, 1, PruneResult{Pruned: 1, HasMore: true}},
		{c2, 0, PruneResult{Pruned: 1}},
		{c3, 0, PruneResult{Pruned: 1}},
		{c3, 0, PruneResult{}},
	} {
		if got := mustPrune(t, s, step.until, step.limit); got != step.want {
			t.Fatalf("step %d: %+v, want %+v", i, got, step.want)
		}
	}

	page, err := s.ListRecords(ctx, testKey, ListQuery{})
	if err != nil {
		t.Fatal(err)
	}
	wantData := []string{`{"id":1}`, `{"id":"b"}`, `{"id":"c"}`}
	for i, r := range page.Records {
		m := r.Meta
		if string(r.Data) != wantData[i] || m.Cursor != encodeCursor(uint64(i+1)) || m.LastAction != ActionAdded ||
			!m.LastModifiedAt.Equal(t0) || m.PrunedAt == nil || !m.PrunedAt.Equal(t0.Add(time.Hour)) || m.DeletedAt != nil {
			t.Errorf("record %d after prune: %s %+v", i, r.Data, m)
		}
	}
	if len(page.Records) != 3 || page.NextCursor != "" {
		t.Fatalf("listed %d records, next %q", len(page.Records), page.NextCursor)
	}
}

// TestPruneSkipsLaterChanges: records changed after the cursor keep their
// data, and the answer says exactly whether more remain.
func TestPruneSkipsLaterChanges(t *testing.T) {
	s, _, _ := openTestStore(t)
	mustSave(t, s, testKey, `{"id":"1","v":0}`, `{"id":"2","v":0}`, `{"id":"3","v":0}`)
	last := cursorOf(t, s, "3")
	mustSave(t, s, testKey, `{"id":"2","v":1}`, `{"id":"3","v":1}`)
	if got := mustPrune(t, s, last, 1); got != (PruneResult{Pruned: 1}) {
		t.Fatalf("prune: %+v", got)
	}
	got, err := s.GetRecords(context.Background(), testKey, []string{"1", "2", "3"})
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]bool{"1": true, "2": false, "3": false} {
		if pruned := got[id].Meta.PrunedAt != nil; pruned != want {
			t.Errorf("record %s: pruned %v, want %v (%s)", id, pruned, want, got[id].Data)
		}
	}
}

// TestPrunedRecordChanges: saving, merging into or deleting a pruned record.
func TestPrunedRecordChanges(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	mustSave(t, s, testKey, `{"id":"a","n":1}`, `{"id":"b","n":2}`, `{"id":"c","n":3}`, `{"id":"d"}`)
	mustPrune(t, s, cursorOf(t, s, "d"), 0)

	// The same data as before comes back as an update: the store had dropped it.
	res, err := s.SaveRecords(ctx, testKey, raws(`{"id":"a","n":1}`, `{"id":"d"}`))
	if err != nil || res.Updated != 2 {
		t.Fatalf("save after prune: %+v, %v", res, err)
	}
	if _, err := s.UpdateRecords(ctx, testKey, raws(`{"id":"b","m":true}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteRecords(ctx, testKey, []string{"c"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetRecords(ctx, testKey, []string{"a", "b", "c", "d"})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []struct {
		id, data string
		action   Action
		pruned   bool
	}{
		{"a", `{"id":"a","n":1}`, ActionUpdated, false},
		{"b", `{"id":"b","m":true}`, ActionUpdated, false},
		{"c", `{"id":"c"}`, ActionDeleted, true},
		{"d", `{"id":"d"}`, ActionUpdated, false},
	} {
		r := got[w.id]
		if string(r.Data) != w.data || r.Meta.LastAction != w.action || (r.Meta.PrunedAt != nil) != w.pruned {
			t.Errorf("record %s: %s %s pruned=%v; want %s %s pruned=%v", w.id, r.Data, r.Meta.LastAction, r.Meta.PrunedAt != nil, w.data, w.action, w.pruned)
		}
	}
	// Every record moved past the first prune's cursor: a new prune finds
	// the deleted one already pruned and prunes the others again.
	page, err := s.ListRecords(ctx, testKey, ListQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if got := mustPrune(t, s, page.Records[len(page.Records)-1].Meta.Cursor, 0); got != (PruneResult{Pruned: 3}) {
		t.Fatalf("second prune: %+v", got)
	}
}

// TestPruneInSteps prunes many records a few at a time (the watermark
// path) and checks each is pruned once and has_more ends false.
func TestPruneInSteps(t *testing.T) {
	s, _, _ := openTestStore(t)
	const total, step = 250, 40
	recs := make([]string, total)
	for i := range recs {
		recs[i] = fmt.Sprintf(`{"id":%d,"x":"%d"}`, i, i)
	}
	mustSave(t, s, testKey, recs...)
	until := encodeCursor(total - 10)
	pruned, calls := 0, 0
	for more := true; more; calls++ {
		res := mustPrune(t, s, until, step)
		pruned += res.Pruned
		more = res.HasMore
	}
	if pruned != total-10 || calls != (total-10+step-1)/step {
		t.Fatalf("pruned %d in %d calls", pruned, calls)
	}
	page, err := s.ListRecords(context.Background(), testKey, ListQuery{Cursor: until})
	if err != nil || len(page.Records) != 10 || page.Records[0].Meta.PrunedAt != nil {
		t.Fatalf("records after the cursor: %d, %v", len(page.Records), err)
	}
}

func TestPruneRecordsInvalid(t *testing.T) {
	s, _, _ := openTestStore(t)
	mustSave(t, s, testKey, `{"id":"a"}`)
	ok := encodeCursor(1)
	tests := []struct {
		name   string
		key    ModelKey
		cursor string
		limit  int
		want   error
	}{
		{"empty cursor", testKey, "", 0, ErrInvalidCursor},
		{"malformed cursor", testKey, "not-a-cursor", 0, ErrInvalidCursor},
		{"zero cursor", testKey, encodeCursor(0), 0, ErrInvalidCursor},
		{"negative limit", testKey, ok, -1, ErrInvalidQuery},
		{"limit too large", testKey, ok, MaxPruneLimit + 1, ErrInvalidQuery},
		{"no model", ModelKey{Connection: testConn}, ok, 0, ErrInvalidKey},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.PruneRecords(context.Background(), tc.key, tc.cursor, tc.limit); !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
		})
	}
	unknown := ModelKey{Connection: testConn, Model: "Nothing"}
	if res, err := s.PruneRecords(context.Background(), unknown, ok, 0); err != nil || res != (PruneResult{}) {
		t.Fatalf("unknown model: %+v, %v", res, err)
	}
}

// TestPruneReadsVersion1Values writes a record the way files made before
// pruning existed hold it (header version 1, byte for byte), then reads,
// prunes and saves it again.
func TestPruneReadsVersion1Values(t *testing.T) {
	s, clock, _ := openTestStore(t)
	ctx := context.Background()
	data := []byte(`{"id":"old","n":1}`)
	first := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	v := []byte{1, codeAdded}
	v = binary.BigEndian.AppendUint64(v, 1)
	v = binary.BigEndian.AppendUint64(v, uint64(first))
	v = binary.BigEndian.AppendUint64(v, uint64(first))
	v = binary.BigEndian.AppendUint64(v, 0)
	sum := sha256.Sum256(data)
	v = append(append(v, sum[:]...), data...)
	err := s.db.Update(func(tx *bolt.Tx) error {
		m, err := openModel(tx, testKey, true)
		if err != nil {
			return err
		}
		if err := m.data.Put([]byte("old"), v); err != nil {
			return err
		}
		if err := m.index.Put(m.seqKey(1), []byte("old")); err != nil {
			return err
		}
		return m.bucket.SetSequence(1)
	})
	if err != nil {
		t.Fatal(err)
	}
	raw := func() []byte {
		var out []byte
		_ = s.db.View(func(tx *bolt.Tx) error {
			m, _ := openModel(tx, testKey, false)
			out = append(out, m.data.Get([]byte("old"))...)
			return nil
		})
		return out
	}

	got, err := s.GetRecords(ctx, testKey, []string{"old"})
	if r := got["old"]; err != nil || string(r.Data) != string(data) || r.Meta.FirstSeenAt.UnixNano() != first || r.Meta.Cursor != encodeCursor(1) || r.Meta.PrunedAt != nil {
		t.Fatalf("version 1 record: %s %+v, %v", r.Data, r.Meta, err)
	}
	mustSave(t, s, testKey, string(data)) // unchanged: the stored hash is honoured
	if b := raw(); string(b) != string(v) {
		t.Fatalf("an unchanged save rewrote the value")
	}

	mustPrune(t, s, encodeCursor(1), 0)
	if b := raw(); b[0] != prunedHeaderVersion || len(b) != prunedHeaderSize+len(`{"id":"old"}`) {
		t.Fatalf("pruned value: % x", b)
	}
	clock.Advance(time.Minute)
	mustSave(t, s, testKey, string(data))
	if b := raw(); b[0] != headerVersion || string(b[headerSize:]) != string(data) {
		t.Fatalf("saved again: % x", b)
	}
}

func TestPrunedHeaderRoundTrip(t *testing.T) {
	h := header{action: codeDeleted, seq: 9, firstSeen: 1, modified: 2, deletedAt: 3, pruned: true, prunedAt: 4}
	b := make([]byte, h.size())
	h.encode(b)
	if got, err := decodeHeader(b); err != nil || got != h {
		t.Fatalf("decodeHeader = %+v, %v; want %+v", got, err, h)
	}
	if _, err := decodeHeader(b[:prunedHeaderSize-1]); err == nil {
		t.Error("decodeHeader accepted a truncated version 2 header")
	}
}

// FuzzDecodeHeader: any bytes either fail to decode or decode to a header
// that encodes back to the same bytes.
func FuzzDecodeHeader(f *testing.F) {
	for _, h := range []header{{action: codeAdded, seq: 1}, {action: codeDeleted, seq: 2, pruned: true, prunedAt: 5}} {
		b := make([]byte, h.size())
		h.encode(b)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, v []byte) {
		h, err := decodeHeader(v)
		if err != nil {
			return
		}
		b := make([]byte, h.size())
		h.encode(b)
		if string(b) != string(v[:h.size()]) {
			t.Fatalf("decoded % x, encoded back % x", v[:h.size()], b)
		}
	})
}
