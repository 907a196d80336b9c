package store

import (
	"bytes"
	"encoding/binary"
)

// metadataKey is the member Nango adds to records it hands out; it is never
// part of a record's data.
const metadataKey = "_nango_metadata"

// string scans a string starting at '"' and copies it verbatim.
func (c *compactor) string() error {
	start := c.pos
	c.pos++
	c.escaped = false
	for {
		rest := c.in[c.pos:]
		end := bytes.IndexByte(rest, '"')
		if end < 0 {
			c.pos = len(c.in)
			return c.errorf("unterminated string")
		}
		i := firstSpecial(rest[:end])
		if i < 0 {
			c.pos += end + 1
			c.out = append(c.out, c.in[start:c.pos]...)
			return nil
		}
		c.pos += i
		if rest[i] != '\\' {
			return c.errorf("control character %q in a string", rest[i])
		}
		c.escaped = true
		if err := c.escape(); err != nil {
			return err
		}
	}
}

// firstSpecial returns the index of the first backslash or control character
// in b, or -1. It tests eight bytes at a time (SWAR): (v-0x01…)&^v has a
// lane's top bit set when that lane of v is zero, and (v-0x20…)&^v when the
// lane is below 0x20 (borrows can add false lanes only above a true one, so
// the test is exact for the block as a whole).
func firstSpecial(b []byte) int {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		s := x ^ (ones * '\\')
		if ((x-ones*0x20)&^x|(s-ones)&^s)&highs != 0 {
			break
		}
	}
	for ; i < len(b); i++ {
		if b[i] < 0x20 || b[i] == '\\' {
			return i
		}
	}
	return -1
}

// escape checks the escape sequence at c.pos (a backslash) and skips it.
func (c *compactor) escape() error {
	if c.pos+1 >= len(c.in) {
		return c.errorf("unterminated string")
	}
	switch c.in[c.pos+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		c.pos += 2
		return nil
	case 'u':
		if c.pos+6 > len(c.in) {
			return c.errorf("unterminated string")
		}
		for _, h := range c.in[c.pos+2 : c.pos+6] {
			if !isHex(h) {
				return c.errorf("invalid \\u escape")
			}
		}
		c.pos += 6
		return nil
	default:
		return c.errorf("invalid escape %q", c.in[c.pos:c.pos+2])
	}
}

func isHex(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F'
}

// number scans -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (c *compactor) number() error {
	start := c.pos
	if c.in[c.pos] == '-' {
		c.pos++
	}
	switch {
	case c.pos < len(c.in) && c.in[c.pos] == '0':
		c.pos++
	case c.pos < len(c.in) && c.in[c.pos] >= '1' && c.in[c.pos] <= '9':
		c.digits()
	default:
		return c.errorf("invalid number")
	}
	if c.pos < len(c.in) && c.in[c.pos] == '.' {
		c.pos++
		if c.digits() == 0 {
			return c.errorf("invalid number")
		}
	}
	if c.pos < len(c.in) && (c.in[c.pos] == 'e' || c.in[c.pos] == 'E') {
		c.pos++
		if c.pos < len(c.in) && (c.in[c.pos] == '+' || c.in[c.pos] == '-') {
			c.pos++
		}
		if c.digits() == 0 {
			return c.errorf("invalid number")
		}
	}
	c.out = append(c.out, c.in[start:c.pos]...)
	return nil
}

func (c *compactor) digits() int {
	n := 0
	for c.pos < len(c.in) && c.in[c.pos] >= '0' && c.in[c.pos] <= '9' {
		c.pos++
		n++
	}
	return n
}

// Top-level keys the compactor cares about.
const (
	keyOther = iota
	keyID
	keyMetadata
)

// topKey classifies a quoted top-level key that scanned valid. Only escaped
// keys pay for a decode.
func topKey(quoted []byte, escaped bool) int {
	if !escaped {
		switch string(quoted) {
		case `"id"`:
			return keyID
		case `"` + metadataKey + `"`:
			return keyMetadata
		}
		return keyOther
	}
	switch keyName(quoted, true) {
	case "id":
		return keyID
	case metadataKey:
		return keyMetadata
	}
	return keyOther
}
