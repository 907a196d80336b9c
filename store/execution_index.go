package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The executions' indexes, nested under "executions" beside "summary".
// Each key is a prefix of length-prefixed names followed by the 8-byte
// big-endian id of an execution; in the name indexes its value lists the
// ids of that prefix from that one on (execution_entries.go), so that one
// prefix's keys are in id order and a reverse walk from a seek lists it
// newest first:
//
//	by_connection  environment, connection id        + id
//	by_function    environment, function             + id
//	by_integration environment, integration          + id
//	by_type        environment, type                 + id
//	by_status      environment, status               + id
//	by_time        latest start (8 bytes, ordered)   + id
//
// The connection index leaves the integration out so that it also serves
// a query naming the connection alone; the integration is then checked on
// the summary, like every other filter. by_time has an entry per write
// (a batch of the operations log, one created execution) — or per second
// of starts within one: the latest start of any execution up to the last
// id it covers, with the first, so that a time range becomes a range of
// ids. Stores written before batches had an entry per execution, which
// reads the same way.
//
// Stores written before the indexes existed have none: the first
// transaction that needs them builds them from the summaries.
var (
	bucketByConnection  = []byte("by_connection")
	bucketByFunction    = []byte("by_function")
	bucketByIntegration = []byte("by_integration")
	bucketByType        = []byte("by_type")
	bucketByStatus      = []byte("by_status")
	bucketByTime        = []byte("by_time")
)

// recordSlack bounds how much earlier than the executions recorded before
// it an execution may have started: ids follow the order executions are
// recorded in (created, or handed to RecordExecutions), which follows
// their starts give or take the time a batch waits. A To bound ends the
// walk at the write after the first whose by_time is To+recordSlack or
// later; an execution recorded later than that after the others can be
// missed by a query with a To bound. A From bound is exact.
const recordSlack = time.Hour

// errNoIndexes tells a reader that the store predates the indexes.
var errNoIndexes = errors.New("execution indexes missing")

// executionIndex is one of the name indexes: its bucket and the name of
// an execution (or a query) that, after the environment, makes its
// prefix.
type executionIndex struct {
	bucket []byte
	name   func(e *Execution) string
}

// executionIndexes, most selective first: ListExecutions uses the first
// one whose names the query sets.
var executionIndexes = [...]executionIndex{
	{bucketByConnection, func(e *Execution) string { return e.ConnectionID }},
	{bucketByFunction, func(e *Execution) string { return e.Function }},
	{bucketByIntegration, func(e *Execution) string { return e.Integration }},
	{bucketByType, func(e *Execution) string { return e.Type }},
	{bucketByStatus, func(e *Execution) string { return e.Status }},
}

// appendPrefix appends e's prefix in ix to b: the environment and ix's
// name, each as a uvarint length and its bytes (so that no name can run
// into the next).
func (ix executionIndex) appendPrefix(b []byte, e *Execution) []byte {
	name := ix.name(e)
	b = append(binary.AppendUvarint(b, uint64(len(e.Environment))), e.Environment...)
	return append(binary.AppendUvarint(b, uint64(len(name))), name...)
}

// keySize bounds the length of e's key in ix.
func (ix executionIndex) keySize(e *Execution) int {
	return 2*binary.MaxVarintLen64 + len(e.Environment) + len(ix.name(e)) + 8
}

// prefix is e's prefix in ix, with room for an id.
func (ix executionIndex) prefix(e *Execution) []byte {
	return ix.appendPrefix(make([]byte, 0, ix.keySize(e)), e)
}

// timeKey orders times as bytes: timeBits, big-endian.
func timeKey(t time.Time) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 16), timeBits(t))
}

// timeBits orders times as unsigned numbers: Unix nanoseconds with the
// sign bit flipped.
func timeBits(t time.Time) uint64 {
	return uint64(t.UnixNano()) ^ (1 << 63)
}

// executions is the executions bucket of a write transaction, with its
// indexes present.
type executions struct {
	b, summaries, reports, byTime *bolt.Bucket
}

// openExecutions opens the executions bucket in a write transaction,
// building the indexes if the store predates them.
func openExecutions(tx *bolt.Tx) (*executions, error) {
	b := tx.Bucket(bucketExecutions)
	x := &executions{b: b, summaries: b.Bucket(bucketSummary), reports: b.Bucket(bucketReport), byTime: b.Bucket(bucketByTime)}
	if x.byTime == nil {
		if err := x.buildIndexes(); err != nil {
			return nil, fmt.Errorf("build execution indexes: %w", err)
		}
	}
	x.appendOnly()
	return x, nil
}

