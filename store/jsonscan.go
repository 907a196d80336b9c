package store

import (
	"bytes"
	"fmt"
)

// maxDepth matches encoding/json's nesting limit.
const maxDepth = 10000

// compactor validates one JSON text and appends its compact form (all
// insignificant whitespace removed, everything else byte for byte, the same
// as json.Compact) to out, in one pass. For a top-level object it also
// drops the "_nango_metadata" member and remembers where the "id" value is,
// so saving a record needs no decode into Go values.
type compactor struct {
	in      []byte
	pos     int
	out     []byte
	depth   int
	escaped bool // the last string scanned had an escape sequence

	// record turns on the handling of a top-level record object:
	// "_nango_metadata" is dropped and the span of "id" is kept.
	record         bool
	idStart, idEnd int // span of the last "id" value in out; idEnd == 0 if none
	idEscaped      bool
}

// compact scans c.in as one JSON text followed only by whitespace.
func (c *compactor) compact() error {
	c.skipSpace()
	if c.pos < len(c.in) && c.in[c.pos] == '{' {
		if err := c.object(c.record); err != nil {
			return err
		}
	} else if err := c.value(); err != nil {
		return err
	}
	c.skipSpace()
	if c.pos != len(c.in) {
		return c.errorf("unexpected data after the top-level value")
	}
	return nil
}

func (c *compactor) errorf(format string, args ...any) error {
	return fmt.Errorf("invalid JSON at offset %d: %s", c.pos, fmt.Sprintf(format, args...))
}

func (c *compactor) skipSpace() {
	for c.pos < len(c.in) {
		switch c.in[c.pos] {
		case ' ', '\t', '\n', '\r':
			c.pos++
		default:
			return
		}
	}
}

func (c *compactor) value() error {
	c.skipSpace()
	if c.pos >= len(c.in) {
		return c.errorf("unexpected end of input")
	}
	switch ch := c.in[c.pos]; {
	case ch == '"':
		return c.string()
	case ch == '{':
		return c.object(false)
	case ch == '[':
		return c.array()
	case ch == '-' || ch >= '0' && ch <= '9':
		return c.number()
	case ch == 't':
		return c.literal("true")
	case ch == 'f':
		return c.literal("false")
	case ch == 'n':
		return c.literal("null")
	default:
		return c.errorf("unexpected character %q", ch)
	}
}

// object scans an object starting at '{'. At the top level it strips
// "_nango_metadata" and records the span of "id".
func (c *compactor) object(top bool) error {
	if c.depth++; c.depth > maxDepth {
		return c.errorf("nested too deeply")
	}
	c.pos++
	c.out = append(c.out, '{')
	c.skipSpace()
	if c.pos < len(c.in) && c.in[c.pos] == '}' {
		c.pos++
		c.out = append(c.out, '}')
		c.depth--
		return nil
	}
	for n := 0; ; {
		mark := len(c.out)
		if n > 0 {
			c.out = append(c.out, ',')
		}
		c.skipSpace()
		if c.pos >= len(c.in) || c.in[c.pos] != '"' {
			return c.errorf("expected a string key")
		}
		keyStart := len(c.out)
		if err := c.string(); err != nil {
			return err
		}
		key, keyEscaped := c.out[keyStart:], c.escaped
		c.skipSpace()
		if c.pos >= len(c.in) || c.in[c.pos] != ':' {
			return c.errorf("expected ':' after an object key")
		}
		c.pos++
		c.out = append(c.out, ':')
		valStart := len(c.out)
		if err := c.value(); err != nil {
			return err
		}
		n++
		if top {
			switch topKey(key, keyEscaped) {
			case keyID:
				c.idStart, c.idEnd, c.idEscaped = valStart, len(c.out), c.escaped
			case keyMetadata:
				c.out = c.out[:mark]
				n--
			}
		}
		c.skipSpace()
		if c.pos >= len(c.in) {
			return c.errorf("unexpected end of input in an object")
		}
		switch c.in[c.pos] {
		case ',':
			c.pos++
		case '}':
			c.pos++
			c.out = append(c.out, '}')
			c.depth--
			return nil
		default:
			return c.errorf("expected ',' or '}' in an object")
		}
	}
}

func (c *compactor) array() error {
	if c.depth++; c.depth > maxDepth {
		return c.errorf("nested too deeply")
	}
	c.pos++
	c.out = append(c.out, '[')
	c.skipSpace()
	if c.pos < len(c.in) && c.in[c.pos] == ']' {
		c.pos++
		c.out = append(c.out, ']')
		c.depth--
		return nil
	}
	for n := 0; ; n++ {
		if n > 0 {
			c.out = append(c.out, ',')
		}
		if err := c.value(); err != nil {
			return err
		}
		c.skipSpace()
		if c.pos >= len(c.in) {
			return c.errorf("unexpected end of input in an array")
		}
		switch c.in[c.pos] {
		case ',':
			c.pos++
		case ']':
			c.pos++
			c.out = append(c.out, ']')
			c.depth--
			return nil
		default:
			return c.errorf("expected ',' or ']' in an array")
		}
	}
}

func (c *compactor) literal(word string) error {
	if !bytes.HasPrefix(c.in[c.pos:], []byte(word)) {
		return c.errorf("invalid literal, expected %s", word)
	}
	c.out = append(c.out, word...)
	c.pos += len(word)
	return nil
}
