// Package nango is ferry's guest package for functions written in Go.
//
// It gives a Go function the same shape as a TypeScript one written against
// Nango's SDK: nango.Get(...), nango.Paginate(...), nango.BatchSave(records,
// "Issue"), checkpoints, metadata and logs. Every call crosses into the ferry
// host through the Extism host functions documented in docs/ABI.md; this
// package and that document are the only definition of the contract.
//
// A function is a main package built with the standard Go toolchain:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o fn.wasm .
//
// and exports its entry point with //go:wasmexport:
//
//	//go:wasmexport sync
//	func sync() int32 { return nango.RunSync(fetchIssues) }
//
// Go's garbage collector in a wasip1 reactor only makes progress when the
// guest yields, so this package calls runtime.Gosched after every host call
// and at the end of every entry point; long syncs keep a flat heap.
package nango
