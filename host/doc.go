// Package host runs function bundles as WebAssembly on wazero.
//
// A Host owns the wazero compilation cache (on disk, so a restart does not
// recompile) and the host functions of package hostfns. Load validates a
// bundle and compiles it once into a Bundle; Bundle.Run gives every
// execution a fresh instance that no other execution ever used, taken from
// a small pool of pre-warmed instances so that the start cost is paid ahead.
//
// Bundles are native (Extism plugins, a wazero runtime each) or JS (a
// script run by QuickJS-ng, host/internal/qjs: parsed once per load in a
// runtime without the deadline check, evaluated, snapshotted; every
// execution restores a fresh instance from the snapshot). DescribeJS
// evaluates a compile-time script for the compiler.
//
// Each execution runs under a memory cap (pages) and a deadline. A runaway
// guest ends with a typed *ExecError of kind timeout, memory_limit or trap
// and the host keeps serving. Guests get WASI (Go's wasip1 reactors need
// it) but no filesystem, sockets, environment or arguments: the only way
// out is the nango host functions.
//
// Host and Bundle are safe for concurrent use.
package host
