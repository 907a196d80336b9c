package host

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tetratelabs/wazero"

	"github.com/ferryhq/ferry/bundle"
	"github.com/ferryhq/ferry/host/internal/qjs"
	"github.com/ferryhq/ferry/hostfns"
)

// jsGlue runs after a bundle's script. The host starts an execution with
// __ferry_start, runs the engine's event loop (jsLoop), then reads the
// result with __ferry_result ("" while the entry point has not settled).
const jsGlue = `(() => {
  let result = "";
  const fail = (e) => JSON.stringify({ error: { code: "function_error", message: String((e && e.message) || e) } });
  const define = (name, value) => Object.defineProperty(globalThis, name, { value });
  define("__ferry_start", (entry, input) => {
    result = "";
    globalThis.__ferry.run(entry, input).then((r) => { result = r; }, (e) => { result = fail(e); });
  });
  define("__ferry_result", () => result);
  define("__ferry_describe", () => globalThis.__ferry.describe());
})();`

// jsLoop is evaluated to run the event loop: the engine evaluates it, then
// runs every pending job, then the timers in order (each followed by the
// jobs it queued), until none is left. sdk-js clears an execution's
// leftover timers when its entry point settles, so the loop ends with it.
const jsLoop = "void 0"

// jsEngine returns the host's QuickJS engine, made on first use: one wazero
// runtime (the host's memory cap) holding every JS instance.
//
// The deadline of JS executions is the engine's own (qjs.Config.Deadline:
// its loops count down to a check of the call's context), not wazero's
// CloseOnContextDone, which leaves native code for Go at every loop
// iteration and made QuickJS 3–4× slower (docs/BENCHMARKS.md, "Sync
// throughput").
func (h *Host) jsEngine(ctx context.Context) (*qjs.Engine, error) {
	h.jsOnce.Do(func() {
		ctx := context.WithoutCancel(ctx)
		rt := wazero.NewRuntimeWithConfig(ctx, h.runtimeConfig().WithCloseOnContextDone(false))
		// Scripts are parsed in an engine without the deadline check
		// (parsing always ends); they run in rt, under the deadline.
		compileRT := wazero.NewRuntimeWithConfig(ctx, h.runtimeConfig().WithCloseOnContextDone(false))
		limit := uint64(h.cfg.MemoryLimitPages) << 16 * 3 / 4
		e, err := qjs.New(ctx, qjs.Config{
			Runtime:        rt,
			CompileRuntime: compileRT,
			Host:           hostfns.Invoke,
			Deadline:       !h.cfg.DisableDeadline,
			MemoryLimit:    uint32(min(limit, 1<<32-1)),
		})
		if err != nil {
			rt.Close(ctx)
			compileRT.Close(ctx)
			h.jsErr = fmt.Errorf("start JS engine: %w", err)
			return
		}
		h.mu.Lock()
		h.js, h.jsRuntimes = e, []wazero.Runtime{rt, compileRT}
		h.mu.Unlock()
	})
	return h.js, h.jsErr
}

// DescribeJS evaluates a describe build of a function's script (docs/JS.md)
// in a fresh instance and returns what __ferry.describe() answers: the
// manifest fields of its definition. The compiler calls it.
func (h *Host) DescribeJS(ctx context.Context, script []byte) (json.RawMessage, error) {
	e, err := h.jsEngine(ctx)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, prewarmTimeout)
	defer cancel()
	out := newOutput(outputKeep)
	inst, err := e.NewInstance(ctx, out)
	if err != nil {
		return nil, err
	}
	defer inst.Close(ctx)
	if err := evalScript(ctx, e, inst, script); err != nil {
		return nil, err
	}
	desc, err := inst.Call(ctx, "__ferry_describe")
	if err != nil {
		return nil, fmt.Errorf("describe: %w", jsFailure(err))
	}
	if !json.Valid([]byte(desc)) {
		return nil, fmt.Errorf("describe: answer is not JSON: %.200s", desc)
	}
	return json.RawMessage(desc), nil
}

// evalScript evaluates a bundle's script and the host's glue: it parses
// the script to bytecode in the engine's compile runtime, then runs that.
func evalScript(ctx context.Context, e *qjs.Engine, inst *qjs.Instance, script []byte) error {
	bc, err := e.Compile(ctx, "function.js", script)
	if err != nil {
		return fmt.Errorf("parse script: %w", jsFailure(err))
	}
	if err := inst.EvalBytecode(ctx, bc); err != nil {
		return fmt.Errorf("evaluate script: %w", jsFailure(err))
	}
	if err := inst.Eval(ctx, "<ferry:glue>", []byte(jsGlue)); err != nil {
		return fmt.Errorf("evaluate glue: %w", err)
	}
	return nil
}

// jsFailure adds a JS exception's stack to its message.
func jsFailure(err error) error {
	var je *qjs.JSError
	if errors.As(err, &je) && je.Stack != "" {
		return fmt.Errorf("%s\n%s", je.Message, je.Stack)
	}
	return err
}

// jsInstance is a fresh instance of a JS bundle. It serves exactly one
// execution.
type jsInstance struct {
	inst   *qjs.Instance
	output *output
}

func (j *jsInstance) close(ctx context.Context) { j.inst.Close(ctx) }

// jsRunner runs a JS bundle. Its script is evaluated once, at load, and the
// instance's state kept as a snapshot; every execution gets a new instance
// restored from it (a memory copy, not a re-evaluation), from a pool.
type jsRunner struct {
	engine   *qjs.Engine
	snapshot *qjs.Snapshot
	pool     *pool[*jsInstance]
	memLimit uint32 // pages
}

