package store

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
)

// batchItem is one validated entry of a batch.
type batchItem struct {
	index int    // position in the caller's slice, for error messages
	id    string // the key the record is stored under
	key   []byte // id as bytes, kept alive until the transaction ends
	// value is headerSize bytes of room for the header followed by the
	// record's compact JSON: exactly what gets written, with no more copying.
	value []byte
	hash  [sha256.Size]byte
}

func (it *batchItem) data() []byte { return it.value[headerSize:] }

// parseBatch validates every record of a batch before anything touches the
// database, hashes each, and drops duplicates (the last occurrence of an id
// wins, in the place of the first). All values share one allocation.
func parseBatch(records []json.RawMessage) ([]batchItem, []string, error) {
	total := 0
	for _, r := range records {
		total += headerSize + len(r) // compact JSON is never longer than its source
	}
	arena := make([]byte, 0, total)
	var room [headerSize]byte
	d := newDeduper(len(records))
	for i, raw := range records {
		start := len(arena)
		arena = append(arena, room[:]...)
		grown, id, err := appendRecord(arena, raw)
		if err != nil {
			return nil, nil, fmt.Errorf("record %d: %w", i, err)
		}
		arena = grown
		it := batchItem{index: i, id: id, key: []byte(id), value: arena[start:len(arena):len(arena)]}
		it.hash = sha256.Sum256(it.data())
		d.add(it)
	}
	return d.items, d.dups, nil
}

// parseIDs validates the ids of a delete batch and drops duplicates.
func parseIDs(ids []string) ([]batchItem, []string, error) {
	d := newDeduper(len(ids))
	for i, id := range ids {
		if err := checkID(id); err != nil {
			return nil, nil, fmt.Errorf("record %d: %w", i, err)
		}
		d.add(batchItem{index: i, id: id, key: []byte(id)})
	}
	return d.items, d.dups, nil
}

// deduper collects batch items, keeping one per id.
type deduper struct {
	items []batchItem
	pos   map[string]int  // id → index in items
	dup   map[string]bool // ids already reported in dups
	dups  []string
}

func newDeduper(n int) *deduper {
	return &deduper{items: make([]batchItem, 0, n), pos: make(map[string]int, n)}
}

func (d *deduper) add(it batchItem) {
	j, seen := d.pos[it.id]
	if !seen {
		d.pos[it.id] = len(d.items)
		d.items = append(d.items, it)
		return
	}
	d.items[j] = it
	if d.dup == nil {
		d.dup = make(map[string]bool)
	}
	if !d.dup[it.id] {
		d.dup[it.id] = true
		d.dups = append(d.dups, it.id)
	}
}
