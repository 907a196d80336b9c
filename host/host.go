package host

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/tetratelabs/wazero"

	"github.com/ferryhq/ferry/host/internal/qjs"
)

// Host compiles and runs bundles. Create one per process with New.
type Host struct {
	cfg   Config
	cache wazero.CompilationCache

	mu      sync.Mutex
	bundles map[*Bundle]struct{}
	closed  bool

	// The JavaScript engine, started by the first JS bundle.
	jsOnce     sync.Once
	js         *qjs.Engine
	jsRuntimes []wazero.Runtime
	jsErr      error

	running atomic.Int64 // executions in flight (Stats)
}

// New returns a Host configured by cfg.
func New(cfg Config) (*Host, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	h := &Host{cfg: cfg, bundles: make(map[*Bundle]struct{})}
	if cfg.CacheDir != "" {
		h.cache, err = wazero.NewCompilationCacheWithDir(cfg.CacheDir)
		if err != nil {
			return nil, fmt.Errorf("open compilation cache %s: %w", cfg.CacheDir, err)
		}
	} else {
		h.cache = wazero.NewCompilationCache()
	}
	return h, nil
}

// runtimeConfig is the wazero configuration of every bundle's runtime.
func (h *Host) runtimeConfig() wazero.RuntimeConfig {
	return wazero.NewRuntimeConfig().
		WithCompilationCache(h.cache).
		WithMemoryLimitPages(h.cfg.MemoryLimitPages).
		WithCloseOnContextDone(!h.cfg.DisableDeadline)
}

// Close closes every loaded bundle and the compilation cache.
func (h *Host) Close(ctx context.Context) error {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil
	}
	h.closed = true
	bundles := h.bundles
	h.bundles = nil
	jsRuntimes := h.jsRuntimes
	h.mu.Unlock()

	var first error
	for b := range bundles {
		if err := b.close(ctx); err != nil && first == nil {
			first = err
		}
	}
	for _, rt := range jsRuntimes {
		if err := rt.Close(ctx); err != nil && first == nil {
			first = err
		}
	}
	if err := h.cache.Close(ctx); err != nil && first == nil {
		first = err
	}
	return first
}

func (h *Host) track(b *Bundle) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return ErrClosed
	}
	h.bundles[b] = struct{}{}
	return nil
}

func (h *Host) untrack(b *Bundle) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.bundles, b)
}
