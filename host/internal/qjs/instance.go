package qjs

import (
	"context"
	"crypto/rand"
	_ "embed"
	"errors"
	"fmt"
	"io"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// prelude runs in every fresh instance before any script: it takes away
// what a function must not reach (docs/JS.md).
//
//go:embed prelude.js
var prelude []byte

// hostFuncName is the global through which JS calls the host.
const hostFuncName = "__ferry_host"

// Instance is one QuickJS runtime in its own Wasm instance. It serves one
// execution and is then closed; it is not safe for concurrent use.
type Instance struct {
	engine    *Engine
	mod       api.Module
	fn        exports
	sleep     *sleeper
	rt        uint32 // QJSRuntime*
	ctx       uint32 // JSContext*
	stackTop  uint32 // top of the instance's own C stack (stack.go)
	stackBase uint32 // bottom of its guard zone
	broken    error  // set once a call failed at the Wasm level
}

// NewInstance starts a fresh QuickJS runtime with the prelude evaluated.
// What JS writes to stdout and stderr goes to out.
func (e *Engine) NewInstance(ctx context.Context, out io.Writer) (*Instance, error) {
	inst, err := e.instantiate(ctx, out)
	if err != nil {
		return nil, err
	}
	if err := inst.init(ctx); err != nil {
		inst.Close(ctx)
		return nil, err
	}
	return inst, nil
}

// instantiate makes the Wasm instance: no start function (the C layer is
// initialised by New_QJS), no filesystem, no environment, bounded output.
func (e *Engine) instantiate(ctx context.Context, out io.Writer) (*Instance, error) {
	sl := &sleeper{}
	mod, err := e.cfg.Runtime.InstantiateModule(ctx, e.compiled, wazero.NewModuleConfig().
		WithName("").
		WithStartFunctions().
		WithStdout(out).
		WithStderr(out).
		WithRandSource(rand.Reader).
		WithSysWalltime().
		WithSysNanotime().
		WithNanosleep(sl.sleep))
	if err != nil {
		return nil, fmt.Errorf("qjs: instantiate: %w", err)
	}
	inst := &Instance{engine: e, mod: mod, sleep: sl}
	if err := inst.fn.bind(mod); err != nil {
		mod.Close(ctx)
		return nil, err
	}
	return inst, nil
}

// init creates the QuickJS runtime and context, defines __ferry_host and
// runs the prelude.
func (i *Instance) init(ctx context.Context) error {
	if err := i.setStack(ctx); err != nil {
		return err
	}
	rt, err := i.call1(ctx, i.fn.newQJS, uint64(i.engine.cfg.MemoryLimit), jsStackLimit, 0, 0)
	if err != nil || rt == 0 {
		return fmt.Errorf("qjs: create runtime: %w", errors.Join(err, errors.New("New_QJS failed")))
	}
	i.rt = uint32(rt)
	c, err := i.call1(ctx, i.fn.getContext, rt)
	if err != nil {
		return fmt.Errorf("qjs: get context: %w", err)
	}
	i.ctx = uint32(c)
	if err := i.defineHost(ctx); err != nil {
		return err
	}
	if err := i.Eval(ctx, "<ferry:prelude>", prelude); err != nil {
		return fmt.Errorf("qjs: prelude: %w", err)
	}
	return nil
}

// defineHost sets globalThis.__ferry_host to a function proxied to the
// engine's HostFunc.
func (i *Instance) defineHost(ctx context.Context) error {
	fn, err := i.call1(ctx, i.fn.createFunctionProxy, uint64(i.ctx), 1, 0, 0)
	if err != nil {
		return fmt.Errorf("qjs: create host function: %w", err)
	}
	return i.setGlobal(ctx, hostFuncName, fn)
}

// Eval evaluates src as a classic script named filename. A thrown
// exception is returned as a *JSError.
func (i *Instance) Eval(ctx context.Context, filename string, src []byte) error {
	if len(src) == 0 {
		return nil // the engine would take an empty script for a file name
	}
	ctx = i.bind(ctx)
	opts, free, err := i.evalOptions(ctx, filename, src, nil, 0 /* JS_EVAL_TYPE_GLOBAL */)
	if err != nil {
		return err
	}
	defer free()
	return i.evalWith(ctx, opts)
}

// evalWith runs QJS_Eval with the options at opts.
func (i *Instance) evalWith(ctx context.Context, opts uint32) error {
	v, err := i.call1(ctx, i.fn.eval, uint64(i.ctx), uint64(opts))
	if err != nil {
		return err
	}
	if exc, err := i.exception(ctx, v); exc != nil || err != nil {
		return errors.Join(exc, err)
	}
	return i.freeValue(ctx, v)
}

// evalOptions writes a QJSEvalOptions {buf, bytecode_buf, bytecode_len,
// filename, eval_flags} and what it points to into guest memory; free
// releases them.
func (i *Instance) evalOptions(ctx context.Context, filename string, src, bytecode []byte, flags uint32) (uint32, func(), error) {
	var ptrs []uint32
	free := func() {
		for _, p := range ptrs {
			i.free(ctx, p)
		}
	}
	alloc := func(b []byte) (uint32, error) {
		if b == nil {
			return 0, nil
		}
		p, err := i.cString(ctx, b)
		if err == nil {
			ptrs = append(ptrs, p)
		}
		return p, err
	}
	buf, err := alloc(src)
	if err != nil {
		free()
		return 0, nil, err
	}
	bc, err := alloc(bytecode)
	if err != nil {
		free()
		return 0, nil, err
	}
	name, err := alloc([]byte(filename))
	if err != nil {
		free()
		return 0, nil, err
	}
	opts, err := i.malloc(ctx, 20)
	if err != nil {
		free()
		return 0, nil, err
	}
	ptrs = append(ptrs, opts)
	mem := i.mod.Memory()
	for k, v := range []uint32{buf, bc, uint32(len(bytecode)), name, flags} {
		mem.WriteUint32Le(opts+uint32(4*k), v)
	}
	return opts, free, nil
}

// Call calls the global function fn with string arguments, waits for the
// promise it returns (running jobs and timers meanwhile) and returns the
// result as a string. A thrown exception or a rejection is a *JSError.
func (i *Instance) Call(ctx context.Context, fn string, args ...string) (string, error) {
	ctx = i.bind(ctx)
	global, err := i.call1(ctx, i.fn.getGlobalObject, uint64(i.ctx))
	if err != nil {
		return "", err
	}
	defer i.freeValue(ctx, global)
	name, err := i.cString(ctx, []byte(fn))
	if err != nil {
		return "", err
	}
	f, err := i.call1(ctx, i.fn.getPropertyStr, uint64(i.ctx), global, uint64(name))
	i.free(ctx, name)
	if err != nil {
		return "", err
	}
	defer i.freeValue(ctx, f)

	argv, err := i.malloc(ctx, uint32(8*max(len(args), 1)))
	if err != nil {
		return "", err
	}
	defer i.free(ctx, argv)
	for k, a := range args {
		v, err := i.newString(ctx, []byte(a))
		if err != nil {
			return "", err
		}
		defer i.freeValue(ctx, v)
		i.mod.Memory().WriteUint64Le(argv+uint32(8*k), v)
	}
	res, err := i.call1(ctx, i.fn.call, uint64(i.ctx), f, global, uint64(len(args)), uint64(argv))
	if err != nil {
		return "", err
	}
	// js_std_await takes the value and returns the settled result: the
	// value itself when it is no promise.
	res, err = i.call1(ctx, i.fn.await, uint64(i.ctx), res)
	if err != nil {
		return "", err
	}
	if exc, err := i.exception(ctx, res); exc != nil || err != nil {
		return "", errors.Join(exc, err)
	}
	defer i.freeValue(ctx, res)
	s, err := i.toString(ctx, res)
	return string(s), err
}

// MemorySize returns the size of the instance's linear memory in bytes.
func (i *Instance) MemorySize() uint32 { return i.mod.Memory().Size() }

// Close ends the instance and frees its memory. Safe to call twice.
func (i *Instance) Close(ctx context.Context) {
	i.mod.Close(ctx)
}

// bind puts the instance in ctx, where the host proxy finds it, and lets
// host sleeps end with ctx.
func (i *Instance) bind(ctx context.Context) context.Context {
	i.sleep.set(ctx.Done())
	return context.WithValue(ctx, instanceKey{}, i)
}

// setGlobal sets globalThis[name] = v, taking ownership of v.
func (i *Instance) setGlobal(ctx context.Context, name string, v uint64) error {
	global, err := i.call1(ctx, i.fn.getGlobalObject, uint64(i.ctx))
	if err != nil {
		return err
	}
	defer i.freeValue(ctx, global)
	p, err := i.cString(ctx, []byte(name))
	if err != nil {
		return err
	}
	defer i.free(ctx, p)
	if _, err := i.call1(ctx, i.fn.setPropertyStr, uint64(i.ctx), global, uint64(p), v); err != nil {
		return err
	}
	return nil
}