// appendOnly fills the pages of the buckets keyed by ids alone before
// splitting them (bbolt splits at half a page by default): ids only
// grow, so a new key lands at the end of the last page, and the
// operations log's writer, splitting half as often, writes half as many
// pages. (The name indexes keep bbolt's default: their entries land at the
// end of each prefix, in the middle of full pages.) Deletes, from the
// front, leave pages that bbolt merges.
func (x *executions) appendOnly() {
	x.summaries.FillPercent, x.reports.FillPercent, x.byTime.FillPercent = 1, 1, 1
}

// buildIndexes creates the index buckets and fills them from the
// summaries.
func (x *executions) buildIndexes() error {
	for _, name := range [][]byte{bucketByConnection, bucketByFunction, bucketByIntegration, bucketByType, bucketByStatus, bucketByTime} {
		if err := x.b.DeleteBucket(name); err != nil && !errors.Is(err, bolt.ErrBucketNotFound) {
			return err
		}
		if _, err := x.b.CreateBucket(name); err != nil {
			return err
		}
	}
	x.byTime = x.b.Bucket(bucketByTime)
	var (
		batch []Execution
		mem   slab
	)
	cur := x.summaries.Cursor()
	for k, v := cur.First(); k != nil; k, v = cur.Next() {
		var e Execution
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("execution %d: decode: %w", binary.BigEndian.Uint64(k), err)
		}
		e.ID = binary.BigEndian.Uint64(k)
		if batch = append(batch, e); len(batch) == maxRecordBatch {
			if err := x.index(batch, &mem); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	return x.index(batch, &mem)
}

// replace stores e over its stored summary, moving its name-index entries
// if its names changed, and stores report unless it is empty.
func (x *executions) replace(e Execution, report json.RawMessage) error {
	key := executionKey(e.ID)
	v := x.summaries.Get(key)
	if v == nil {
		return fmt.Errorf("execution %d: %w", e.ID, ErrNotFound)
	}
	var old Execution
	if err := json.Unmarshal(v, &old); err != nil {
		return fmt.Errorf("execution %d: decode: %w", e.ID, err)
	}
	for _, ix := range executionIndexes {
		was, now := ix.prefix(&old), ix.prefix(&e)
		if bytes.Equal(was, now) {
			continue
		}
		b := x.b.Bucket(ix.bucket)
		if err := removeEntries(b, []uint64{e.ID}, func(int) []byte { return was }); err != nil {
			return err
		}
		if err := addEntry(b, now, e.ID); err != nil {
			return err
		}
	}
	v, err := appendExecution(make([]byte, 0, summarySize(&e)), &e)
	if err != nil {
		return err
	}
	if err := x.summaries.Put(key, v); err != nil {
		return err
	}
	if len(report) == 0 {
		return nil
	}
	return x.reports.Put(key, report)
}

// delete removes the executions (in id order), their reports and their
// index entries.
func (x *executions) delete(doomed []Execution) error {
	if len(doomed) == 0 {
		return nil
	}
	ids := make([]uint64, len(doomed))
	for i, e := range doomed {
		ids[i] = e.ID
		key := executionKey(e.ID)
		if err := x.summaries.Delete(key); err != nil {
			return err
		}
		if err := x.reports.Delete(key); err != nil {
			return err
		}
	}
	for _, ix := range executionIndexes {
		var p []byte
		prefix := func(i int) []byte {
			p = ix.appendPrefix(p[:0], &doomed[i])
			return p
		}
		if err := removeEntries(x.b.Bucket(ix.bucket), ids, prefix); err != nil {
			return err
		}
	}
	return x.pruneByTime(ids[len(ids)-1])
}

// pruneByTime updates the by_time entries of writes up to the id maxID
// once executions are gone: an entry whose ids are all gone goes, one
// whose first ids are gone moves to the first id left. (An entry's ids
// run up to the next entry's.)
func (x *executions) pruneByTime(maxID uint64) error {
	type move struct{ from, to []byte } // to nil: delete
	var moves []move
	cur, left := x.byTime.Cursor(), x.summaries.Cursor()
	k, _ := cur.First()
	for k != nil && binary.BigEndian.Uint64(k[8:]) <= maxID {
		first, from := binary.BigEndian.Uint64(k[8:]), slices.Clone(k)
		end := uint64(math.MaxUint64)
		if k, _ = cur.Next(); k != nil {
			end = binary.BigEndian.Uint64(k[8:])
		}
		s, _ := left.Seek(executionKey(first))
		switch {
		case s != nil && binary.BigEndian.Uint64(s) == first:
		case s == nil || binary.BigEndian.Uint64(s) >= end:
			moves = append(moves, move{from, nil})
		default:
			moves = append(moves, move{from, append(slices.Clone(from[:8]), s...)})
		}
	}
	for _, m := range moves {
		if err := x.byTime.Delete(m.from); err != nil {
			return err
		}
		if m.to != nil {
			if err := x.byTime.Put(m.to, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// idRange turns q's time range into ids: lo ≤ id < hi holds for every
// execution that started in it (see recordSlack).
func idRange(byTime *bolt.Bucket, q ExecutionQuery) (lo, hi uint64) {
	lo, hi = 1, math.MaxUint64
	if q.Before != 0 {
		hi = q.Before
	}
	cur := byTime.Cursor()
	if !q.From.IsZero() {
		k, _ := cur.Seek(timeKey(q.From))
		if k == nil {
			return 1, 0
		}
		lo = binary.BigEndian.Uint64(k[8:])
	}
	if !q.To.IsZero() {
		// Every execution written after the first write whose latest
		// start is To+recordSlack or later started at To or later.
		if k, _ := cur.Seek(timeKey(q.To.Add(recordSlack))); k != nil {
			if k, _ = cur.Next(); k != nil {
				hi = min(hi, binary.BigEndian.Uint64(k[8:]))
			}
		}
	}
	return lo, hi
}

// listExecutions collects up to q.Limit executions q selects, newest
// first, walking the most selective index q allows (or every summary).
func listExecutions(tx *bolt.Tx, q ExecutionQuery) ([]Execution, error) {
	b := tx.Bucket(bucketExecutions)
	byTime := b.Bucket(bucketByTime)
	if byTime == nil {
		return nil, errNoIndexes
	}
	summaries := b.Bucket(bucketSummary)
	lo, hi := idRange(byTime, q)
	out := []Execution{}
	if lo >= hi {
		return out, nil
	}
	add := func(id uint64, v []byte) error {
		var e Execution
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("execution %d: decode: %w", id, err)
		}
		if q.matches(e) {
			out = append(out, e)
		}
		return nil
	}
	if ix, ok := q.index(); ok {
		qe := q.asExecution()
		key := make([]byte, 8)
		err := walkEntries(b.Bucket(ix.bucket), ix.prefix(&qe), lo, hi, func(id uint64) (bool, error) {
			binary.BigEndian.PutUint64(key, id)
			v := summaries.Get(key)
			if v == nil {
				return false, fmt.Errorf("execution %d: indexed but not stored", id)
			}
			err := add(id, v)
			return len(out) < q.Limit, err
		})
		return out, err
	}
	cur := summaries.Cursor()
	k, v := cur.Seek(executionKey(hi))
	if k == nil {
		k, v = cur.Last()
	} else {
		k, v = cur.Prev()
	}
	for ; k != nil && len(out) < q.Limit; k, v = cur.Prev() {
		id := binary.BigEndian.Uint64(k)
		if id < lo {
			break
		}
		if err := add(id, v); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// index is the most selective index q can walk: connection, function,
// integration, type, status — except that failed executions, being rare,
// rank before type. None without an environment.
func (q ExecutionQuery) index() (executionIndex, bool) {
	conn, fn, integ, typ, status := executionIndexes[0], executionIndexes[1], executionIndexes[2], executionIndexes[3], executionIndexes[4]
	switch {
	case q.Environment == "":
		return executionIndex{}, false
	case q.ConnectionID != "":
		return conn, true
	case q.Function != "":
		return fn, true
	case q.Integration != "":
		return integ, true
	case q.Status == ExecutionFailed:
		return status, true
	case q.Type != "":
		return typ, true
	case q.Status != "":
		return status, true
	}
	return executionIndex{}, false
}

// asExecution carries q's names in an Execution, for the index's names.
func (q ExecutionQuery) asExecution() Execution {
	return Execution{Environment: q.Environment, Integration: q.Integration, ConnectionID: q.ConnectionID, Function: q.Function, Type: q.Type, Status: q.Status}
}
