package qjs

import (
	"context"
	"fmt"
)

// evalFlagCompileOnly is QuickJS's JS_EVAL_FLAG_COMPILE_ONLY.
const evalFlagCompileOnly = 1 << 5

// Compile parses src as a classic script named filename and returns its
// QuickJS bytecode, for Instance.EvalBytecode. It parses in a fresh
// instance of the compile runtime (Config.CompileRuntime). A syntax error
// is a *JSError naming the line.
func (e *Engine) Compile(ctx context.Context, filename string, src []byte) ([]byte, error) {
	inst, err := e.compiler.NewInstance(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer inst.Close(ctx)
	return inst.compile(ctx, filename, src)
}

func (i *Instance) compile(ctx context.Context, filename string, src []byte) ([]byte, error) {
	ctx = i.bind(ctx)
	opts, free, err := i.evalOptions(ctx, filename, src, nil, evalFlagCompileOnly)
	if err != nil {
		return nil, err
	}
	defer free()
	box, err := i.call1(ctx, i.fn.compile, uint64(i.ctx), uint64(opts))
	if err != nil {
		return nil, err
	}
	if box == 0 {
		exc, err := i.call1(ctx, i.fn.getException, uint64(i.ctx))
		if err != nil {
			return nil, err
		}
		defer i.freeValue(ctx, exc)
		return nil, i.jsError(ctx, exc)
	}
	ptr, bc, err := i.unbox(ctx, box)
	i.free(ctx, ptr)
	return bc, err
}

// EvalBytecode evaluates bytecode Engine.Compile produced. A thrown
// exception is returned as a *JSError.
func (i *Instance) EvalBytecode(ctx context.Context, bytecode []byte) error {
	if len(bytecode) == 0 {
		return fmt.Errorf("qjs: no bytecode to evaluate")
	}
	ctx = i.bind(ctx)
	opts, free, err := i.evalOptions(ctx, "", nil, bytecode, 0)
	if err != nil {
		return err
	}
	defer free()
	return i.evalWith(ctx, opts)
}
