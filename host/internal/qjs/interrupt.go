package qjs

import (
	"context"
	"fmt"
	"sync"
)

// The deadline (Config.Deadline). wazero's CloseOnContextDone stops a
// module whose context ends by leaving native code for Go at every loop
// header to ask whether the module was closed. QuickJS lives in loops — the
// interpreter's dispatch, JSON.parse and JSON.stringify, string copies —
// and runs 3–4× slower for it (a sync mapping 20,000 1 KB rows: 2.3 s of
// engine time instead of 0.6 s).
//
// So the engine's code counts instead: when the module is loaded, a
// mutable i32 global (the budget) is added and every loop starts with
//
//	budget = budget - 1
//	if budget == 0 {
//	  budget = tickEvery
//	  jsFunctionProxy(0, 0, tickArgc, 0)
//	}
//
// a load, a store and a branch that is rarely taken. Every tickEvery
// loop iterations the guest calls the engine's own import (so no function
// index moves), and the host answers a tick by failing the call if its
// context has ended: the guest stops within tickEvery iterations of its
// deadline, at the points where CloseOnContextDone would have stopped it,
// and the instance is broken, its error wrapping the context's.
//
// Going to Go now and then is not only for the deadline: native code
// cannot be preempted, so a guest that never left it would keep the Go
// runtime from stopping the world for GC — and, in an endless loop, hang
// the whole process. A tick is a preemption point.
//
// Host calls return with the context too (hostfns, the sleeper), so
// nothing the guest does outlives its deadline.
const (
	// tickEvery is how many loop iterations pass between two ticks: tens
	// of microseconds of QuickJS work, against a tick's fraction of one.
	tickEvery = 10_000
	// tickArgc marks a tick among the calls of jsFunctionProxy, whose
	// real calls pass an argument count.
	tickArgc = 1<<32 - 1
	// proxyModule and proxyName are the engine's import the ticks call.
	proxyModule = "env"
	proxyName   = "jsFunctionProxy"
)

// interruptibleModule is qjs.wasm with the stack pointer exported and
// every loop counting towards a tick.
var interruptibleModule = sync.OnceValues(func() ([]byte, error) {
	wasm, err := engineModule()
	if err != nil {
		return nil, err
	}
	wasm, err = instrumentLoops(wasm, proxyModule, proxyName)
	if err != nil {
		return nil, fmt.Errorf("qjs: instrument the engine: %w", err)
	}
	return wasm, nil
})

// tick serves a tick: it fails the guest's call, by a panic wazero turns
// into the call's error, once ctx has ended.
func tick(ctx context.Context) {
	if ctx.Err() != nil {
		panic(fmt.Errorf("qjs: stopped at the end of its context: %w", context.Cause(ctx)))
	}
}

// checkDone fails a call into an instance whose context has already
// ended, as CloseOnContextDone does, rather than let it run up to its
// first tick. It is a no-op without Config.Deadline.
func (i *Instance) checkDone(ctx context.Context) error {
	if !i.engine.cfg.Deadline {
		return nil
	}
	if ctx.Err() != nil {
		i.broken = fmt.Errorf("%w: %w", ErrBroken, context.Cause(ctx))
		return i.broken
	}
	return nil
}
