package hostfns

import (
	"context"
	"fmt"

	extism "github.com/extism/go-sdk"
)

// The direct binding: two host functions that move JSON through the guest's
// own linear memory in one copy each way, instead of through Extism memory
// blocks (which PDKs fill eight bytes per host call). The Go guest package
// uses it; any guest may.
//
//	ferry_call(name_ptr, name_len, req_ptr, req_len i32) -> i32
//	    runs the host function name with the request at req_ptr and returns
//	    the byte length of its answer, held for ferry_answer
//	ferry_answer(ptr i32)
//	    copies the held answer into guest memory at ptr
//
// Besides the capabilities, two names carry the entry point's own input
// and output: "input" answers the execution's input as is, and "output"
// takes the request as the execution's output (answering {}).
//
// In warm mode (a pool warming an instance no execution has taken yet)
// "input" answers WarmInput, which is not JSON and so no real input: the
// guest package's entry functions then prepare what they can (encoding/json
// for the function's own types) and return without running the function.
const (
	directCall   = "ferry_call"
	directAnswer = "ferry_answer"
)

// WarmInput is what "input" answers in warm mode.
const WarmInput = "\x00ferry:warm"

// GuestMemory returns the guest's linear memory as it is now. It is called
// from host functions only, on the goroutine running the guest.
type GuestMemory func() []byte

// Direct is the direct binding's view of one execution: the guest's
// memory, the entry point's input, and the output the guest sets. Put it in
// the execution's context with WithDirect.
type Direct struct {
	Memory GuestMemory
	Input  []byte
	Warm   bool // warm mode: "input" answers WarmInput, "output" is dropped

	pending   []byte
	output    []byte
	hasOutput bool
}

// Output returns the output the guest set through the direct binding, and
// whether it set one.
func (d *Direct) Output() ([]byte, bool) { return d.output, d.hasOutput }

type directKey struct{}

// WithDirect returns a context under which the direct binding serves d.
func WithDirect(ctx context.Context, d *Direct) context.Context {
	return context.WithValue(ctx, directKey{}, d)
}

func directFunctions() []extism.HostFunction {
	i32 := extism.ValueTypeI32
	call := extism.NewHostFunctionWithStack(directCall, callDirect, []extism.ValueType{i32, i32, i32, i32}, []extism.ValueType{i32})
	answer := extism.NewHostFunctionWithStack(directAnswer, answerDirect, []extism.ValueType{i32}, nil)
	call.SetNamespace(Namespace)
	answer.SetNamespace(Namespace)
	return []extism.HostFunction{call, answer}
}

func callDirect(ctx context.Context, _ *extism.CurrentPlugin, stack []uint64) {
	st, ok := ctx.Value(directKey{}).(*Direct)
	if !ok {
		panic(fmt.Errorf("%s: no guest memory bound to this execution", directCall))
	}
	mem := st.Memory()
	name, okName := guestSlice(mem, stack[0], stack[1])
	req, okReq := guestSlice(mem, stack[2], stack[3])
	switch h := handlers[string(name)]; {
	case !okName || !okReq:
		st.pending = encodeError(errorf(CodeInvalidRequest, "%s: name or request outside guest memory", directCall))
	case string(name) == "input" && st.Warm:
		st.pending = []byte(WarmInput)
	case string(name) == "input":
		st.pending = st.Input
	case string(name) == "output":
		if !st.Warm {
			st.output, st.hasOutput = append([]byte(nil), req...), true
		}
		st.pending = []byte("{}")
	case h == nil:
		st.pending = encodeError(errorf(CodeInvalidRequest, "%s: no host function %q", directCall, name))
	default:
		// Handlers may keep slices of the request past the call (records
		// go to the store): give them a copy, not guest memory.
		st.pending = answer(ctx, string(name), h, append([]byte(nil), req...))
	}
	stack[0] = uint64(len(st.pending))
}

func answerDirect(ctx context.Context, _ *extism.CurrentPlugin, stack []uint64) {
	st, ok := ctx.Value(directKey{}).(*Direct)
	if !ok {
		panic(fmt.Errorf("%s: no guest memory bound to this execution", directAnswer))
	}
	dst, ok := guestSlice(st.Memory(), stack[0], uint64(len(st.pending)))
	if !ok {
		panic(fmt.Errorf("%s: answer of %d bytes does not fit at %d", directAnswer, len(st.pending), uint32(stack[0])))
	}
	copy(dst, st.pending)
	st.pending = nil
}

// guestSlice returns mem[ptr:ptr+n] when it lies within mem.
func guestSlice(mem []byte, ptr, n uint64) ([]byte, bool) {
	p, l := uint64(uint32(ptr)), uint64(uint32(n))
	if p+l > uint64(len(mem)) {
		return nil, false
	}
	return mem[p : p+l], true
}
