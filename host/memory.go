package host

import (
	"sync"

	"github.com/tetratelabs/wazero/experimental"
)

// memories is the wazero memory allocator of one instance. It records the
// linear memories the instance's modules create, so the host can read and
// write the guest's own memory directly (one copy per host call instead of
// Extism's eight bytes per call), and see how close the guest came to its
// cap when it failed.
//
// extism/go-sdk instantiates the Extism kernel first and the guest module
// last, so the guest's memory is the last one allocated.
type memories struct {
	// hint is the capacity to start memories with: the size the guest's
	// memory reached in an earlier instance of the same bundle, so that a
	// new instance grows without copying.
	hint uint64

	mu  sync.Mutex
	all []*linearMemory
}

// Allocate implements experimental.MemoryAllocator.
func (m *memories) Allocate(capacity, max uint64) experimental.LinearMemory {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.all) > 0 && m.hint > capacity { // the guest's, not the kernel's
		capacity = min(m.hint, max)
	}
	lm := &linearMemory{max: max, buf: make([]byte, 0, capacity)}
	m.all = append(m.all, lm)
	return lm
}

// guest returns the guest module's memory: the second one, after the
// kernel's; nil for a guest without memory of its own.
func (m *memories) guest() *linearMemory {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.all) < 2 {
		return nil
	}
	return m.all[len(m.all)-1]
}

// linearMemory is a growable []byte backing one Wasm memory. It is only
// touched from the goroutine running the instance.
type linearMemory struct {
	buf []byte
	max uint64
}

// Reallocate implements experimental.LinearMemory: it grows (or shrinks the
// view of) the buffer to size bytes, doubling capacity to amortise copies.
func (l *linearMemory) Reallocate(size uint64) []byte {
	if size > l.max {
		return nil
	}
	if size <= uint64(cap(l.buf)) {
		l.buf = l.buf[:size]
		return l.buf
	}
	grown := min(max(size, 2*uint64(cap(l.buf))), l.max)
	buf := make([]byte, size, grown)
	copy(buf, l.buf)
	l.buf = buf
	return l.buf
}

// Free implements experimental.LinearMemory.
func (l *linearMemory) Free() { l.buf = nil }

// bytes returns the memory's current contents.
func (l *linearMemory) bytes() []byte { return l.buf }

// nearCap reports whether the memory is within slack bytes of its maximum.
func (l *linearMemory) nearCap(slack uint64) bool {
	return uint64(len(l.buf))+slack >= l.max
}
