package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// A name index's entry lists executions of one prefix: its key is the
// prefix and the 8-byte id of the first execution it was written with;
// its value lists the ids. An empty value lists the key's id alone (every
// entry was written that way before entries listed more); any other value
// lists the ids in ascending order as uvarint gaps — the first from the
// key's id, which it may equal, each next from the one before. Every id
// an entry lists is at least its key's and below the key of the prefix's
// next entry, so that walking a prefix's entries backwards, and each
// entry's ids backwards, lists its executions newest first. Pruning takes
// ids out of entries without changing their keys; an entry left empty
// goes.
//
// insert writes one entry per prefix per batch: the operations log's
// thousand calls of one connection cost one entry in by_connection, not
// a thousand.

// appendEntryIDs appends the value of an entry keyed by keyID listing ids
// (ascending, none below keyID): nothing when ids is keyID alone.
func appendEntryIDs(b []byte, keyID uint64, ids []uint64) []byte {
	if len(ids) == 1 && ids[0] == keyID {
		return b
	}
	prev := keyID
	for _, id := range ids {
		b = binary.AppendUvarint(b, id-prev)
		prev = id
	}
	return b
}

// entryIDs appends to dst the ids an entry lists, ascending.
func entryIDs(dst []uint64, key []byte, v []byte) ([]uint64, error) {
	id := binary.BigEndian.Uint64(key[len(key)-8:])
	if len(v) == 0 {
		return append(dst, id), nil
	}
	for i := 0; len(v) > 0; i++ {
		gap, n := binary.Uvarint(v)
		if n <= 0 || (gap == 0 && i > 0) || id+gap < id {
			return dst, fmt.Errorf("index entry of execution %d: invalid id list", binary.BigEndian.Uint64(key[len(key)-8:]))
		}
		id += gap
		dst = append(dst, id)
		v = v[n:]
	}
	return dst, nil
}

// entryOf finds the entry of prefix in c's bucket whose ids include id's
// place: the one with the greatest key id not above id (nil if none).
func entryOf(c *bolt.Cursor, prefix []byte, id uint64) (k, v []byte) {
	k, v = c.Seek(binary.BigEndian.AppendUint64(slices.Clip(prefix), id+1))
	if k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	if k == nil || len(k) != len(prefix)+8 || !bytes.HasPrefix(k, prefix) {
		return nil, nil
	}
	return k, v
}

// addEntry lists id under prefix in b: in the entry whose ids surround
// it, if there is one, else in an entry of its own.
func addEntry(b *bolt.Bucket, prefix []byte, id uint64) error {
	k, v := entryOf(b.Cursor(), prefix, id)
	if k != nil {
		ids, err := entryIDs(nil, k, v)
		if err != nil {
			return err
		}
		if i, found := slices.BinarySearch(ids, id); found {
			return nil
		} else if i < len(ids) {
			keyID := binary.BigEndian.Uint64(k[len(prefix):])
			return b.Put(k, appendEntryIDs(nil, keyID, slices.Insert(ids, i, id)))
		}
	}
	return b.Put(binary.BigEndian.AppendUint64(slices.Clip(prefix), id), nil)
}

// removeEntries removes ids from the entries of b that list them; an
// entry left listing nothing is deleted. Each id is listed under prefix
// (prefix(i) for ids[i]).
func removeEntries(b *bolt.Bucket, ids []uint64, prefix func(i int) []byte) error {
	// An entry lists many ids: each is rewritten once, without all of the
	// ids that go.
	gone := map[string][]uint64{}
	var order []string
	c := b.Cursor()
	for i, id := range ids {
		k, _ := entryOf(c, prefix(i), id)
		if k == nil {
			continue
		}
		if _, ok := gone[string(k)]; !ok {
			order = append(order, string(k))
		}
		gone[string(k)] = append(gone[string(k)], id)
	}
	var list []uint64
	for _, k := range order {
		key := []byte(k)
		var err error
		if list, err = entryIDs(list[:0], key, b.Get(key)); err != nil {
			return err
		}
		doomed := gone[k]
		slices.Sort(doomed)
		list = slices.DeleteFunc(list, func(id uint64) bool { // both ascending
			for len(doomed) > 0 && doomed[0] < id {
				doomed = doomed[1:]
			}
			return len(doomed) > 0 && doomed[0] == id
		})
		if len(list) == 0 {
			err = b.Delete(key)
		} else {
			err = b.Put(key, appendEntryIDs(nil, binary.BigEndian.Uint64(key[len(key)-8:]), list))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// walkEntries calls fn with the ids listed under prefix in b that are at
// least lo and below hi (lo < hi), newest first, until fn returns false or
// an error.
func walkEntries(b *bolt.Bucket, prefix []byte, lo, hi uint64, fn func(id uint64) (more bool, err error)) error {
	c := b.Cursor()
	var ids []uint64
	for k, v := entryOf(c, prefix, hi-1); k != nil; k, v = c.Prev() {
		if len(k) != len(prefix)+8 || !bytes.HasPrefix(k, prefix) {
			return nil
		}
		var err error
		if ids, err = entryIDs(ids[:0], k, v); err != nil {
			return err
		}
		for i := len(ids) - 1; i >= 0; i-- {
			switch id := ids[i]; {
			case id >= hi:
				continue
			case id < lo:
				return nil
			default:
				if more, err := fn(id); err != nil || !more {
					return err
				}
			}
		}
	}
	return nil
}