func (h *Host) loadJS(ctx context.Context, parsed *bundle.Bundle) (*jsRunner, error) {
	e, err := h.jsEngine(ctx)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, prewarmTimeout)
	defer cancel()
	inst, err := e.NewInstance(ctx, newOutput(outputKeep))
	if err != nil {
		return nil, err
	}
	defer inst.Close(ctx)
	if err := evalScript(ctx, e, inst, parsed.Script()); err != nil {
		return nil, err
	}
	snap, err := inst.Snapshot()
	if err != nil {
		return nil, err
	}
	j := &jsRunner{engine: e, snapshot: snap, memLimit: h.cfg.MemoryLimitPages}
	j.pool = newPool(h.cfg.Prewarm, j.create)
	return j, nil
}

// create restores a fresh instance from the snapshot; there is nothing
// more to warm.
func (j *jsRunner) create(ctx context.Context, _ bool) (*jsInstance, error) {
	out := newOutput(outputKeep)
	inst, err := j.engine.Restore(ctx, j.snapshot, out)
	if err != nil {
		return nil, err
	}
	return &jsInstance{inst: inst, output: out}, nil
}

// jsResult is what __ferry.run resolves to (docs/JS.md).
type jsResult struct {
	Output json.RawMessage `json:"output"`
	Error  *FunctionError  `json:"error"`
}

func (j *jsRunner) run(ctx context.Context, exec Execution, entry string) (Result, error) {
	ji, err := j.pool.take(ctx)
	if err != nil {
		return Result{}, err
	}
	defer j.pool.release(ji)
	start := time.Now()
	answer, err := runEntry(ctx, ji.inst, entry, exec.Input)
	res := Result{Duration: time.Since(start), Memory: uint64(ji.inst.MemorySize())}
	flushErr := exec.Nango.Flush(context.WithoutCancel(ctx))
	if err != nil {
		return res, j.classify(ctx, err, ji)
	}
	if answer == "" {
		msg := "the function never finished: it awaits a promise that nothing settles"
		return res, &ExecError{Kind: KindFunction, Message: msg, Function: &FunctionError{Code: "function_error", Message: msg}, cause: errors.New(msg)}
	}
	var r jsResult
	if err := json.Unmarshal([]byte(answer), &r); err != nil {
		return res, &ExecError{Kind: KindHost, Message: fmt.Sprintf("the runtime answered malformed JSON: %.200s", answer), cause: err}
	}
	if r.Error != nil {
		if isJSOutOfMemory(r.Error.Message) {
			return res, j.memoryLimit(errors.New(r.Error.Message))
		}
		return res, &ExecError{Kind: KindFunction, Message: r.Error.Message, Function: r.Error, cause: errors.New(r.Error.Message)}
	}
	if flushErr != nil {
		return res, &ExecError{Kind: KindHost, Message: flushErr.Error(), cause: flushErr}
	}
	if string(r.Output) != "null" {
		res.Output = r.Output
	}
	return res, nil
}

// runEntry starts the entry point, runs the event loop until no job or
// timer is left, and returns the result JSON ("" if it never settled).
func runEntry(ctx context.Context, inst *qjs.Instance, entry string, input []byte) (string, error) {
	if _, err := inst.Call(ctx, "__ferry_start", entry, string(input)); err != nil {
		return "", err
	}
	if err := inst.Eval(ctx, "<ferry:loop>", []byte(jsLoop)); err != nil {
		return "", err
	}
	return inst.Call(ctx, "__ferry_result")
}

// classify turns a failed call into a JS instance into an *ExecError.
func (j *jsRunner) classify(ctx context.Context, err error, ji *jsInstance) *ExecError {
	var je *qjs.JSError
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return &ExecError{Kind: KindTimeout, Message: "the function ran past its deadline", cause: err}
	case errors.Is(ctx.Err(), context.Canceled):
		return &ExecError{Kind: KindCanceled, Message: "the execution was canceled", cause: err}
	case isJSOutOfMemory(err.Error()) || uint64(ji.inst.MemorySize())+memorySlack >= uint64(j.memLimit)<<16:
		return j.memoryLimit(err)
	case errors.As(err, &je):
		fe := &FunctionError{Code: "function_error", Message: jsFailure(err).Error()}
		return &ExecError{Kind: KindFunction, Message: je.Message, Function: fe, cause: err}
	case errors.Is(err, qjs.ErrStackOverflow):
		return &ExecError{Kind: KindTrap, Message: qjs.ErrStackOverflow.Error(), cause: err}
	default:
		msg, _, _ := strings.Cut(err.Error(), "\n")
		if s := ji.output.Summary(); s != "" {
			msg += ": " + s
		}
		return &ExecError{Kind: KindTrap, Message: msg, cause: err}
	}
}

func (j *jsRunner) memoryLimit(err error) *ExecError {
	return &ExecError{Kind: KindMemoryLimit, Message: fmt.Sprintf("the function exceeded its memory limit of %d MiB", j.memLimit/16), cause: err}
}

// isJSOutOfMemory reports whether msg is QuickJS's allocation failure:
// "InternalError: out of memory" as thrown, or "out of memory" (and a
// stack) as sdk-js reports an error it caught.
func isJSOutOfMemory(msg string) bool {
	first, _, _ := strings.Cut(msg, "\n")
	return strings.Contains(first, "InternalError: out of memory") || strings.TrimSpace(first) == "out of memory"
}

func (j *jsRunner) prewarmed() int { return j.pool.prewarmed() }

func (j *jsRunner) close(ctx context.Context) error {
	j.pool.close(ctx)
	return nil
}
