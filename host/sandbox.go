package host

import (
	"crypto/rand"
	"strings"
	"sync"

	"github.com/tetratelabs/wazero"
)

// moduleConfig is what a guest instance sees of the world: real clocks and
// randomness, its stdout/stderr captured (bounded) for error reports, and
// nothing else: no filesystem mounts, no environment variables, no
// arguments, no sockets.
func moduleConfig(out *output) wazero.ModuleConfig {
	return wazero.NewModuleConfig().
		WithStdout(out).
		WithStderr(out).
		WithRandSource(rand.Reader).
		WithSysWalltime().
		WithSysNanotime().
		WithSysNanosleep()
}

// output keeps what a guest writes to stdout and stderr, bounded: the first
// bytes (where Go prints "fatal error: out of memory" or "panic: …") and the
// last ones, without letting a chatty guest fill the host.
type output struct {
	mu   sync.Mutex
	max  int // of head and of tail each
	head []byte
	tail []byte
}

func newOutput(max int) *output { return &output{max: max} }

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := len(p)
	if room := o.max - len(o.head); room > 0 {
		k := min(room, len(p))
		o.head = append(o.head, p[:k]...)
		p = p[k:]
	}
	o.tail = append(o.tail, p...)
	if over := len(o.tail) - o.max; over > 0 {
		o.tail = append(o.tail[:0], o.tail[over:]...)
	}
	return n, nil
}

// String returns everything kept: the head, then the tail (bytes between
// them, if any, are lost).
func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return string(o.head) + string(o.tail)
}

// Summary returns the start of the output, up to Go's goroutine dump: the
// line that says what went wrong.
func (o *output) Summary() string {
	o.mu.Lock()
	s := string(o.head)
	o.mu.Unlock()
	if i := strings.Index(s, "\ngoroutine "); i >= 0 {
		s = s[:i]
	}
	if len(s) > 512 {
		s = s[:512] + "…"
	}
	return strings.TrimSpace(s)
}
