// Package hostfns implements the nango object that functions call: HTTP
// with credentials injected, pagination, records, checkpoints, metadata,
// the connection and logs.
//
// The capabilities are plain Go (Nango, scoped to one execution and one
// connection), independent of how a guest reaches them. ExtismFunctions
// binds them as Extism host functions for native plugins (the JSON ABI of
// docs/ABI.md); the JavaScript engine binds the same capabilities as
// globals.
package hostfns
