package qjs

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// Wasm section ids, encodings and opcodes instrumentLoops reads or writes.
const (
	sectionCustom = 0
	sectionType   = 1
	sectionImport = 2
	sectionGlobal = 6
	sectionCode   = 10

	importGlobal = 0x03
	valueI32     = 0x7f
	blockEmpty   = 0x40

	opLoop      = 0x03
	opIf        = 0x04
	opEnd       = 0x0b
	opCall      = 0x10
	opDrop      = 0x1a
	opGlobalGet = 0x23
	opGlobalSet = 0x24
	opI32Const  = 0x41
	opI64Const  = 0x42
	opI32Eqz    = 0x45
	opI32Sub    = 0x6b
)

// tickType is the type the tick import must have, as the type section
// encodes it: (i32, i64, i32, i32) -> i64, jsFunctionProxy's.
var tickType = []byte{0x60, 0x04, 0x7f, 0x7e, 0x7f, 0x7f, 0x01, 0x7e}

// loopCheck is what instrumentLoops puts at the start of every loop body
// (interrupt.go), for the budget global and the tick function:
//
//	global.get $budget, i32.const 1, i32.sub, global.set $budget
//	global.get $budget, i32.eqz
//	if
//	  i32.const tickEvery, global.set $budget
//	  i32.const 0, i64.const 0, i32.const tickArgc, i32.const 0
//	  call $tick, drop
//	end
func loopCheck(budget, tick uint32) []byte {
	var b []byte
	global := func(op byte) {
		b = binary.AppendUvarint(append(b, op), uint64(budget))
	}
	i32 := func(v int32) { b = appendSigned(append(b, opI32Const), v) }
	global(opGlobalGet)
	i32(1)
	b = append(b, opI32Sub)
	global(opGlobalSet)
	global(opGlobalGet)
	b = append(b, opI32Eqz, opIf, blockEmpty)
	i32(tickEvery)
	global(opGlobalSet)
	i32(0)
	b = append(b, opI64Const, 0x00)
	i32(-1) // tickArgc, as an i32
	i32(0)
	b = binary.AppendUvarint(append(b, opCall), uint64(tick))
	return append(b, opDrop, opEnd)
}

// appendSigned appends v in signed LEB128.
func appendSigned(b []byte, v int32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 && c&0x40 == 0 || v == -1 && c&0x40 != 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

// instrumentLoops returns a copy of the Wasm module wasm with one more
// global, the budget (a mutable i32 starting at tickEvery), and a
// countdown of it at the start of every loop that calls the function
// imported as tickModule.tickName when it reaches zero (interrupt.go).
// Function indices, and every other index, are unchanged; DWARF sections
// are dropped, their code offsets being no longer true. It understands
// the instructions a C compiler emits (MVP, sign extension, saturating
// truncation, bulk memory, reference types, tail calls); a module with
// others is refused, not half instrumented.
func instrumentLoops(wasm []byte, tickModule, tickName string) ([]byte, error) {
	if len(wasm) < 8 {
		return nil, errors.New("not a Wasm module")
	}
	var imports importInfo
	var types [][]byte
	var defined uint32
	var sawGlobals, sawCode bool
	out := append([]byte(nil), wasm[:8]...)
	for pos := 8; pos < len(wasm); {
		id := wasm[pos]
		size, n := binary.Uvarint(wasm[pos+1:])
		start := pos + 1 + n
		if n <= 0 || size > uint64(len(wasm)-start) {
			return nil, fmt.Errorf("section at %d: malformed size", pos)
		}
		body := wasm[start : start+int(size)]
		pos = start + int(size)
		switch id {
		case sectionCustom:
			if isDebugSection(body) {
				// DWARF locates code by offset, which the checks move:
				// better no line numbers in traces than wrong ones.
				continue
			}
		case sectionType:
			var err error
			if types, err = readTypes(body); err != nil {
				return nil, fmt.Errorf("type section: %w", err)
			}
		case sectionImport:
			var err error
			if imports, err = readImports(body, tickModule, tickName); err != nil {
				return nil, fmt.Errorf("import section: %w", err)
			}
		case sectionGlobal:
			count, m := binary.Uvarint(body)
			if m <= 0 {
				return nil, errors.New("global section: malformed count")
			}
			defined, sawGlobals = uint32(count), true
			// i32, mutable, initialised by i32.const tickEvery.
			body = append(binary.AppendUvarint(nil, count+1), body[m:]...)
			body = append(body, valueI32, 0x01, opI32Const)
			body = appendSigned(body, tickEvery)
			body = append(body, opEnd)
		case sectionCode:
			switch {
			case !sawGlobals:
				return nil, errors.New("no global section before the code section")
			case !imports.found:
				return nil, fmt.Errorf("no function imported as %s.%s", tickModule, tickName)
			case int(imports.tickType) >= len(types) || !bytes.Equal(types[imports.tickType], tickType):
				return nil, fmt.Errorf("%s.%s is not of type (i32, i64, i32, i32) -> i64", tickModule, tickName)
			}
			sawCode = true
			var err error
			if body, err = instrumentCode(body, loopCheck(imports.globals+defined, imports.tick)); err != nil {
				return nil, fmt.Errorf("code section: %w", err)
			}
		}
		out = append(out, id)
		out = binary.AppendUvarint(out, uint64(len(body)))
		out = append(out, body...)
	}
	if !sawCode {
		return nil, errors.New("no code section")
	}
	return out, nil
}

// instrumentCode rewrites a code section, putting check after the
// block type of every loop instruction.
func instrumentCode(body, check []byte) ([]byte, error) {
	r := &wasmReader{b: body}
	count := r.u32()
	out := binary.AppendUvarint(make([]byte, 0, len(body)+len(body)/16), uint64(count))
	var fn []byte
	for k := range count {
		size := r.u32()
		code := r.take(int(size))
		if r.err != nil {
			return nil, fmt.Errorf("function %d: %w", k, r.err)
		}
		var err error
		if fn, err = instrumentFunction(fn[:0], code, check); err != nil {
			return nil, fmt.Errorf("function %d: %w", k, err)
		}
		out = binary.AppendUvarint(out, uint64(len(fn)))
		out = append(out, fn...)
	}
	if r.err == nil && r.pos != len(body) {
		return nil, errors.New("trailing bytes")
	}
	return out, r.err
}

// instrumentFunction appends to out the function body code with check
// after every loop's block type.
func instrumentFunction(out, code, check []byte) ([]byte, error) {
	r := &wasmReader{b: code}
	for range r.u32() { // local declarations: count, type
		r.u32()
		r.byte()
	}
	copied := 0
	depth := 1 // the function's own block
	for depth > 0 && r.err == nil && r.pos < len(code) {
		op := r.byte()
		switch op {
		case 0x02, opIf: // block, if
			r.blockType()
			depth++
		case opLoop:
			r.blockType()
			depth++
			out = append(out, code[copied:r.pos]...)
			out = append(out, check...)
			copied = r.pos
		case opEnd:
			depth--
		default:
			if err := r.skipImmediates(op); err != nil {
				return nil, err
			}
		}
	}
	switch {
	case r.err != nil:
		return nil, r.err
	case depth != 0 || r.pos != len(code):
		return nil, errors.New("body does not end with its last end")
	}
	return append(out, code[copied:]...), nil
}
