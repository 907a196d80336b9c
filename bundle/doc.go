// Package bundle reads, validates and writes ferry function bundles.
//
// A bundle is one WebAssembly binary module (version 1) that holds one
// function — a sync, an action or an on-event hook — together with a JSON
// manifest describing it. The host parses a bundle when it loads it, the
// server when a bundle is uploaded, and the TypeScript compiler writes
// bundles with [NewJS]. Parsing never compiles the module: wazero
// validates function bodies when the host compiles it.
//
// # Format
//
// The module is an ordinary core module. ferry reads these sections:
//
//   - The custom section named "ferry.manifest" ([ManifestSection]): the
//     manifest, as UTF-8 JSON (see [Manifest]). Exactly one is required.
//     Custom sections may appear anywhere; [Encode] appends it last.
//   - The export section: in a native bundle, the entry point named by
//     [Manifest.EntryPoint] must be an exported function — "sync",
//     "action" or "on_event" — and a sync with webhookSubscriptions must
//     also export "on_webhook".
//   - The import section: every import must be allowed by the host's
//     [ImportPolicy] (checked by [Bundle.CheckImports]); a js bundle
//     imports the engine and nothing else (checked by [Parse]).
//   - The custom section named "ferry.js" ([ScriptSection]): a "js"
//     bundle's script. Exactly one, non-empty UTF-8, in a js bundle; none
//     in a native one.
//   - Other custom sections are kept and readable by name with
//     [Bundle.CustomSection].
//
// A bundle's Kind says how it is linked. A "native" bundle is an Extism
// plugin built with any PDK language (Go with GOOS=wasip1, Rust, Zig, C,
// AssemblyScript); it imports host functions from "extism:host/user", the
// Extism kernel from "extism:host/env" and WASI from
// "wasi_snapshot_preview1". A "js" bundle (docs/JS.md, written by [NewJS])
// has no code of its own: it carries its script in [ScriptSection], imports
// only the engine function "ferry:engine"."quickjs_ng" ([EngineModule],
// [EngineQuickJS]) and needs no exports.
//
// # Manifest
//
// The manifest's fields follow Nango's function definitions, in camelCase:
//
//	{
//	  "name": "fetch-issues",
//	  "type": "sync",
//	  "integration": "github",
//	  "kind": "native",
//	  "version": "1.0.0",
//	  "models": {"GithubIssue": {"type": "object", "properties": {"id": {"type": "string"}}}},
//	  "frequency": "every hour",
//	  "autoStart": true,
//	  "syncType": "incremental",
//	  "webhookSubscriptions": ["issues"]
//	}
//
// Unknown fields are errors. [Manifest.Validate] fills defaults (kind
// "native", version "0.0.1", and for syncs autoStart true and syncType
// "incremental") and checks the rules: a sync needs at least one model and
// a frequency, an on-event function an event, schemas are JSON objects,
// model names are identifiers, and fields that mean nothing for the type
// (frequency on an action, input on a sync) are rejected.
//
// # Errors
//
// Every error caused by the input wraps one sentinel (ErrNotWasm,
// ErrNoManifest, ErrInvalidManifest, ErrNoEntryPoint, ErrUnknownImport) and
// says precisely what is wrong, e.g. "not a WebAssembly module: truncated
// section 3 at offset 120: length 500 exceeds the 20 bytes left".
package bundle
