// Package sdkjs embeds ferry's JavaScript SDK, the TypeScript sources that
// `ferry compile` bundles with a function written for Nango: the `nango`
// package users import (src/index.ts), the in-engine runtime
// (src/runtime, imported as ferry:runtime), the Node-ish globals QuickJS
// lacks (src/globals, ferry:globals) and the node:crypto, node:url and
// node:buffer modules (src/node). docs/JS.md is the contract between these
// sources, the compiler (jscompile) and the engine (host).
package sdkjs

import "embed"

// FS holds package.json and src/, rooted at this directory: the entry
// points are src/index.ts, src/runtime/index.ts, src/globals/index.ts and
// src/node/{crypto,url,buffer}.ts. It is read-only and safe for
// concurrent use.
//
//go:embed package.json src
var FS embed.FS

// The module entry points inside FS, as docs/JS.md resolves them.
const (
	EntryNango   = "src/index.ts"         // import 'nango'
	EntryRuntime = "src/runtime/index.ts" // import 'ferry:runtime'
	EntryGlobals = "src/globals/index.ts" // import 'ferry:globals'
	EntryCrypto  = "src/node/crypto.ts"   // import 'crypto', 'node:crypto'
	EntryURL     = "src/node/url.ts"      // import 'url', 'node:url'
	EntryBuffer  = "src/node/buffer.ts"   // import 'buffer', 'node:buffer'
)
