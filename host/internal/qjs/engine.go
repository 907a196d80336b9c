package qjs

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

//go:embed qjs.wasm
var engineWasm []byte

// HostFunc serves __ferry_host(name, request) for the instance whose call
// is running under ctx. It returns the answer as JSON text.
type HostFunc func(ctx context.Context, name string, request []byte) []byte

// Config configures an Engine.
type Config struct {
	// Runtime is the wazero runtime instances live in; its configuration
	// sets their memory cap and whether a context's end stops them. The
	// engine instantiates WASI and its host module in it, so it must not
	// hold other modules named "env" or "wasi_snapshot_preview1".
	Runtime wazero.Runtime
	// CompileRuntime, when set, is where Compile parses scripts: a runtime
	// without CloseOnContextDone, which makes QuickJS's parser about three
	// times slower. Parsing always ends (it is linear in the script), so it
	// needs no deadline; running the script does, and happens in Runtime.
	CompileRuntime wazero.Runtime
	// Host serves __ferry_host.
	Host HostFunc
	// Deadline makes the end of a call's context stop the instance, as
	// wazero's CloseOnContextDone does, for a fraction of its cost: the
	// engine's loops count down to a check of the context (interrupt.go).
	// Runtime should then leave CloseOnContextDone off: it would only add
	// its own, slower, check. CompileRuntime never needs it.
	Deadline bool
	// MemoryLimit caps the bytes QuickJS allocates (JS_SetMemoryLimit); an
	// allocation past it is a catchable "out of memory" InternalError.
	// Zero: only the Wasm memory cap applies.
	MemoryLimit uint32
}

// Engine is the compiled QuickJS module. It is safe for concurrent use;
// each Instance belongs to one goroutine.
type Engine struct {
	cfg      Config
	compiled wazero.CompiledModule
	compiler *Engine // parses scripts; e itself without a CompileRuntime
}

// New compiles the engine in cfg.Runtime (from its compilation cache when
// it has one) and links its imports.
func New(ctx context.Context, cfg Config) (*Engine, error) {
	if cfg.Runtime == nil || cfg.Host == nil {
		return nil, fmt.Errorf("qjs: config needs a runtime and a host function")
	}
	e, err := newEngine(ctx, cfg)
	if err != nil {
		return nil, err
	}
	e.compiler = e
	if cfg.CompileRuntime != nil {
		cc := cfg
		cc.Runtime, cc.CompileRuntime, cc.Deadline = cfg.CompileRuntime, nil, false
		if e.compiler, err = newEngine(ctx, cc); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// newEngine compiles the engine in cfg.Runtime and links its imports there.
func newEngine(ctx context.Context, cfg Config) (*Engine, error) {
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, cfg.Runtime); err != nil {
		return nil, fmt.Errorf("qjs: instantiate WASI: %w", err)
	}
	e := &Engine{cfg: cfg}
	i32, i64 := api.ValueTypeI32, api.ValueTypeI64
	_, err := cfg.Runtime.NewHostModuleBuilder("env").
		NewFunctionBuilder().
		WithGoModuleFunction(api.GoModuleFunc(e.proxy), []api.ValueType{i32, i64, i32, i32}, []api.ValueType{i64}).
		Export("jsFunctionProxy").
		Instantiate(ctx)
	if err != nil {
		return nil, fmt.Errorf("qjs: instantiate host module: %w", err)
	}
	module := engineModule
	if cfg.Deadline {
		module = interruptibleModule
	}
	wasm, err := module()
	if err != nil {
		return nil, err
	}
	e.compiled, err = cfg.Runtime.CompileModule(ctx, wasm)
	if err != nil {
		return nil, fmt.Errorf("qjs: compile engine: %w", err)
	}
	return e, nil
}

// Close frees the compiled engine. Instances still open keep working
// until closed.
func (e *Engine) Close(ctx context.Context) error {
	if e.compiler != e {
		e.compiler.Close(ctx)
	}
	return e.compiled.Close(ctx)
}

// proxy is the engine's jsFunctionProxy import: QuickJS calls it for every
// call of a function made by QJS_CreateFunctionProxy, with argv = [func id,
// context id, is async, promise, ...arguments]. The only such function is
// __ferry_host(name, request).
func (e *Engine) proxy(ctx context.Context, mod api.Module, stack []uint64) {
	argc, argv := uint32(stack[2]), uint32(stack[3])
	if argc == tickArgc { // a tick of the instrumented loops (interrupt.go)
		tick(ctx)
		stack[0] = 0
		return
	}
	inst, ok := ctx.Value(instanceKey{}).(*Instance)
	if !ok || inst.mod != mod {
		// A call outside Instance's own calls cannot happen: JS runs only
		// under them. Answer rather than trap, to be safe.
		stack[0] = 0
		return
	}
	stack[0] = inst.serveHost(ctx, argc, argv)
}

type instanceKey struct{}
