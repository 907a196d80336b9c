package host

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	extism "github.com/extism/go-sdk"
	"github.com/tetratelabs/wazero/experimental"

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

// instance is a fresh guest instance. It serves exactly one execution.
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

// pool keeps up to size fresh instances of one compiled bundle ready. An
// instance leaves the pool once and is closed after its execution; a
// background goroutine replaces it.
type pool struct {
	compiled *extism.CompiledPlugin
	entries  []string      // entry points to call in warm mode when pre-warming
	memHint  atomic.Uint64 // guest memory size of the last instance made
	ready    chan *instance
	wake     chan struct{}
	done     chan struct{}
	wg       sync.WaitGroup
	once     sync.Once
}

func newPool(compiled *extism.CompiledPlugin, size int, entries []string) *pool {
	p := &pool{
		compiled: compiled,
		entries:  entries,
		ready:    make(chan *instance, size),
		wake:     make(chan struct{}, 1),
		done:     make(chan struct{}),
	}
	if size > 0 {
		p.wg.Add(1)
		go p.fill()
		p.signal()
	}
	return p
}

// take returns a fresh instance: a pre-warmed one when ready, else a new
// one made now (and the filler woken to make more meanwhile).
func (p *pool) take(ctx context.Context) (*instance, error) {
	select {
	case inst := <-p.ready:
		return inst, nil
	default:
		p.signal()
		return p.create(ctx, false)
	}
}

// release closes an instance after its execution and wakes the filler to
// replace it. Refilling after rather than during the execution keeps the
// replacement's start (instantiation, the guest runtime's start, garbage)
// from competing with the execution for the CPU.
func (p *pool) release(inst *instance) {
	if p.memHint.Load() == 0 {
		p.learnMemory(inst)
	}
	inst.close(context.Background())
	p.signal()
}

// maxMemoryHint bounds the capacity new instances start with, so that one
// execution that used a lot of memory does not make every instance big.
const maxMemoryHint = 64 << 20

// learnMemory records how large the guest's memory grew, as the starting
// capacity of the next instances.
func (p *pool) learnMemory(inst *instance) {
	if inst.memory != nil {
		p.memHint.Store(min(uint64(len(inst.memory.bytes())), maxMemoryHint))
	}
}

func (p *pool) signal() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// fill keeps the ready channel full until the pool closes.
func (p *pool) fill() {
	defer p.wg.Done()
	for {
		select {
		case <-p.done:
			return
		case <-p.wake:
		}
		for len(p.ready) < cap(p.ready) {
			inst, err := p.create(context.Background(), true)
			if err != nil {
				break // the next take instantiates on demand and reports the error
			}
			select {
			case p.ready <- inst:
			case <-p.done:
				inst.close(context.Background())
				return
			}
		}
	}
}

// create instantiates the bundle and, when asked and the bundle has one,
// runs its prewarm export. An instance made for an execution waiting on it
// skips that: the guest's runtime starts with its first call anyway.
func (p *pool) create(ctx context.Context, prewarm bool) (*instance, error) {
	out := newOutput(outputKeep)
	mems := &memories{hint: p.memHint.Load()}
	plugin, err := p.compiled.Instance(experimental.WithMemoryAllocator(ctx, mems),
		extism.PluginInstanceConfig{ModuleConfig: moduleConfig(out)})
	if err != nil {
		return nil, fmt.Errorf("instantiate: %w", err)
	}
	inst := &instance{plugin: plugin, output: out, memory: mems.guest()}
	if prewarm && plugin.FunctionExists(prewarmExport) {
		if err := p.warm(ctx, inst); err != nil {
			inst.close(ctx)
			return nil, fmt.Errorf("prewarm: %w (%s)", err, out.Summary())
		}
	}
	if prewarm {
		p.learnMemory(inst)
	}
	return inst, nil
}

// warm starts the guest's runtime (ferry_prewarm), then calls each entry
// point in warm mode: the guest package prepares encoding/json for the
// function's own types and returns without running the function. No
// execution is bound, so a guest that did more could reach nothing.
func (p *pool) warm(ctx context.Context, inst *instance) error {
	ctx, cancel := context.WithTimeout(ctx, prewarmTimeout)
	defer cancel()
	if _, _, err := inst.plugin.CallWithContext(ctx, prewarmExport, nil); err != nil {
		return err
	}
	ctx = hostfns.WithDirect(ctx, &hostfns.Direct{Memory: inst.guestMemory, Warm: true})
	for _, entry := range p.entries {
		if !inst.plugin.FunctionExists(entry) {
			continue
		}
		if _, _, err := inst.plugin.CallWithContext(ctx, entry, nil); err != nil {
			return fmt.Errorf("warm %s: %w", entry, err)
		}
	}
	return nil
}

// prewarmed reports how many fresh instances are ready now.
func (p *pool) prewarmed() int { return len(p.ready) }

// close stops the filler and closes the instances still ready.
func (p *pool) close(ctx context.Context) {
	p.once.Do(func() {
		close(p.done)
		p.wg.Wait()
		for {
			select {
			case inst := <-p.ready:
				inst.close(ctx)
			default:
				return
			}
		}
	})
}
