package store

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
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

// parseChunk is how many records one goroutine parses at a time.
const parseChunk = 128

// parseBatch validates every record of a batch before anything touches the
// database, hashes each, and drops duplicates (the last occurrence of an id
// wins, in the place of the first). Large batches are parsed on several
// cores, chunk by chunk, so a slow core does not hold the rest back; the
// error reported is still the one of the first bad record.
func parseBatch(records []json.RawMessage) ([]batchItem, []string, error) {
	items := make([]batchItem, len(records))
	chunks := (len(records) + parseChunk - 1) / parseChunk
	errs := make([]error, chunks)
	parse := func(c int) {
		lo, hi := c*parseChunk, min(len(records), (c+1)*parseChunk)
		errs[c] = parseRange(records[lo:hi], items[lo:hi], lo)
	}
	if workers := min(runtime.GOMAXPROCS(0), chunks); workers <= 1 {
		for c := range chunks {
			parse(c)
		}
	} else {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for c := int(next.Add(1)) - 1; c < chunks; c = int(next.Add(1)) - 1 {
					parse(c)
				}
			})
		}
		wg.Wait()
	}
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}
	d := newDeduper(len(items))
	for _, it := range items {
		d.add(it)
	}
	return d.items, d.dups, nil
}

// parseRange parses records into items; base is the index of records[0] in
// the batch. All values of the range share one allocation.
func parseRange(records []json.RawMessage, items []batchItem, base int) error {
	total := 0
	for _, r := range records {
		total += headerSize + len(r) // compact JSON is never longer than its source
	}
	arena := make([]byte, 0, total)
	var room [headerSize]byte
	for i, raw := range records {
		start := len(arena)
		arena = append(arena, room[:]...)
		grown, id, err := appendRecord(arena, raw)
		if err != nil {
			return fmt.Errorf("record %d: %w", base+i, err)
		}
		arena = grown
		it := &items[i]
		*it = batchItem{index: base + i, id: id, key: []byte(id), value: arena[start:len(arena):len(arena)]}
		it.hash = sha256.Sum256(it.data())
	}
	return nil
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
