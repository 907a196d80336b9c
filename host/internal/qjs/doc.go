// Package qjs runs JavaScript in QuickJS-ng compiled to WebAssembly, on
// wazero, for the host's JS bundles.
//
// The engine is qjs.wasm from github.com/fastschema/qjs v0.0.6 (MIT, see
// LICENSE.fastschema-qjs; sha256 88fcbeea…89b7): QuickJS-ng built with
// wasi-sdk, plus a thin C layer whose exports this package calls directly.
// Its Go wrapper is not used: it leaks guest memory on every string that
// crosses, never closes its wazero runtime, mounts the working directory
// and panics on failures (docs/research/quickjs-engine.md). Here:
//
//   - An [Engine] compiles the module once; every [Instance] is a fresh
//     module instance that serves one execution and is then closed, so
//     nothing leaks between executions or accumulates across them.
//   - No filesystem is mounted, stdout and stderr go to a bounded buffer,
//     and the prelude removes QuickJS's std/os globals and the function
//     constructors (eval could reach import('qjs:os')).
//   - The deadline (Config.Deadline) is the engine's own: its code is
//     instrumented when loaded so that loops count down to a check of the
//     call's context (interrupt.go, loops.go), 3–4× cheaper than wazero's
//     CloseOnContextDone; host sleeps (timers) end when the execution's
//     context does.
//   - Every failure is an error: wazero reports traps and closed modules as
//     errors, JS exceptions are read back as text.
//   - [Instance.Snapshot] captures an instance's whole state (its linear
//     memory) once the bundle is evaluated, and [Engine.Restore] starts a
//     new instance from it: a copy instead of a re-evaluation.
//
// JS reaches the host through one synchronous global,
// __ferry_host(name, request) → answer (docs/JS.md), served by the
// engine's HostFunc.
package qjs
