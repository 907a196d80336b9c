package host

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/ferryhq/ferry/bundle"
	"github.com/ferryhq/ferry/hostfns"
)

// ErrClosed is returned by a closed Host or Bundle.
var ErrClosed = errors.New("host: closed")

// ErrUnsupportedKind is returned by Load for a bundle kind the host cannot
// run yet.
var ErrUnsupportedKind = errors.New("host: unsupported bundle kind")

// Bundle is a compiled, validated bundle ready to run. It is safe for
// concurrent use; each Run gets its own fresh instance.
type Bundle struct {
	host     *Host
	manifest bundle.Manifest
	hash     string
	runner   runner
}

// runner runs one kind of bundle: native (Extism plugins) or js.
type runner interface {
	// run executes entry on a fresh instance; exec.Nango is set and ctx
	// carries the execution's deadline.
	run(ctx context.Context, exec Execution, entry string) (Result, error)
	prewarmed() int
	close(ctx context.Context) error
}

// Manifest returns the bundle's manifest.
func (b *Bundle) Manifest() bundle.Manifest { return b.manifest }

// Hash returns the sha256 (hex) of the bundle's Wasm bytes.
func (b *Bundle) Hash() string { return b.hash }

// Prewarmed reports how many fresh instances are ready to take an
// execution right now.
func (b *Bundle) Prewarmed() int { return b.runner.prewarmed() }

// Load validates wasm as a bundle, compiles it (or takes it from the
// compilation cache) and starts pre-warming instances.
func (h *Host) Load(ctx context.Context, wasm []byte) (*Bundle, error) {
	parsed, err := bundle.Parse(wasm)
	if err != nil {
		return nil, fmt.Errorf("load bundle: %w", err)
	}
	m := parsed.Manifest
	b := &Bundle{host: h, manifest: m, hash: parsed.Hash()}
	switch m.Kind {
	case bundle.KindNative:
		b.runner, err = h.loadNative(ctx, parsed, wasm)
	case bundle.KindJS:
		b.runner, err = h.loadJS(ctx, parsed)
	default:
		err = fmt.Errorf("%w: %q", ErrUnsupportedKind, m.Kind)
	}
	if err != nil {
		return nil, fmt.Errorf("load bundle %q: %w", m.Name, err)
	}
	if err := h.track(b); err != nil {
		b.close(ctx)
		return nil, err
	}
	return b, nil
}

// Close stops the bundle's pre-warming and frees its compiled code.
// Executions still running finish first.
func (b *Bundle) Close(ctx context.Context) error {
	b.host.untrack(b)
	return b.close(ctx)
}

func (b *Bundle) close(ctx context.Context) error { return b.runner.close(ctx) }

// kernelImports are the Extism kernel functions a guest may import from
// extism:host/env. The kernel's own HTTP functions are left out: a guest's
// only way to the network is the nango request host function, which
// injects credentials and logs every call.
var kernelImports = []string{
	"alloc", "free", "length", "length_unsafe", "load_u8", "load_u64",
	"store_u8", "store_u64", "input_length", "input_offset", "input_load_u8",
	"input_load_u64", "input_set", "output_set", "output_length",
	"output_offset", "reset", "error_set", "error_get", "memory_bytes",
	"config_get", "var_get", "var_set", "get_log_level",
	"log_trace", "log_debug", "log_info", "log_warn", "log_error",
}

var userImports = hostfns.HostFunctionNames()

// allowedImport is the import policy of native bundles.
func allowedImport(module, name string) bool {
	switch module {
	case hostfns.Namespace:
		return slices.Contains(userImports, name)
	case "extism:host/env":
		return slices.Contains(kernelImports, name)
	case "wasi_snapshot_preview1":
		return true
	}
	return false
}
