package host

import (
	"context"
	"sync"
)

// poolable is an instance a pool hands out: fresh, for one execution.
type poolable interface {
	close(ctx context.Context)
}

// pool keeps up to size fresh instances of one bundle ready. An instance
// leaves the pool once and is closed after its execution; a background
// goroutine replaces it. Native and JS bundles share it; create makes
// their instances (prewarm: ready one fully, ahead of any execution).
type pool[I poolable] struct {
	create func(ctx context.Context, prewarm bool) (I, error)
	ready  chan I
	wake   chan struct{}
	done   chan struct{}
	wg     sync.WaitGroup
	once   sync.Once
}

func newPool[I poolable](size int, create func(ctx context.Context, prewarm bool) (I, error)) *pool[I] {
	p := &pool[I]{
		create: create,
		ready:  make(chan I, size),
		wake:   make(chan struct{}, 1),
		done:   make(chan struct{}),
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
func (p *pool[I]) take(ctx context.Context) (I, error) {
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
func (p *pool[I]) release(inst I) {
	inst.close(context.Background())
	p.signal()
}

func (p *pool[I]) signal() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// fill keeps the ready channel full until the pool closes.
func (p *pool[I]) fill() {
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

// prewarmed reports how many fresh instances are ready now.
func (p *pool[I]) prewarmed() int { return len(p.ready) }

// close stops the filler and closes the instances still ready.
func (p *pool[I]) close(ctx context.Context) {
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
