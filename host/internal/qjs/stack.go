package qjs

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/tetratelabs/wazero/api"
)

// The C stack. qjs.wasm is linked stack-first with a 160 KiB stack at the
// bottom of memory: about 230 nested JS calls overflow it, and under WASI
// QuickJS cannot see that coming, so Wasm traps. Each instance therefore
// runs on a bigger stack of its own, malloc'd from its heap before the
// QuickJS runtime is created (QuickJS records the stack's top then, and
// checks its own limit against it): deep recursion ends as a catchable
// "RangeError: Maximum call stack size exceeded" instead of a trap.
//
// QuickJS's own stack check is compiled out for WASI, so an overflow would
// run on into the heap below the stack. A guard zone at the stack's bottom
// holds a known pattern; the instance checks it on every host call and
// after every call into the engine, and a disturbed guard breaks the
// instance (ErrStackOverflow): nothing the function does after its stack
// overflowed reaches the host, and its results are dropped.
//
// The stack pointer is the module's only Wasm global and is not exported;
// the engine's binary gets an export for it when loaded (stackPointerExport).
const (
	// stackSize is each instance's C stack: about 3,000 nested JS calls.
	stackSize = 1 << 20
	// guardSize is the zone below the stack that must stay untouched; a
	// frame is far smaller, so an overflow crosses it before passing it.
	guardSize = 64 << 10
	// jsStackLimit is passed to JS_SetMaxStackSize, for builds of the
	// engine where QuickJS checks its stack itself.
	jsStackLimit = stackSize - 128<<10
	// stackPointerExport is the name the stack pointer global is exported as.
	stackPointerExport = "__stack_pointer"
)

// engineModule is qjs.wasm with the stack pointer exported.
var engineModule = sync.OnceValues(func() ([]byte, error) {
	return exportGlobal(engineWasm, stackPointerExport, 0)
})

// ErrStackOverflow is wrapped by the error of an instance whose C stack
// overflowed (recursion too deep).
var ErrStackOverflow = errors.New("stack overflow: recursion too deep")

// guardByte fills the guard zone.
const guardByte = 0xA5

// setStack moves the instance onto a stack of its own in its heap, above
// a guard zone.
func (i *Instance) setStack(ctx context.Context) error {
	base, err := i.malloc(ctx, guardSize+stackSize)
	if err != nil {
		return fmt.Errorf("qjs: allocate the stack: %w", err)
	}
	guard, ok := i.mod.Memory().Read(base, guardSize)
	if !ok {
		return errors.New("qjs: stack guard out of range")
	}
	for k := range guard {
		guard[k] = guardByte
	}
	i.stackBase = base
	i.stackTop = (base + guardSize + stackSize) &^ 15
	return i.restoreStack()
}

// checkStack breaks the instance when its stack guard was written to.
func (i *Instance) checkStack() error {
	if i.stackBase == 0 || i.broken != nil {
		return i.broken
	}
	// The stack grows down: an overflow writes the guard's top first, a
	// frame at a time, so its top part tells.
	top, ok := i.mod.Memory().Read(i.stackBase+guardSize-guardCheck, guardCheck)
	if !ok {
		return nil // a closed module: its calls fail anyway
	}
	if !bytes.Equal(top, guardPattern) {
		i.broken = fmt.Errorf("%w: %w", ErrBroken, ErrStackOverflow)
		return i.broken
	}
	return nil
}

// guardCheck is how much of the guard's top checkStack compares.
const guardCheck = 8 << 10

var guardPattern = bytes.Repeat([]byte{guardByte}, guardCheck)

// restoreStack points the stack pointer at the instance's own stack: Wasm
// globals are not in memory, so a restored instance needs it set again.
func (i *Instance) restoreStack() error {
	g, ok := i.mod.ExportedGlobal(stackPointerExport).(api.MutableGlobal)
	if !ok {
		return errors.New("qjs: the engine's stack pointer is not exported")
	}
	g.Set(uint64(i.stackTop))
	return nil
}

// exportGlobal returns a copy of the Wasm module wasm with global index
// exported as name: its export section gets one more entry.
func exportGlobal(wasm []byte, name string, index uint32) ([]byte, error) {
	const exportSection = 7
	pos := 8 // magic and version
	for pos < len(wasm) {
		id := wasm[pos]
		size, n := binary.Uvarint(wasm[pos+1:])
		if n <= 0 || pos+1+n+int(size) > len(wasm) {
			return nil, errors.New("qjs: malformed engine module")
		}
		body := wasm[pos+1+n : pos+1+n+int(size)]
		if id != exportSection {
			pos += 1 + n + int(size)
			continue
		}
		count, m := binary.Uvarint(body)
		if m <= 0 {
			return nil, errors.New("qjs: malformed export section")
		}
		newBody := binary.AppendUvarint(nil, count+1)
		newBody = append(newBody, body[m:]...)
		newBody = binary.AppendUvarint(newBody, uint64(len(name)))
		newBody = append(newBody, name...)
		newBody = append(newBody, 0x03) // global
		newBody = binary.AppendUvarint(newBody, uint64(index))

		out := append([]byte(nil), wasm[:pos]...)
		out = append(out, id)
		out = binary.AppendUvarint(out, uint64(len(newBody)))
		out = append(out, newBody...)
		return append(out, wasm[pos+1+n+int(size):]...), nil
	}
	return nil, errors.New("qjs: engine module has no export section")
}
