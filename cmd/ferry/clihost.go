package main

import (
	"os"
	"path/filepath"

	"github.com/ferryhq/ferry/host"
)

// cacheDirEnv overrides where CLI commands keep compiled Wasm.
const cacheDirEnv = "FERRY_CACHE_DIR"

// newCLIHost returns a host for one CLI command: no pre-warming (each
// function runs a few times at most) and wazero's compiled code kept in
// the user's cache directory ($FERRY_CACHE_DIR, else
// $XDG_CACHE_HOME/ferry), so that the JS engine and bundles compile once
// per machine rather than once per command. Without a usable cache
// directory it compiles in memory.
func newCLIHost() (*host.Host, error) {
	dir := os.Getenv(cacheDirEnv)
	if dir == "" {
		if base, err := os.UserCacheDir(); err == nil {
			dir = filepath.Join(base, "ferry", "wazero")
		}
	}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			dir = ""
		}
	}
	return host.New(host.Config{CacheDir: dir, Prewarm: -1})
}
