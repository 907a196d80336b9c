package store

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"time"
)

// A stored record is a binary header followed by the record's compact
// JSON. Layout of header version 1 (integers big-endian):
//
//	0      version (1)
//	1      last action (codeAdded, codeUpdated or codeDeleted)
//	2:10   cursor sequence
//	10:18  first seen, Unix nanoseconds
//	18:26  last modified, Unix nanoseconds
//	26:34  deleted at, Unix nanoseconds (meaningful when the action is DELETED)
//	34:66  sha256 of the JSON
//
// Version 2 is version 1 (with 2 in byte 0) followed by
//
//	66:74  pruned at, Unix nanoseconds
//
// and is written only for pruned records (prune.go), whose JSON is reduced
// to their id; every other record keeps the 66 bytes of version 1, so
// files written before pruning existed read unchanged. A pruned record's
// hash is all zeros, which no content hashes to: saving it again is always
// a change.
const (
	headerVersion       = 1
	headerSize          = 66 // of version 1
	prunedHeaderVersion = 2
	prunedHeaderSize    = 74
)

// header is the decoded change-tracking state of one record.
type header struct {
	action    byte
	seq       uint64
	firstSeen int64
	modified  int64
	deletedAt int64
	hash      [sha256.Size]byte
	pruned    bool
	prunedAt  int64 // Unix nanoseconds, when pruned
}

// Action codes in the header.
const (
	codeAdded   = 1
	codeUpdated = 2
	codeDeleted = 3
)

// size is the length of h's encoding: where the record's JSON starts.
func (h *header) size() int {
	if h.pruned {
		return prunedHeaderSize
	}
	return headerSize
}

// encode writes h into the first h.size() bytes of b.
func (h *header) encode(b []byte) {
	b[0] = headerVersion
	b[1] = h.action
	binary.BigEndian.PutUint64(b[2:], h.seq)
	binary.BigEndian.PutUint64(b[10:], uint64(h.firstSeen))
	binary.BigEndian.PutUint64(b[18:], uint64(h.modified))
	binary.BigEndian.PutUint64(b[26:], uint64(h.deletedAt))
	copy(b[34:headerSize], h.hash[:])
	if h.pruned {
		b[0] = prunedHeaderVersion
		binary.BigEndian.PutUint64(b[headerSize:], uint64(h.prunedAt))
	}
}

func decodeHeader(v []byte) (header, error) {
	size := headerSize
	if len(v) > 0 && v[0] == prunedHeaderVersion {
		size = prunedHeaderSize
	}
	if len(v) < size || (v[0] != headerVersion && v[0] != prunedHeaderVersion) || v[1] < codeAdded || v[1] > codeDeleted {
		return header{}, fmt.Errorf("corrupt record value (%d bytes)", len(v))
	}
	h := header{
		action:    v[1],
		seq:       binary.BigEndian.Uint64(v[2:]),
		firstSeen: int64(binary.BigEndian.Uint64(v[10:])),
		modified:  int64(binary.BigEndian.Uint64(v[18:])),
		deletedAt: int64(binary.BigEndian.Uint64(v[26:])),
	}
	copy(h.hash[:], v[34:headerSize])
	if size == prunedHeaderSize {
		h.pruned = true
		h.prunedAt = int64(binary.BigEndian.Uint64(v[headerSize:]))
	}
	return h, nil
}

// meta renders the header as the public RecordMeta.
func (h *header) meta() RecordMeta {
	m := RecordMeta{
		FirstSeenAt:    time.Unix(0, h.firstSeen).UTC(),
		LastModifiedAt: time.Unix(0, h.modified).UTC(),
		LastAction:     actionOf(h.action),
		Cursor:         encodeCursor(h.seq),
	}
	if h.action == codeDeleted {
		t := time.Unix(0, h.deletedAt).UTC()
		m.DeletedAt = &t
	}
	if h.pruned {
		t := time.Unix(0, h.prunedAt).UTC()
		m.PrunedAt = &t
	}
	return m
}

// cursorLen is the length of every cursor: 8 bytes in unpadded base64.
const cursorLen = 11

// encodeCursor renders a sequence as the opaque cursor handed to clients.
func encodeCursor(seq uint64) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], seq)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// decodeCursor parses a cursor made by encodeCursor.
func decodeCursor(cursor string) (uint64, error) {
	var b [8]byte
	if len(cursor) != cursorLen {
		return 0, fmt.Errorf("cursor %q: %w", truncate(cursor, 32), ErrInvalidCursor)
	}
	n, err := base64.RawURLEncoding.Strict().Decode(b[:], []byte(cursor))
	seq := binary.BigEndian.Uint64(b[:])
	if err != nil || n != len(b) || seq == 0 {
		return 0, fmt.Errorf("cursor %q: %w", cursor, ErrInvalidCursor)
	}
	return seq, nil
}
