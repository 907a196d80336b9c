package host

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	extism "github.com/extism/go-sdk"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/ferryhq/ferry/bundle"
	"github.com/ferryhq/ferry/hostfns"
)

// prewarmExport is the optional export the host calls on a fresh instance
// before any execution takes it; ferry's Go guest package defines it so
// that the Go runtime starts ahead of time.
const prewarmExport = "ferry_prewarm"

// prewarmTimeout bounds the start of one instance.
const prewarmTimeout = 10 * time.Second

// outputKeep is how much of the start and of the end of a guest's
// stdout/stderr an instance keeps.
const outputKeep = 2 << 10

// instance is a fresh instance of a native bundle. It serves exactly one
// execution.
type instance struct {
	plugin *extism.Plugin
	output *output
	memory *linearMemory // the guest module's linear memory
}

func (i *instance) close(ctx context.Context) { i.plugin.Close(ctx) }

// guestMemory returns the guest's linear memory as it is now (nil for a
// guest without memory of its own).
func (i *instance) guestMemory() []byte {
	if i.memory == nil {
		return nil
	}
	return i.memory.bytes()
}

// native makes the instances of one compiled native bundle.
type native struct {
	compiled *extism.CompiledPlugin
	entries  []string      // entry points to call in warm mode when pre-warming
	memHint  atomic.Uint64 // guest memory size of the last instance made
}

// maxMemoryHint bounds the capacity new instances start with, so that one
// execution that used a lot of memory does not make every instance big.
const maxMemoryHint = 64 << 20

// learnMemory records how large the guest's memory grew, as the starting
// capacity of the next instances.
func (n *native) learnMemory(inst *instance) {
	if inst.memory != nil {
		n.memHint.Store(min(uint64(len(inst.memory.bytes())), maxMemoryHint))
	}
}

// create instantiates the bundle and, when asked and the bundle has one,
// runs its prewarm export. An instance made for an execution waiting on it
// skips that: the guest's runtime starts with its first call anyway.
func (n *native) create(ctx context.Context, prewarm bool) (*instance, error) {
	out := newOutput(outputKeep)
	mems := &memories{hint: n.memHint.Load()}
	plugin, err := n.compiled.Instance(experimental.WithMemoryAllocator(ctx, mems),
		extism.PluginInstanceConfig{ModuleConfig: moduleConfig(out)})
	if err != nil {
		return nil, fmt.Errorf("instantiate: %w", err)
	}
	inst := &instance{plugin: plugin, output: out, memory: mems.guest()}
	if prewarm && plugin.FunctionExists(prewarmExport) {
		if err := n.warm(ctx, inst); err != nil {
			inst.close(ctx)
			return nil, fmt.Errorf("prewarm: %w (%s)", err, out.Summary())
		}
	}
	if prewarm {
		n.learnMemory(inst)
	}
	return inst, nil
}

// warm starts the guest's runtime (ferry_prewarm), then calls each entry
// point in warm mode: the guest package prepares encoding/json for the
// function's own types and returns without running the function. No
// execution is bound, so a guest that did more could reach nothing.
func (n *native) warm(ctx context.Context, inst *instance) error {
	ctx, cancel := context.WithTimeout(ctx, prewarmTimeout)
	defer cancel()
	if _, _, err := inst.plugin.CallWithContext(ctx, prewarmExport, nil); err != nil {
		return err
	}
	ctx = hostfns.WithDirect(ctx, &hostfns.Direct{Memory: inst.guestMemory, Warm: true})
	for _, entry := range n.entries {
		if !inst.plugin.FunctionExists(entry) {
			continue
		}
		if _, _, err := inst.plugin.CallWithContext(ctx, entry, nil); err != nil {
			return fmt.Errorf("warm %s: %w", entry, err)
		}
	}
	return nil
}

// nativeRunner runs a native bundle: an Extism plugin compiled once, with a
// pool of fresh instances.
type nativeRunner struct {
	native
	pool             *pool[*instance]
	memoryLimitPages uint32
}

func (h *Host) loadNative(ctx context.Context, parsed *bundle.Bundle, wasm []byte) (*nativeRunner, error) {
	if err := parsed.CheckImports(allowedImport); err != nil {
		return nil, err
	}
	compiled, err := extism.NewCompiledPlugin(ctx,
		extism.Manifest{Wasm: []extism.Wasm{extism.WasmData{Data: wasm}}},
		extism.PluginConfig{RuntimeConfig: h.runtimeConfig(), EnableWasi: true},
		hostfns.ExtismFunctions())
	if err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	m := parsed.Manifest
	n := &nativeRunner{memoryLimitPages: h.cfg.MemoryLimitPages}
	n.compiled = compiled
	n.entries = []string{m.EntryPoint(), bundle.WebhookEntryPoint}
	n.pool = newPool(h.cfg.Prewarm, n.create)
	return n, nil
}

func (n *nativeRunner) run(ctx context.Context, exec Execution, entry string) (Result, error) {
	inst, err := n.pool.take(ctx)
	if err != nil {
		return Result{}, err
	}
	defer n.pool.release(inst)
	if n.memHint.Load() == 0 {
		defer n.learnMemory(inst)
	}
	if !inst.plugin.FunctionExists(entry) {
		return Result{}, fmt.Errorf("bundle does not export %q", entry)
	}
	direct := &hostfns.Direct{Memory: inst.guestMemory, Input: exec.Input}
	ctx = hostfns.WithDirect(ctx, direct)

	start := time.Now()
	// The input goes to both bindings: Extism-style guests read it from the
	// kernel, the Go guest package through the direct binding.
	rc, out, err := inst.plugin.CallWithContext(ctx, entry, exec.Input)
	res := Result{Output: out, Duration: time.Since(start), Memory: uint64(len(inst.guestMemory()))}
	if o, ok := direct.Output(); ok {
		res.Output = o
	}
	if err == nil && rc != 0 {
		err = fmt.Errorf("exited with code %d", rc)
	}
	// Records the function saved are written behind it; wait for them
	// however the call ended, and fail an execution that lost some.
	flushErr := exec.Nango.Flush(context.WithoutCancel(ctx))
	if err != nil {
		return res, n.classify(ctx, err, inst)
	}
	if flushErr != nil {
		return res, &ExecError{Kind: KindHost, Message: flushErr.Error(), cause: flushErr}
	}
	return res, nil
}

func (n *nativeRunner) prewarmed() int { return n.pool.prewarmed() }

func (n *nativeRunner) close(ctx context.Context) error {
	n.pool.close(ctx)
	return n.compiled.Close(ctx)
}
