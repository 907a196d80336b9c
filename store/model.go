package store

import (
	"bytes"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Bucket layout under "records":
//
//	records → <env NUL integration NUL connection> → <model> (sequence = last cursor)
//	    "data":  record id → header + JSON
//	    "index": cursor sequence (8 bytes, big-endian) → record id
//	    "live":  how many records are not deleted (livecount.go)
//	    "pruned-until": the prune watermark (prune.go)
//
// Each record has exactly one index entry, at its latest change, so walking
// the index in key order yields every change once, in order. The two plain
// keys sit beside the buckets, never among the records: reads walk "data"
// and "index" only.
var (
	bucketData  = []byte("data")
	bucketIndex = []byte("index")
)

// modelTx is one model's buckets inside one transaction.
type modelTx struct {
	bucket, data, index *bolt.Bucket
	cursor              *bolt.Cursor // on data, reused by lookups
	seq                 uint64       // last sequence handed out
	changes             int
	live                int     // change of the live count by this transaction's writes
	seqBuf              [8]byte // bbolt copies keys, so one buffer serves every index key
}

// openModel finds the model's buckets, creating them when create is set (in
// a write transaction). It returns nil when they do not exist.
func openModel(tx *bolt.Tx, key ModelKey, create bool) (*modelTx, error) {
	records := tx.Bucket(bucketRecords)
	if records == nil {
		return nil, fmt.Errorf("bucket %s is missing", bucketRecords)
	}
	var b *bolt.Bucket
	if create {
		conn, err := records.CreateBucketIfNotExists(key.bucketKey())
		if err != nil {
			return nil, fmt.Errorf("create connection bucket: %w", err)
		}
		if b = conn.Bucket([]byte(key.Model)); b == nil {
			if b, err = conn.CreateBucket([]byte(key.Model)); err != nil {
				return nil, fmt.Errorf("create model bucket: %w", err)
			}
			if err := putLive(b, 0); err != nil { // counted from birth: no scan
				return nil, err
			}
		}
		for _, name := range [][]byte{bucketData, bucketIndex} {
			if _, err := b.CreateBucketIfNotExists(name); err != nil {
				return nil, fmt.Errorf("create %s bucket: %w", name, err)
			}
		}
	} else if conn := records.Bucket(key.bucketKey()); conn != nil {
		b = conn.Bucket([]byte(key.Model))
	}
	if b == nil {
		return nil, nil
	}
	m := &modelTx{bucket: b, data: b.Bucket(bucketData), index: b.Bucket(bucketIndex), seq: b.Sequence()}
	if m.data == nil || m.index == nil {
		return nil, fmt.Errorf("model bucket %q is incomplete", key.Model)
	}
	// Split pages fuller than bbolt's default of half: the index only grows
	// at its end, and records of a few hundred bytes or more would otherwise
	// get a page each.
	m.index.FillPercent = 1
	m.data.FillPercent = 0.9
	m.cursor = m.data.Cursor()
	return m, nil
}

// lookup returns the stored value and header of id, or found == false.
func (m *modelTx) lookup(id []byte) (value []byte, h header, found bool, err error) {
	k, v := m.cursor.Seek(id)
	if v == nil || !bytes.Equal(k, id) {
		return nil, header{}, false, nil
	}
	h, err = decodeHeader(v)
	if err != nil {
		return nil, header{}, false, fmt.Errorf("record %q: %w", id, err)
	}
	return v, h, true, nil
}

// write stores value (whose first headerSize bytes receive h) as the
// record's new state at the next cursor, moving its index entry there from
// old's position (nil: a new record), and notes the change of the live
// count for finish. Neither id nor value may change before the transaction
// ends: bbolt keeps referring to them until it commits.
func (m *modelTx) write(id []byte, value []byte, h *header, old *header) error {
	m.seq++
	m.changes++
	m.live += isLive(h) - isLive(old)
	h.seq = m.seq
	h.encode(value)
	if old != nil {
		if err := m.index.Delete(m.seqKey(old.seq)); err != nil {
			return fmt.Errorf("unindex record %q: %w", id, err)
		}
	}
	if err := m.index.Put(m.seqKey(h.seq), id); err != nil {
		return fmt.Errorf("index record %q: %w", id, err)
	}
	if err := m.data.Put(id, value); err != nil {
		return fmt.Errorf("put record %q: %w", id, err)
	}
	return nil
}

// seqKey renders seq as an index key in m's buffer, valid until the next
// call.
func (m *modelTx) seqKey(seq uint64) []byte {
	binary.BigEndian.PutUint64(m.seqBuf[:], seq)
	return m.seqBuf[:]
}

// finish persists the sequence and the live count and reports whether
// anything changed.
func (m *modelTx) finish() (changed bool, err error) {
	if m.changes == 0 {
		return false, nil
	}
	if err := m.bucket.SetSequence(m.seq); err != nil {
		return false, fmt.Errorf("set sequence: %w", err)
	}
	if err := m.saveLive(); err != nil {
		return false, err
	}
	return true, nil
}
