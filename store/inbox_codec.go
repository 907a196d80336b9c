package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// inboxKey is an entry's key: its id, big-endian, so that keys sort in
// arrival order (the bucket layout is described in inbox.go).
func inboxKey(id uint64) []byte {
	return binary.BigEndian.AppendUint64(make([]byte, 0, 8), id)
}

// dedupeKey names a delivery in inbox_dedupe: the names cannot hold a
// NUL byte (checkKeyPart), so the key is unambiguous.
func dedupeKey(env, integration, delivery string) []byte {
	k := make([]byte, 0, len(env)+len(integration)+len(delivery)+2)
	k = append(append(append(k, env...), 0), integration...)
	return append(append(k, 0), delivery...)
}

// dedupeExpKey is dk's entry in the expiry index: the expiry (8 bytes,
// big-endian Unix ns) first, so that expired keys come first.
func dedupeExpKey(expires, dk []byte) []byte {
	return append(append(make([]byte, 0, 8+len(dk)), expires...), dk...)
}

// putInbox writes e and keeps the pending index in step with its status
// (oldStatus: the stored one, "" for a new entry).
func putInbox(tx *bolt.Tx, e *InboxEntry, oldStatus string) error {
	key := inboxKey(e.ID)
	pending := tx.Bucket(bucketInboxPending)
	switch {
	case e.Status == InboxPending && oldStatus != InboxPending:
		if err := pending.Put(key, nil); err != nil {
			return err
		}
	case e.Status != InboxPending && oldStatus == InboxPending:
		if err := pending.Delete(key); err != nil {
			return err
		}
	}
	v, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("webhook %d: encode: %w", e.ID, err)
	}
	return tx.Bucket(bucketInbox).Put(key, v)
}

// loadInbox decodes the entry id, with its body when asked.
func loadInbox(tx *bolt.Tx, id uint64, withBody bool) (InboxEntry, error) {
	key := inboxKey(id)
	v := tx.Bucket(bucketInbox).Get(key)
	if v == nil {
		return InboxEntry{}, fmt.Errorf("webhook %d: %w", id, ErrNotFound)
	}
	return decodeInbox(tx, key, v, withBody)
}

func decodeInbox(tx *bolt.Tx, key, v []byte, withBody bool) (InboxEntry, error) {
	var e InboxEntry
	if err := json.Unmarshal(v, &e); err != nil {
		return InboxEntry{}, fmt.Errorf("webhook %d: decode: %w", binary.BigEndian.Uint64(key), err)
	}
	e.ID = binary.BigEndian.Uint64(key)
	if withBody {
		e.Body = bytes.Clone(tx.Bucket(bucketInboxBodies).Get(key))
	}
	return e, nil
}
