package store

import (
	"context"
	"reflect"
	"testing"
	"time"
)

func TestCursorRoundTrip(t *testing.T) {
	for _, seq := range []uint64{1, 2, 255, 256, 1 << 32, 1<<64 - 1} {
		c := encodeCursor(seq)
		if len(c) != cursorLen {
			t.Errorf("encodeCursor(%d) = %q, length %d", seq, c, len(c))
		}
		got, err := decodeCursor(c)
		if err != nil || got != seq {
			t.Errorf("decodeCursor(%q) = %d, %v; want %d", c, got, err, seq)
		}
	}
}

func TestHeaderRoundTrip(t *testing.T) {
	h := header{action: codeDeleted, seq: 7, firstSeen: -5, modified: 1 << 62, deletedAt: 42}
	h.hash[0], h.hash[31] = 1, 2
	b := make([]byte, headerSize+2)
	h.encode(b)
	got, err := decodeHeader(b)
	if err != nil || got != h {
		t.Fatalf("decodeHeader = %+v, %v; want %+v", got, err, h)
	}
	for _, bad := range [][]byte{b[:headerSize-1], append([]byte{9}, b[1:]...), append([]byte{1, 0}, b[2:]...)} {
		if _, err := decodeHeader(bad); err == nil {
			t.Errorf("decodeHeader(% x…) accepted a corrupt value", bad[:2])
		}
	}
}

func TestSaveRecordsTimestampsAndCursors(t *testing.T) {
	s, clock, _ := openTestStore(t)
	ctx := context.Background()
	get := func(id string) Record {
		t.Helper()
		got, err := s.GetRecords(ctx, testKey, []string{id})
		if err != nil {
			t.Fatal(err)
		}
		return got[id]
	}
	t0 := clock.Now()
	mustSave(t, s, testKey, `{"id":"a","n":1}`)
	added := get("a")
	if !added.Meta.FirstSeenAt.Equal(t0) || !added.Meta.LastModifiedAt.Equal(t0) || added.Meta.Cursor != encodeCursor(1) {
		t.Fatalf("added: %+v", added.Meta)
	}
	if added.Meta.FirstSeenAt.Location() != time.UTC {
		t.Errorf("FirstSeenAt not in UTC: %v", added.Meta.FirstSeenAt)
	}

	clock.Advance(time.Minute)
	mustSave(t, s, testKey, `{"id":"a","n":1}`) // unchanged: nothing moves
	if got := get("a"); !reflect.DeepEqual(got.Meta, added.Meta) {
		t.Fatalf("unchanged save moved meta: %+v", got.Meta)
	}

	t1 := clock.Now()
	mustSave(t, s, testKey, `{"id":"a","n":2}`)
	updated := get("a")
	if !updated.Meta.FirstSeenAt.Equal(t0) || !updated.Meta.LastModifiedAt.Equal(t1) || updated.Meta.Cursor != encodeCursor(2) {
		t.Fatalf("updated: %+v", updated.Meta)
	}

	clock.Advance(time.Minute)
	t2 := clock.Now()
	if _, err := s.DeleteRecords(ctx, testKey, []string{"a"}); err != nil {
		t.Fatal(err)
	}
	deleted := get("a")
	if deleted.Meta.DeletedAt == nil || !deleted.Meta.DeletedAt.Equal(t2) || !deleted.Meta.LastModifiedAt.Equal(t2) ||
		!deleted.Meta.FirstSeenAt.Equal(t0) || deleted.Meta.Cursor != encodeCursor(3) {
		t.Fatalf("deleted: %+v", deleted.Meta)
	}

	clock.Advance(time.Minute)
	mustSave(t, s, testKey, `{"id":"a","n":2}`)
	back := get("a")
	if back.Meta.DeletedAt != nil || back.Meta.LastAction != ActionUpdated || !back.Meta.FirstSeenAt.Equal(t0) || back.Meta.Cursor != encodeCursor(4) {
		t.Fatalf("saved again: %+v", back.Meta)
	}
}
