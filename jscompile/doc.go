// Package jscompile compiles functions written in TypeScript or
// JavaScript for Nango (`export default createSync({...})`, imported from
// 'nango') into JS bundles that ferry's host runs in QuickJS-ng.
//
// docs/JS.md is the contract. esbuild (its Go API) bundles each function
// with the embedded sdk-js sources and the user's zod into one classic
// script, twice: the runtime script, which goes into the bundle, and the
// describe script, which also links zod's toJSONSchema. A [Describer]
// evaluates the describe script to get the function's definition as
// manifest fields; they are validated and written with the runtime script
// by [bundle.NewJS].
//
// # Layout
//
// Functions follow Nango's project layout:
//
//	<root>/<integration>/syncs/<name>.ts
//	<root>/<integration>/actions/<name>.ts
//	<root>/<integration>/on-events/<name>.ts
//
// The integration is the folder above syncs, actions or on-events, the
// function's name its file name without the extension, and its type
// (createSync, createAction, createOnEvent) must agree with the folder.
// An index.ts at the root, when present, selects the functions: only the
// files it imports are compiled, as Nango does.
//
// # Imports
//
// A function may import 'nango', 'zod' (and 'zod/...', from the user's
// node_modules), 'crypto', 'url' and 'buffer' (also with the 'node:'
// prefix, served by sdk-js) and relative files; anything else is a compile
// error. Dynamic import() is compiled away (esbuild inlines the module), so
// no import() reaches the engine.
//
// zod's locales are linked in English alone: the others are half of zod's
// code, which every function importing z would carry and QuickJS evaluate
// (~100 ms per load), and z.locales.<language>() is the only way to reach
// them.
//
// Scripts are minified (whitespace and syntax, not names, so stack traces
// name functions) and carry no source map.
//
// # Errors
//
// Every error names the file, line and column (1-based, paths relative to
// [Source.Root]: the compiled folder, or the folder above the integration's
// for one file) and wraps one of the sentinel errors of this package, e.g.
//
//	github/syncs/issues.ts:12:7: Expected ";" but found "const"
//	unknown import "qjs:os" in github/actions/x.ts:1:21: ferry functions may import nango, zod, crypto, url, buffer and relative files
//	cannot find package "zod" imported by github/actions/x.ts:2:20: run npm install in /home/me/project
//
// A compile reports every error esbuild finds, not just the first, and
// every failing function of a folder.
package jscompile
