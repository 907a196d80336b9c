// Package providers reads provider catalogs in the format of Nango's
// providers.yaml: one entry per provider, keyed by its name, saying how
// it authenticates (auth_mode, authorization and token URLs) and how its
// API is called (proxy: base URL, headers, query, retry headers,
// pagination defaults, decompression).
//
// ferry carries a built-in catalog (Builtin, from catalog.yaml beside this
// file); a user's own file is laid over it with Merge. Entries are kept as
// read and decoded when asked for, so that an entry with alias: inherits,
// as in Nango, every top-level field of the provider it names that it does
// not set itself. Fields ferry does not use are tolerated.
//
// A Catalog is immutable once loaded and safe for concurrent use.
package providers
