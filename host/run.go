package host

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tetratelabs/wazero/sys"

	"github.com/ferryhq/ferry/hostfns"
)

// Execution is one run of a bundle's function.
type Execution struct {
	// Nango is the execution's nango object, scoped to its connection.
	Nango *hostfns.Nango
	// Entry is the export to call; empty: the manifest's entry point.
	Entry string
	// Input is the entry point's input (an action's input JSON, a webhook
	// payload).
	Input []byte
	// Timeout bounds the run; zero: the context's deadline, else the
	// host's default timeout.
	Timeout time.Duration
}

// Result is what a successful execution returns.
type Result struct {
	Output   []byte
	Duration time.Duration
	// Memory is the size the instance's linear memory reached, in bytes:
	// what the execution cost in memory.
	Memory uint64
}

// Run executes the bundle's function on a fresh instance. A failure is an
// *ExecError whose Kind tells timeout, memory_limit, trap, canceled or a
// function error apart.
func (b *Bundle) Run(ctx context.Context, exec Execution) (Result, error) {
	if exec.Nango == nil {
		return Result{}, errors.New("run: execution has no nango object")
	}
	entry := exec.Entry
	if entry == "" {
		entry = b.manifest.EntryPoint()
	}
	ctx, cancel := b.deadline(ctx, exec.Timeout)
	defer cancel()
	ctx = hostfns.WithNango(ctx, exec.Nango)
	b.host.running.Add(1)
	res, err := b.runner.run(ctx, exec, entry)
	b.host.running.Add(-1)
	if err != nil {
		var ee *ExecError
		if !errors.As(err, &ee) {
			err = fmt.Errorf("run %s: %w", b.manifest.Name, err)
		}
	}
	return res, err
}

func (b *Bundle) deadline(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	if timeout > 0 {
		return context.WithTimeout(ctx, timeout)
	}
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, b.host.cfg.Timeout)
}

// classify turns a failed call of a native instance into an *ExecError.
func (n *nativeRunner) classify(ctx context.Context, err error, inst *instance) *ExecError {
	output := inst.output.String()
	summary := inst.output.Summary()
	var exit *sys.ExitError
	isExit := errors.As(err, &exit)
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded) ||
		isExit && exit.ExitCode() == sys.ExitCodeDeadlineExceeded:
		return &ExecError{Kind: KindTimeout, Message: "the function ran past its deadline", cause: err}
	case errors.Is(ctx.Err(), context.Canceled) ||
		isExit && exit.ExitCode() == sys.ExitCodeContextCanceled:
		return &ExecError{Kind: KindCanceled, Message: "the execution was canceled", cause: err}
	case outOfMemory(output) || inst.memory != nil && inst.memory.nearCap(memorySlack):
		return &ExecError{Kind: KindMemoryLimit, Message: fmt.Sprintf("the function exceeded its memory limit of %d MiB", n.memoryLimitPages/16), cause: err}
	case isExit || isTrap(err):
		return &ExecError{Kind: KindTrap, Message: trapMessage(err, summary), cause: err}
	default:
		fe := parseFunctionError(err.Error())
		return &ExecError{Kind: KindFunction, Message: fe.Message, Function: fe, cause: err}
	}
}

// memorySlack is how close to its cap a failed guest's memory must be for
// the failure to count as the memory limit: Go grows its heap by 4 MiB
// arenas, so an allocation fails while the memory is still short of the cap.
const memorySlack = 8 << 20

// outOfMemory reports whether a guest's last output says an allocation
// failed: Go prints "out of memory", Rust "memory allocation of N bytes
// failed". Wasm has no other signal: memory.grow just returns -1.
func outOfMemory(output string) bool {
	return strings.Contains(output, "out of memory") ||
		strings.Contains(output, "memory allocation of")
}

// isTrap reports whether err is a Wasm runtime error rather than an error
// the guest reported through Extism.
func isTrap(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "wasm error:") || strings.Contains(msg, "wasm stack trace")
}

// trapMessage is the runtime's error without its stack trace, followed by
// what the guest said before it died.
func trapMessage(err error, summary string) string {
	msg, _, _ := strings.Cut(err.Error(), "\n")
	if summary != "" {
		msg += ": " + summary
	}
	return msg
}
