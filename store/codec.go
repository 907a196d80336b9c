package store

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"time"
)

// A stored record is a fixed binary header followed by the record's compact
// JSON. Layout of header version 1 (integers big-endian):
//
//	0      version (1)
//	1      last action (codeAdded, codeUpdated or codeDeleted)
//	2:10   cursor sequence
//	10:18  first seen, Unix nanoseconds
//	18:26  last modified, Unix nanoseconds
//	26:34  deleted at, Unix nanoseconds (meaningful when the action is DELETED)
//	34:66  sha256 of the JSON
const (
	headerVersion = 1
	headerSize    = 66
)

// header is the decoded change-tracking state of one record.
type header struct {
	action    byte
	seq       uint64
	firstSeen int64
	modified  int64
	deletedAt int64
	hash      [sha256.Size]byte
}

// Action codes in the header.
const (
	codeAdded   = 1
	codeUpdated = 2
	codeDeleted = 3
)

func (h *header) encode(b []byte) {
	b[0] = headerVersion
	b[1] = h.action
	binary.BigEndian.PutUint64(b[2:], h.seq)
	binary.BigEndian.PutUint64(b[10:], uint64(h.firstSeen))
	binary.BigEndian.PutUint64(b[18:], uint64(h.modified))
	binary.BigEndian.PutUint64(b[26:], uint64(h.deletedAt))
	copy(b[34:headerSize], h.hash[:])
}

func decodeHeader(v []byte) (header, error) {
	if len(v) < headerSize || v[0] != headerVersion || v[1] < codeAdded || v[1] > codeDeleted {
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
