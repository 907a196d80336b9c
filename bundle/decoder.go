package bundle

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// decoder reads the primitive encodings of the WebAssembly binary format
// (bytes, LEB128 integers, names) from one section payload. It never reads
// past buf and never panics; base is the offset of buf[0] in the module so
// errors can point at the failing byte.
type decoder struct {
	buf  []byte
	pos  int
	base int
}

var errUnexpectedEnd = errors.New("unexpected end of data")

// offset is the module offset of the next byte to read.
func (d *decoder) offset() int { return d.base + d.pos }

// len is the number of unread bytes.
func (d *decoder) len() int { return len(d.buf) - d.pos }

func (d *decoder) fail(format string, args ...any) error {
	return fmt.Errorf("%s at offset %d", fmt.Sprintf(format, args...), d.offset())
}

func (d *decoder) byte() (byte, error) {
	if d.pos >= len(d.buf) {
		return 0, d.fail("%s", errUnexpectedEnd)
	}
	b := d.buf[d.pos]
	d.pos++
	return b, nil
}

// bytes returns the next n bytes without copying them.
func (d *decoder) bytes(n uint64) ([]byte, error) {
	if n > uint64(d.len()) {
		return nil, d.fail("%s: need %d bytes, have %d", errUnexpectedEnd, n, d.len())
	}
	b := d.buf[d.pos : d.pos+int(n)]
	d.pos += int(n)
	return b, nil
}

// u32 reads an unsigned LEB128 integer of at most 32 bits.
func (d *decoder) u32() (uint32, error) {
	v, err := d.uleb(32)
	return uint32(v), err
}

// u64 reads an unsigned LEB128 integer of at most 64 bits.
func (d *decoder) u64() (uint64, error) { return d.uleb(64) }

// uleb reads an unsigned LEB128 integer of at most bits bits, rejecting
// over-long encodings and set bits beyond the width, as the spec requires.
func (d *decoder) uleb(bits uint) (uint64, error) {
	start := d.offset()
	var v uint64
	for shift := uint(0); ; shift += 7 {
		if shift >= bits {
			return 0, fmt.Errorf("integer too long at offset %d", start)
		}
		b, err := d.byte()
		if err != nil {
			return 0, err
		}
		if rest := bits - shift; rest < 7 && b&0x7f>>rest != 0 {
			return 0, fmt.Errorf("integer overflows %d bits at offset %d", bits, start)
		}
		v |= uint64(b&0x7f) << shift
		if b&0x80 == 0 {
			return v, nil
		}
	}
}

// sleb32 reads a signed LEB128 integer of at most 32 bits (an i32.const).
func (d *decoder) sleb32() (int32, error) {
	var v int64
	for shift := uint(0); ; shift += 7 {
		if shift >= 35 {
			return 0, d.fail("signed integer too long")
		}
		b, err := d.byte()
		if err != nil {
			return 0, err
		}
		v |= int64(b&0x7f) << shift
		if b&0x80 == 0 {
			if shift+7 < 64 && b&0x40 != 0 {
				v |= -1 << (shift + 7)
			}
			if v < -1<<31 || v > 1<<31-1 {
				return 0, d.fail("signed integer out of range")
			}
			return int32(v), nil
		}
	}
}

// skipS33 skips a signed LEB128 integer of at most 33 bits (a heap type).
func (d *decoder) skipS33() error {
	start := d.offset()
	for i := 0; i < 5; i++ {
		b, err := d.byte()
		if err != nil {
			return err
		}
		if b&0x80 == 0 {
			return nil
		}
	}
	return fmt.Errorf("integer too long at offset %d", start)
}

// name reads a length-prefixed UTF-8 name. Names are short, so the copy
// into a string is cheap.
func (d *decoder) name() (string, error) {
	n, err := d.u32()
	if err != nil {
		return "", err
	}
	start := d.offset()
	b, err := d.bytes(uint64(n))
	if err != nil {
		return "", err
	}
	if !utf8.Valid(b) {
		return "", fmt.Errorf("name is not valid UTF-8 at offset %d", start)
	}
	return string(b), nil
}

// skipValType skips a value type: a number, vector or reference type,
// including the typed references of the GC proposal ((ref null? ht)).
func (d *decoder) skipValType() error {
	at := d.offset()
	b, err := d.byte()
	if err != nil {
		return err
	}
	switch {
	case b == 0x63 || b == 0x64: // (ref null ht), (ref ht)
		return d.skipS33()
	case b >= 0x69 && b <= 0x7f: // numbers, v128, abstract heap types
		return nil
	}
	return fmt.Errorf("invalid value type %#02x at offset %d", b, at)
}

// skipLimits skips the limits of a memory or table type. Flag bit 0 says a
// maximum follows, bit 1 marks shared memory, bit 2 a 64-bit index type.
func (d *decoder) skipLimits() error {
	at := d.offset()
	flags, err := d.byte()
	if err != nil {
		return err
	}
	if flags > 0x07 {
		return fmt.Errorf("invalid limits flags %#02x at offset %d", flags, at)
	}
	read := d.u64
	if flags&0x04 == 0 {
		read = func() (uint64, error) { v, err := d.u32(); return uint64(v), err }
	}
	if _, err := read(); err != nil {
		return err
	}
	if flags&0x01 != 0 {
		_, err = read()
	}
	return err
}

// skipMutability skips a global's mutability flag.
func (d *decoder) skipMutability() error {
	at := d.offset()
	b, err := d.byte()
	if err == nil && b > 1 {
		err = fmt.Errorf("invalid mutability %#02x at offset %d", b, at)
	}
	return err
}
