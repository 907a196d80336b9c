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
// big-endian execution id, with an empty value, so that one prefix's keys
// are in id order and a reverse walk from a seek lists it newest first:
//
//	by_connection  environment, connection id        + id
//	by_function    environment, function             + id
//	by_integration environment, integration          + id
//	by_type        environment, type                 + id
//	by_status      environment, status               + id
//	by_time        recorded-at (8 bytes, ordered)    + id
//
// The connection index leaves the integration out so that it also serves
// a query naming the connection alone; the integration is then checked on
// the summary, like every other filter. by_time maps the time an id was
// handed out — never before the execution started, never before the
// previous id's — to the id, so that a time range becomes a range of ids.
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
// walk at the last id whose by_time is before To+recordSlack; an execution
// recorded later than that after the others can be missed by a query with
// a To bound. A From bound is exact.
const recordSlack = time.Hour

// errNoIndexes tells a reader that the store predates the indexes.
var errNoIndexes = errors.New("execution indexes missing")

// executionIndex is one of the name indexes: its bucket and the names of
// an execution (or a query) that make its prefix.
type executionIndex struct {
	bucket []byte
	names  func(e Execution) []string
}

// executionIndexes, most selective first: ListExecutions uses the first
// one whose names the query sets.
var executionIndexes = []executionIndex{
	{bucketByConnection, func(e Execution) []string { return []string{e.Environment, e.ConnectionID} }},
	{bucketByFunction, func(e Execution) []string { return []string{e.Environment, e.Function} }},
	{bucketByIntegration, func(e Execution) []string { return []string{e.Environment, e.Integration} }},
	{bucketByType, func(e Execution) []string { return []string{e.Environment, e.Type} }},
	{bucketByStatus, func(e Execution) []string { return []string{e.Environment, e.Status} }},
}

// indexPrefix encodes names, each as a uvarint length and its bytes (so no
// name can run into the next).
func indexPrefix(names []string) []byte {
	n := 0
	for _, s := range names {
		n += binary.MaxVarintLen64 + len(s)
	}
	p := make([]byte, 0, n+8)
	for _, s := range names {
		p = binary.AppendUvarint(p, uint64(len(s)))
		p = append(p, s...)
	}
	return p
}

// timeKey orders times as bytes: Unix nanoseconds with the sign bit flipped.
func timeKey(t time.Time) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 16), uint64(t.UnixNano())^(1<<63))
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
	if x.byTime != nil {
		return x, nil
	}
	if err := x.buildIndexes(); err != nil {
		return nil, fmt.Errorf("build execution indexes: %w", err)
	}
	return x, nil
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
	cur := x.summaries.Cursor()
	for k, v := cur.First(); k != nil; k, v = cur.Next() {
		var e Execution
		if err := json.Unmarshal(v, &e); err != nil {
			return fmt.Errorf("execution %d: decode: %w", binary.BigEndian.Uint64(k), err)
		}
		e.ID = binary.BigEndian.Uint64(k)
		if err := x.index(e); err != nil {
			return err
		}
	}
	return nil
}

// insert gives e the next id and stores it, its report (if any) and its
// index entries.
func (x *executions) insert(e Execution, report json.RawMessage) (Execution, error) {
	id, err := x.b.NextSequence()
	if err != nil {
		return Execution{}, err
	}
	e.ID = id
	key := executionKey(id)
	if err := putJSON(x.summaries, key, e); err != nil {
		return Execution{}, err
	}
	if len(report) > 0 {
		if err := x.reports.Put(key, report); err != nil {
			return Execution{}, err
		}
	}
	return e, x.index(e)
}

// index adds e's entries to every index; its by_time is the later of its
// start and the previous id's.
func (x *executions) index(e Execution) error {
	id := executionKey(e.ID)
	for _, ix := range executionIndexes {
		if err := x.b.Bucket(ix.bucket).Put(append(indexPrefix(ix.names(e)), id...), nil); err != nil {
			return err
		}
	}
	at := timeKey(e.StartedAt)
	if last, _ := x.byTime.Cursor().Last(); last != nil && bytes.Compare(last[:8], at) > 0 {
		at = slices.Clone(last[:8])
	}
	return x.byTime.Put(append(at, id...), nil)
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
		was, now := indexPrefix(ix.names(old)), indexPrefix(ix.names(e))
		if bytes.Equal(was, now) {
			continue
		}
		b := x.b.Bucket(ix.bucket)
		if err := b.Delete(append(was, key...)); err != nil {
			return err
		}
		if err := b.Put(append(now, key...), nil); err != nil {
			return err
		}
	}
	if err := putJSON(x.summaries, key, e); err != nil {
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
	gone := make(map[uint64]bool, len(doomed))
	for _, e := range doomed {
		key := executionKey(e.ID)
		gone[e.ID] = true
		if err := x.summaries.Delete(key); err != nil {
			return err
		}
		if err := x.reports.Delete(key); err != nil {
			return err
		}
		for _, ix := range executionIndexes {
			if err := x.b.Bucket(ix.bucket).Delete(append(indexPrefix(ix.names(e)), key...)); err != nil {
				return err
			}
		}
	}
	// by_time is in id order: its doomed entries are among the first.
	maxID := doomed[len(doomed)-1].ID
	var keys [][]byte
	cur := x.byTime.Cursor()
	for k, _ := cur.First(); k != nil; k, _ = cur.Next() {
		id := binary.BigEndian.Uint64(k[8:])
		if id > maxID {
			break
		}
		if gone[id] {
			keys = append(keys, slices.Clone(k))
		}
	}
	for _, k := range keys {
		if err := x.byTime.Delete(k); err != nil {
			return err
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
		k, _ := cur.Seek(timeKey(q.To.Add(recordSlack)))
		if k == nil {
			k, _ = cur.Last()
		} else {
			k, _ = cur.Prev()
		}
		if k == nil {
			return 1, 0
		}
		hi = min(hi, binary.BigEndian.Uint64(k[8:])+1)
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
	var (
		cur    *bolt.Cursor
		prefix []byte
	)
	if ix, ok := q.index(); ok {
		cur, prefix = b.Bucket(ix.bucket).Cursor(), indexPrefix(ix.names(q.asExecution()))
	} else {
		cur = summaries.Cursor()
	}
	k, v := cur.Seek(append(slices.Clip(prefix), executionKey(hi)...))
	if k == nil {
		k, v = cur.Last()
	} else {
		k, v = cur.Prev()
	}
	for ; k != nil && len(out) < q.Limit; k, v = cur.Prev() {
		if len(k) != len(prefix)+8 || !bytes.HasPrefix(k, prefix) {
			break
		}
		id := binary.BigEndian.Uint64(k[len(prefix):])
		if id < lo {
			break
		}
		if prefix != nil {
			if v = summaries.Get(k[len(prefix):]); v == nil {
				return nil, fmt.Errorf("execution %d: indexed but not stored", id)
			}
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
