package qjs

import (
	"context"
	"fmt"
	"io"
)

// Snapshot is the whole state of an instance between calls: its linear
// memory (the QuickJS heap with everything evaluated so far, the C
// library's state) and where its runtime and context live. Wasm globals
// need no saving: the only mutable one, the C stack pointer, is back at
// the top of the instance's stack between calls, and Restore sets it. A Snapshot is immutable and
// safe for concurrent use.
type Snapshot struct {
	memory    []byte
	rt        uint32
	ctx       uint32
	stackTop  uint32
	stackBase uint32
}

// Size returns the snapshot's size in bytes: the linear memory every
// instance restored from it starts with.
func (s *Snapshot) Size() int { return len(s.memory) }

// Snapshot captures the instance's state. Take it between calls only.
func (i *Instance) Snapshot() (*Snapshot, error) {
	if i.broken != nil {
		return nil, i.broken
	}
	mem := i.mod.Memory()
	b, ok := mem.Read(0, mem.Size())
	if !ok {
		return nil, fmt.Errorf("qjs: snapshot: memory unreadable")
	}
	return &Snapshot{memory: append([]byte(nil), b...), rt: i.rt, ctx: i.ctx, stackTop: i.stackTop, stackBase: i.stackBase}, nil
}

// Restore starts a fresh instance in the state snap captured: a new Wasm
// instance whose memory is a copy of the snapshot's. Nothing is shared
// with the instance the snapshot came from or with other restored ones.
func (e *Engine) Restore(ctx context.Context, snap *Snapshot, out io.Writer) (*Instance, error) {
	inst, err := e.instantiate(ctx, out)
	if err != nil {
		return nil, err
	}
	mem := inst.mod.Memory()
	if need := uint32(len(snap.memory)); mem.Size() < need {
		if _, ok := mem.Grow((need - mem.Size() + pageSize - 1) / pageSize); !ok {
			inst.Close(ctx)
			return nil, fmt.Errorf("qjs: restore: cannot grow memory to %d bytes", need)
		}
	}
	if !mem.Write(0, snap.memory) {
		inst.Close(ctx)
		return nil, fmt.Errorf("qjs: restore: write memory")
	}
	inst.rt, inst.ctx, inst.stackTop, inst.stackBase = snap.rt, snap.ctx, snap.stackTop, snap.stackBase
	if err := inst.restoreStack(); err != nil {
		inst.Close(ctx)
		return nil, err
	}
	return inst, nil
}

const pageSize = 64 << 10
