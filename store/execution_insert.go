package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// insert gives the records the next ids, in order (into ids), and stores
// their summaries, their reports (if any) and their index entries. It
// writes a bucket at a time — every summary, then each index's entries —
// and carves summaries out of a few large buffers: the operations log
// stores a thousand operations per call, and every microsecond spent
// here is taken from the requests it records.
func (x *executions) insert(records []ExecutionRecord, reports []json.RawMessage, ids []uint64) error {
	seq := x.b.Sequence()
	if err := x.b.SetSequence(seq + uint64(len(records))); err != nil {
		return err
	}
	var (
		mem slab
		key []byte
	)
	batch := make([]Execution, len(records))
	for i, r := range records {
		e := &batch[i]
		*e = r.Execution
		e.ID = seq + 1 + uint64(i)
		ids[i] = e.ID
		key = binary.BigEndian.AppendUint64(key[:0], e.ID)
		v, err := appendExecution(mem.tail(summarySize(e)), e)
		if err != nil {
			return fmt.Errorf("execution %d: encode: %w", e.ID, err)
		}
		if err := x.summaries.Put(key, mem.keep(v)); err != nil {
			return err
		}
		if len(reports[i]) > 0 {
			if err := x.reports.Put(key, reports[i]); err != nil {
				return err
			}
		}
	}
	return x.index(batch, &mem)
}

// index adds batch (in id order, after every id indexed so far) to every
// index: one entry per prefix (see appendEntryIDs) in each name index,
// and one per byTimeStep of starts in by_time.
func (x *executions) index(batch []Execution, mem *slab) error {
	if len(batch) == 0 {
		return nil
	}
	var (
		g entryGroups
		k []byte // Put copies keys (values it keeps): one buffer serves them all
	)
	for _, ix := range executionIndexes {
		b := x.b.Bucket(ix.bucket)
		g.group(batch, ix)
		for i := range g.prefixes {
			ids := g.ids(i)
			k = binary.BigEndian.AppendUint64(append(k[:0], g.prefix(i)...), ids[0])
			var v []byte
			if len(ids) > 1 {
				v = mem.keep(appendEntryIDs(mem.tail(2*len(ids)), ids[0], ids))
			}
			if err := b.Put(k, v); err != nil {
				return err
			}
		}
	}
	// by_time: an entry for the batch, or for each byTimeStep of starts in
	// it, keyed by the latest start up to its last id and its first id.
	var at, from uint64 // the latest start so far; at the entry's first id
	if last, _ := x.byTime.Cursor().Last(); last != nil {
		at = binary.BigEndian.Uint64(last)
	}
	first := batch[0].ID
	for i := range batch {
		t := max(at, timeBits(batch[i].StartedAt))
		if i == 0 {
			from = t
		} else if t-from > uint64(byTimeStep) {
			if err := x.byTime.Put(binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(k[:0], at), first), nil); err != nil {
				return err
			}
			first, from = batch[i].ID, t
		}
		at = t
	}
	return x.byTime.Put(binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(k[:0], at), first), nil)
}

// byTimeStep bounds the starts one by_time entry spans (unless one
// execution spans more): the operations log's batches, a few
// milliseconds of calls, take one entry each, and a time range's walk
// goes at most this far past its end (and recordSlack).
const byTimeStep = time.Second

// entryGroups groups a batch's ids by their prefix in one index, in the
// order the prefixes first appear, each group's ids in batch order.
type entryGroups struct {
	seen     map[string]int
	buf      []byte // the prefixes, one after the other
	prefixes []int  // where each ends in buf
	ends     []int  // where each group's ids end in all
	of       []int  // the group of each execution
	all      []uint64
}

func (g *entryGroups) group(batch []Execution, ix executionIndex) {
	if g.seen == nil {
		g.seen = map[string]int{}
	}
	clear(g.seen)
	g.buf, g.prefixes, g.ends, g.of = g.buf[:0], g.prefixes[:0], g.ends[:0], g.of[:0]
	var p []byte
	last := -1
	for i := range batch {
		p = ix.appendPrefix(p[:0], &batch[i])
		if last < 0 || !bytes.Equal(p, g.prefix(last)) { // runs of one prefix skip the map
			n, ok := g.seen[string(p)]
			if !ok {
				n = len(g.prefixes)
				g.buf = append(g.buf, p...)
				g.prefixes, g.ends = append(g.prefixes, len(g.buf)), append(g.ends, 0)
				g.seen[string(p)] = n
			}
			last = n
		}
		g.of = append(g.of, last)
		g.ends[last]++
	}
	// Counts to ends, then each id to its group's next slot.
	end := 0
	for n, count := range g.ends {
		g.ends[n] = end // the group's start, for now
		end += count
	}
	g.all = slices.Grow(g.all[:0], len(batch))[:len(batch)]
	for i, n := range g.of {
		g.all[g.ends[n]] = batch[i].ID
		g.ends[n]++
	}
}

// prefix is group n's prefix.
func (g *entryGroups) prefix(n int) []byte {
	start := 0
	if n > 0 {
		start = g.prefixes[n-1]
	}
	return g.buf[start:g.prefixes[n]]
}

// ids are group n's ids.
func (g *entryGroups) ids(n int) []uint64 {
	start := 0
	if n > 0 {
		start = g.ends[n-1]
	}
	return g.all[start:g.ends[n]]
}

// summarySize is about the length of e's summary: its names and the
// JSON around them.
func summarySize(e *Execution) int {
	n := 256 + len(e.Type) + len(e.Environment) + len(e.Integration) + len(e.ConnectionID) + len(e.Function) + len(e.Trigger) + len(e.Status)
	for model := range e.Records {
		n += 64 + len(model)
	}
	if e.Error != nil {
		n += 32 + len(e.Error.Type) + len(e.Error.Message)
	}
	return n
}

// slabChunk is the size of a slab's buffers.
const slabChunk = 64 << 10

// slab carves the values of one write transaction out of large buffers:
// bbolt keeps every value Put is given (it copies keys) until the
// transaction ends, so each needs memory of its own, but not an
// allocation of its own.
type slab struct{ buf []byte }

// tail is the free end of the slab, empty, with room for at least n
// bytes.
func (s *slab) tail(n int) []byte {
	if cap(s.buf)-len(s.buf) < n {
		s.buf = make([]byte, 0, max(slabChunk, n))
	}
	return s.buf[len(s.buf):]
}

// keep marks b — what was appended to tail's slice — as used and returns
// it. If b outgrew tail's room, it lives elsewhere and the slab is
// untouched.
func (s *slab) keep(b []byte) []byte {
	if n := len(s.buf); len(b) > 0 && cap(s.buf) > n && &b[0] == &s.buf[n : n+1][0] {
		s.buf = s.buf[:n+len(b)]
	}
	return b[:len(b):len(b)]
}
