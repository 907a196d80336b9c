package qjs

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// wasmReader reads Wasm's binary encoding; the first error sticks and
// makes every later read return zero.
type wasmReader struct {
	b   []byte
	pos int
	err error
}

var errTruncated = errors.New("truncated")

func (r *wasmReader) byte() byte {
	if r.err != nil || r.pos >= len(r.b) {
		r.err = cmp.Or(r.err, errTruncated)
		return 0
	}
	c := r.b[r.pos]
	r.pos++
	return c
}

// u32 reads an unsigned LEB128 number.
func (r *wasmReader) u32() uint32 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b[r.pos:])
	if n <= 0 || v > 1<<32-1 {
		r.err = errors.New("malformed unsigned number")
		return 0
	}
	r.pos += n
	return uint32(v)
}

// skipSigned skips a signed LEB128 number of up to limit bytes.
func (r *wasmReader) skipSigned(limit int) {
	for range limit {
		if r.byte()&0x80 == 0 || r.err != nil {
			return
		}
	}
	r.err = cmp.Or(r.err, errors.New("malformed signed number"))
}

func (r *wasmReader) take(n int) []byte {
	if r.err != nil || n > len(r.b)-r.pos {
		r.err = cmp.Or(r.err, errTruncated)
		return nil
	}
	b := r.b[r.pos : r.pos+n]
	r.pos += n
	return b
}

func (r *wasmReader) name() string { return string(r.take(int(r.u32()))) }

func (r *wasmReader) limits() {
	if r.byte()&0x01 != 0 { // has a maximum
		r.u32()
	}
	r.u32()
}

// blockType skips a block type: empty (0x40), a value type, or a type
// index (a signed 33-bit number).
func (r *wasmReader) blockType() {
	if r.err != nil || r.pos >= len(r.b) {
		r.err = cmp.Or(r.err, errTruncated)
		return
	}
	switch r.b[r.pos] {
	case blockEmpty, 0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f:
		r.pos++
	default:
		r.skipSigned(5)
	}
}

// skipImmediates skips the immediates of op, which is neither a block
// instruction nor end.
func (r *wasmReader) skipImmediates(op byte) error {
	switch {
	case op == 0x00 || op == 0x01 || op == 0x05 || op == 0x0f || op == 0x1a || op == 0x1b || op == 0xd1:
		// unreachable, nop, else, return, drop, select, ref.is_null
	case op == 0x0c || op == 0x0d || op == 0x10 || op == 0x12 || op == 0xd2:
		r.u32() // br, br_if, call, return_call, ref.func
	case op == 0x0e: // br_table
		for range r.u32() {
			r.u32()
		}
		r.u32()
	case op == 0x11 || op == 0x13: // call_indirect, return_call_indirect
		r.u32()
		r.u32()
	case op == 0x1c: // select with types
		for range r.u32() {
			r.byte()
		}
	case op >= 0x20 && op <= 0x26: // local.*, global.*, table.get/set
		r.u32()
	case op >= 0x28 && op <= 0x3e: // loads and stores: alignment, offset
		if r.u32()&0x40 != 0 { // multi-memory: a memory index
			r.u32()
		}
		r.u32()
	case op == 0x3f || op == 0x40: // memory.size, memory.grow
		r.u32()
	case op == 0x41:
		r.skipSigned(5)
	case op == 0x42:
		r.skipSigned(10)
	case op == 0x43:
		r.take(4)
	case op == 0x44:
		r.take(8)
	case op >= 0x45 && op <= 0xc4: // numeric, sign extension
	case op == 0xd0: // ref.null
		r.byte()
	case op == 0xfc:
		return r.skipPrefixed()
	default:
		return fmt.Errorf("unsupported instruction %#x at %d", op, r.pos-1)
	}
	return nil
}

// skipPrefixed skips an 0xfc-prefixed instruction: saturating
// truncation, bulk memory and table operations.
func (r *wasmReader) skipPrefixed() error {
	switch sub := r.u32(); {
	case sub <= 7: // trunc_sat
	case sub == 8 || sub == 10 || sub == 12 || sub == 14: // memory.init, memory.copy, table.init, table.copy
		r.u32()
		r.u32()
	case sub == 9 || sub == 11 || sub == 13 || (sub >= 15 && sub <= 17):
		r.u32() // data.drop, memory.fill, elem.drop, table.grow/size/fill
	default:
		return fmt.Errorf("unsupported instruction 0xfc %d at %d", sub, r.pos)
	}
	return nil
}

// isDebugSection reports whether a custom section's body holds DWARF: its
// name starts with ".debug_".
func isDebugSection(body []byte) bool {
	r := &wasmReader{b: body}
	name := r.name()
	return r.err == nil && strings.HasPrefix(name, ".debug_")
}

// importInfo is what instrumentLoops needs of an import section.
type importInfo struct {
	globals  uint32 // imported globals: they come first in the index space
	tick     uint32 // function index of the tick import
	tickType uint32 // its type index
	found    bool   // whether the tick import is there
}

// readTypes returns the encoded function types of a type section.
func readTypes(body []byte) ([][]byte, error) {
	r := &wasmReader{b: body}
	count := r.u32()
	types := make([][]byte, 0, min(count, 1<<16))
	for range count {
		start := r.pos
		if r.byte() != 0x60 {
			return nil, cmp.Or(r.err, errors.New("not a function type"))
		}
		for range 2 { // parameters, results
			for range r.u32() {
				r.byte()
			}
		}
		if r.err != nil {
			return nil, r.err
		}
		types = append(types, body[start:r.pos])
	}
	return types, r.err
}

// readImports reads an import section.
func readImports(body []byte, tickModule, tickName string) (importInfo, error) {
	var info importInfo
	r := &wasmReader{b: body}
	count := r.u32()
	var funcs uint32
	for range count {
		module, name := r.name(), r.name()
		switch kind := r.byte(); kind {
		case 0x00: // function: type index
			typ := r.u32()
			if module == tickModule && name == tickName {
				info.tick, info.tickType, info.found = funcs, typ, true
			}
			funcs++
		case 0x01: // table: reference type, limits
			r.byte()
			r.limits()
		case 0x02: // memory: limits
			r.limits()
		case importGlobal: // value type, mutability
			r.byte()
			r.byte()
			info.globals++
		default:
			return info, fmt.Errorf("unknown import kind %#x", kind)
		}
	}
	return info, r.err
}
