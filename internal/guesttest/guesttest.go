// Package guesttest builds Go guest functions for tests: real Wasm from
// real sources, built once per test binary (the Go build cache makes later
// test runs cheap).
package guesttest

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/gobuild"
)

type result struct {
	once sync.Once
	wasm []byte
	err  error
}

var built sync.Map // absolute dir → *result

// Build returns the bundle built from the Go function in dir, failing the
// test if it does not build.
func Build(tb testing.TB, dir string) []byte {
	tb.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		tb.Fatal(err)
	}
	v, _ := built.LoadOrStore(abs, &result{})
	r := v.(*result)
	r.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		r.wasm, r.err = gobuild.Build(ctx, abs)
	})
	if r.err != nil {
		tb.Fatalf("build guest %s: %v", dir, r.err)
	}
	return r.wasm
}
